/**
 * `mlspec monitor SPEC --once [--from T --to T] [--format json] [--retrain]`: evaluates every
 * rule of the spec's monitors once, prints each rule's result per column, stores firings,
 * sends log, file and webhook alerts and stores the retrain decision (with --retrain it also
 * runs the retraining and waits for it). Exit 0 when no rule fired, 1 when one did.
 * Also `mlspec monitor SPEC` on the schedule and `mlspec monitor history SPEC`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Plan } from "../../compiler/plan/schema.js";
import { defaultWorkspaceDir, openWorkspace } from "../../runtime/workspace/workspace.js";
import { AlertError, type WebhookOptions } from "../../runtime/monitor/alerts.js";
import { evaluateAndAlert, signalsOf } from "../../runtime/monitor/evaluate-and-alert.js";
import { MonitorError, type MonitorReport } from "../../runtime/monitor/monitor-once.js";
import { describeTrigger, recordTrigger, Retrainer, type RetrainerOptions } from "../../runtime/monitor/retrainer.js";
import { MonitorLoop, type Timers } from "../../runtime/monitor/monitor-loop.js";
import { listFirings } from "../../runtime/monitor/monitor-store.js";
import { listTriggers } from "../../runtime/monitor/retrain-store.js";
import { historyLines } from "../../runtime/monitor/monitor-history.js";
import { renderMonitorReports } from "../../runtime/monitor/monitor-report.js";
import { DriftRuleError } from "../../runtime/monitor/drift-rule.js";
import { LabelsError } from "../../runtime/monitor/performance-labels.js";

export interface MonitorCommandOptions {
  plan: Plan;
  workspace?: string;
  from?: number;
  to?: number;
  format: "text" | "json";
  monitor?: string;
  now?: () => number;
  webhook?: WebhookOptions;
  /** `--retrain`: start a retraining the evaluation triggers and wait for it (how to run `mlspec run`). */
  retrain?: Pick<RetrainerOptions, "cli" | "runFlags">;
}

export interface MonitorCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** A problem the user can fix (no workspace, a bad window): one line, exit 2. */
export class MonitorUsageError extends Error {}

/** `2026-12-03T10:00:00Z`, any ISO 8601 time `Date` reads, or ms since the epoch. */
export function parseTime(flag: string, text: string): number {
  const t = /^\d+$/.test(text.trim()) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(t)) throw new MonitorUsageError(`${flag} must be an ISO 8601 time such as 2026-12-03T10:00:00Z or ms since the epoch, got "${text}"`);
  return t;
}

export async function runMonitorCommand(specPath: string, options: MonitorCommandOptions, io: MonitorCommandIo): Promise<number> {
  if (options.from !== undefined && options.to !== undefined && options.from >= options.to) {
    throw new MonitorUsageError(`--from must be before --to (${new Date(options.from).toISOString()} is not before ${new Date(options.to).toISOString()})`);
  }
  if (options.plan.monitors.length === 0) throw new MonitorUsageError(`${specPath} has no monitor block`);
  const dir = options.workspace ?? defaultWorkspaceDir(specPath);
  if (!fs.existsSync(path.join(dir))) throw new MonitorUsageError(`no workspace at ${dir}: run \`mlspec run ${specPath}\` and serve the model first`);
  const now = (options.now ?? Date.now)();
  const ws = openWorkspace(dir);
  let reports: MonitorReport[];
  try {
    reports = await evaluateAndAlert(options.plan, ws, {
      specPath,
      now,
      err: io.err,
      ...(options.from !== undefined ? { from: options.from } : {}),
      ...(options.to !== undefined ? { to: options.to } : {}),
      ...(options.monitor !== undefined ? { monitor: options.monitor } : {}),
      ...(options.webhook ? { webhook: options.webhook } : {}),
    });
    const retrainer = options.retrain ? new Retrainer({ db: ws.registry.db, plan: options.plan, specPath, clock: () => now, log: io.err, ...options.retrain }) : undefined;
    for (const r of reports) {
      const mon = options.plan.monitors.find((m) => m.name === r.monitor)!;
      // --once stores the trigger; it runs here with --retrain, else on the schedule or beside serve
      const trigger = retrainer ? retrainer.onEvaluation(mon, signalsOf(ws, r, now)) : recordTrigger(ws, options.plan, mon, signalsOf(ws, r, now), now);
      if (trigger) r.retrain = { trigger: trigger.id, state: trigger.state, ...(trigger.reason ? { reason: trigger.reason } : {}) };
    }
    if (retrainer) {
      await retrainer.idle();
      for (const r of reports) if (r.retrain) r.retrain = describeTrigger(ws, r.retrain.trigger);
    }
  } catch (e) {
    if (e instanceof MonitorError || e instanceof AlertError || e instanceof DriftRuleError || e instanceof LabelsError) throw new MonitorUsageError(e.message);
    throw e;
  } finally {
    ws.close();
  }
  if (options.format === "json") io.out(JSON.stringify({ time: new Date(now).toISOString(), monitors: reports }, null, 2));
  else for (const line of renderMonitorReports(reports)) io.out(line);
  return reports.some((r) => r.drift.some((d) => d.fired) || r.performance.some((p) => p.fired)) ? 1 : 0;
}

export interface MonitorScheduleOptions {
  plan: Plan;
  workspace?: string;
  format: "text" | "json";
  clock?: () => number;
  timers?: Timers;
  retrain?: Pick<RetrainerOptions, "cli" | "runFlags" | "onChallenger">;
  /** Resolves when the loop should stop (default: SIGTERM or SIGINT). */
  until?: Promise<unknown>;
}

/**
 * `mlspec monitor SPEC` without --once: every monitor on its schedule, retraining when its
 * rule says so, until SIGTERM or SIGINT; a running retraining is stopped and retried at the
 * next start. Prints each evaluation (text, or one JSON object a line). Exit 0.
 */
export async function runMonitorSchedule(specPath: string, options: MonitorScheduleOptions, io: MonitorCommandIo): Promise<number> {
  if (options.plan.monitors.length === 0) throw new MonitorUsageError(`${specPath} has no monitor block`);
  const dir = options.workspace ?? defaultWorkspaceDir(specPath);
  if (!fs.existsSync(dir)) throw new MonitorUsageError(`no workspace at ${dir}: run \`mlspec run ${specPath}\` and serve the model first`);
  const clock = options.clock ?? Date.now;
  const ws = openWorkspace(dir);
  const retrainer = new Retrainer({ db: ws.registry.db, plan: options.plan, specPath, clock, log: io.err, ...options.retrain });
  const loop = new MonitorLoop({
    plan: options.plan,
    workspace: ws,
    specPath,
    clock,
    log: io.err,
    retrainer,
    ...(options.timers ? { timers: options.timers } : {}),
    onReport: (r) => {
      if (options.format === "json") io.out(JSON.stringify({ time: new Date(clock()).toISOString(), ...r }));
      else for (const line of renderMonitorReports([r])) io.out(line);
    },
  });
  let onSignal: (() => void) | undefined;
  const until =
    options.until ??
    new Promise<void>((resolve) => {
      onSignal = () => resolve();
      process.once("SIGTERM", onSignal);
      process.once("SIGINT", onSignal);
    });
  io.err(`monitoring ${options.plan.monitors.map((m) => `${m.name} every ${m.scheduleMs / 1000}s`).join(", ")}; SIGTERM stops`);
  loop.start();
  try {
    await until;
  } finally {
    if (onSignal) {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    }
    await loop.stop();
    ws.close();
  }
  io.err("monitoring stopped");
  return 0;
}

/** `mlspec monitor history SPEC`: every firing and every retrain trigger, oldest first. */
export function runMonitorHistory(specPath: string, options: { workspace?: string; format: "text" | "json"; monitor?: string }, io: MonitorCommandIo): number {
  if (!fs.existsSync(specPath)) throw new MonitorUsageError(`cannot read ${specPath}: no such file`);
  const dir = options.workspace ?? defaultWorkspaceDir(specPath);
  if (!fs.existsSync(dir)) throw new MonitorUsageError(`no workspace at ${dir}: run \`mlspec run ${specPath}\` first`);
  const ws = openWorkspace(dir);
  try {
    const firings = listFirings(ws.registry.db, options.monitor);
    const triggers = listTriggers(ws.registry.db, options.monitor);
    if (options.format === "json") {
      io.out(JSON.stringify({ firings: firings.map((f) => ({ ...f, at: new Date(f.at).toISOString(), windowFrom: new Date(f.windowFrom).toISOString(), windowTo: new Date(f.windowTo).toISOString() })), retrains: triggers.map((t) => ({ ...t, at: new Date(t.at).toISOString() })) }, null, 2));
      return 0;
    }
    for (const line of historyLines(firings, triggers)) io.out(line);
    return 0;
  } finally {
    ws.close();
  }
}
