/**
 * Where a fired rule is sent (spec/language.md#monitor): `log` writes the alert as one
 * JSON line to the error stream, `file` appends it as one JSON line to `target`
 * (resolved against the spec's folder). The body: monitor, rule, column(s), test,
 * value, threshold, window, model version, time; for performance the metric, condition,
 * value, whether it is estimated, and n.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { MonitorPlan } from "../../compiler/plan/schema.js";
import type { MonitorReport } from "./monitor-once.js";

export type AlertBody = DriftAlertBody | PerformanceAlertBody;

export interface DriftAlertBody {
  monitor: string;
  rule: string;
  kind: "drift";
  model: string;
  version: number;
  window: { from: string; to: string };
  columns: Array<{ column: string; test: string; value: number; pValue: number | null; threshold: number | null; alpha: number | null; n: number }>;
  datasetDrift: boolean;
  time: string;
}

/** A performance rule whose condition failed: the value judged, whether measured or estimated (CBPE), on n rows. */
export interface PerformanceAlertBody {
  monitor: string;
  rule: string;
  kind: "performance";
  model: string;
  version: number;
  window: { from: string; to: string };
  metric: string;
  condition: string;
  value: number;
  estimated: boolean;
  n: number;
  time: string;
}

export class AlertError extends Error {}

export function alertBodies(report: MonitorReport, now: number): AlertBody[] {
  const out: AlertBody[] = [];
  for (const r of report.drift) {
    for (const v of r.versions) {
      if (!v.result?.fired) continue;
      out.push({
        monitor: report.monitor,
        rule: r.rule,
        kind: "drift",
        model: v.model,
        version: v.version,
        window: { from: new Date(r.window.from).toISOString(), to: new Date(r.window.to).toISOString() },
        columns: v.result.columns
          .filter((c) => c.verdict === "drift")
          .map((c) => ({ column: c.column, test: c.test, value: c.statistic!, pValue: c.pValue, threshold: c.threshold, alpha: c.alpha, n: c.n })),
        datasetDrift: v.result.datasetDrift,
        time: new Date(now).toISOString(),
      });
    }
  }
  for (const r of report.performance) {
    for (const v of r.versions) {
      const res = v.result;
      if (!res?.fired) continue;
      const judged = res.judgedOn === "measured" ? res.measured : res.estimated!;
      out.push({
        monitor: report.monitor,
        rule: r.rule,
        kind: "performance",
        model: v.model,
        version: v.version,
        window: { from: new Date(r.window.from).toISOString(), to: new Date(r.window.to).toISOString() },
        metric: res.metric,
        condition: `${res.metric} ${res.op} ${res.bound}`,
        value: judged.value!,
        estimated: res.judgedOn === "estimated",
        n: judged.n,
        time: new Date(now).toISOString(),
      });
    }
  }
  return out;
}

/** Sends each body to the monitor's log and file alerts (a monitor without alerts logs). Returns the channels used. */
export function sendLocalAlerts(mon: MonitorPlan, bodies: AlertBody[], specDir: string, writeLog: (line: string) => void): string[] {
  const channels = mon.alerts.length ? mon.alerts.map((a) => a.params as { channel?: string; target?: string }) : [{ channel: "log" }];
  const used: string[] = [];
  for (const a of channels) {
    const channel = a.channel ?? "log";
    if (channel === "log") {
      for (const b of bodies) writeLog(JSON.stringify({ alert: b }));
      used.push("log");
    } else if (channel === "file") {
      if (!a.target) throw new AlertError(`monitor \`${mon.name}\`: alert(channel = file) needs a target file`);
      const file = path.resolve(specDir, a.target);
      try {
        if (bodies.length) fs.appendFileSync(file, bodies.map((b) => JSON.stringify(b) + "\n").join(""));
      } catch (e) {
        throw new AlertError(`monitor \`${mon.name}\`: cannot append alerts to ${file}: ${(e as Error).message}`);
      }
      used.push(`file ${file}`);
    }
  }
  return used;
}

export interface WebhookOptions {
  /** Per attempt (default 5,000 ms). */
  timeoutMs?: number;
  /** Attempts after the first (default 3). */
  retries?: number;
  /** Wait before retry k (0-based): backoffMs · 2^k (default 250 ms). */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface WebhookDelivery {
  ok: boolean;
  attempts: number;
  /** The last HTTP status, if any answer came. */
  status?: number;
  error?: string;
}

/**
 * POSTs the body as JSON. A 2xx answer is delivered; a timeout, a network error, a 429 or a
 * 5xx is retried up to `retries` times with doubling waits; any other answer is final.
 */
export async function postWebhook(url: string, body: unknown, options: WebhookOptions = {}): Promise<WebhookDelivery> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 250;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last: WebhookDelivery = { ok: false, attempts: 0 };
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1));
    try {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      last = { ok: res.ok, attempts: attempt + 1, status: res.status, ...(res.ok ? {} : { error: `HTTP ${res.status}` }) };
      if (res.ok || (res.status !== 429 && res.status < 500)) return last;
    } catch (e) {
      const err = e as Error;
      last = { ok: false, attempts: attempt + 1, error: err.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : err.message };
    }
  }
  return last;
}

/** Sends each body to the monitor's webhook alerts; returns one line per failed delivery. */
export async function sendWebhookAlerts(mon: MonitorPlan, bodies: AlertBody[], options: WebhookOptions = {}): Promise<string[]> {
  const failures: string[] = [];
  for (const a of mon.alerts.map((x) => x.params as { channel?: string; target?: string })) {
    if (a.channel !== "webhook") continue;
    if (!a.target) throw new AlertError(`monitor \`${mon.name}\`: alert(channel = webhook) needs a target URL`);
    for (const b of bodies) {
      const d = await postWebhook(a.target, b, options);
      if (!d.ok) failures.push(`monitor ${mon.name}: webhook ${a.target} failed after ${d.attempts} attempt${d.attempts === 1 ? "" : "s"}: ${d.error}`);
    }
  }
  return failures;
}
