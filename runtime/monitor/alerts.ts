/**
 * Where a fired rule is sent (spec/language.md#monitor): `log` writes the alert as one
 * JSON line to the error stream, `file` appends it as one JSON line to `target`
 * (resolved against the spec's folder). The body: monitor, rule, column(s), test,
 * value, threshold, window, model version, time.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { MonitorPlan } from "../../compiler/plan/schema.js";
import type { MonitorReport } from "./monitor-once.js";

export interface AlertBody {
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
