/**
 * One evaluation of a spec's monitors as every mode runs it (`--once`, the schedule,
 * beside `mlspec serve`): the rules evaluated, firings stored, alerts sent, and the
 * signals a retrain rule reads.
 */
import * as path from "node:path";
import type { Plan } from "../../compiler/plan/schema.js";
import type { Workspace } from "../workspace/workspace.js";
import { alertBodies, sendLocalAlerts, sendWebhookAlerts, type WebhookOptions } from "./alerts.js";
import { evaluateMonitorsOnce, type MonitorReport } from "./monitor-once.js";
import type { EvaluationSignals } from "./retrainer.js";

export interface EvaluationOptions {
  specPath: string;
  now: number;
  from?: number;
  to?: number;
  monitor?: string;
  webhook?: WebhookOptions;
  /** Warnings and log alerts (stderr). */
  err: (line: string) => void;
}

export async function evaluateAndAlert(plan: Plan, ws: Workspace, o: EvaluationOptions): Promise<MonitorReport[]> {
  const specDir = path.dirname(path.resolve(o.specPath));
  const reports = await evaluateMonitorsOnce(plan, ws, {
    now: () => o.now,
    projectDir: specDir,
    ...(o.from !== undefined ? { from: o.from } : {}),
    ...(o.to !== undefined ? { to: o.to } : {}),
    ...(o.monitor !== undefined ? { monitor: o.monitor } : {}),
  });
  for (const r of reports) {
    const mon = plan.monitors.find((m) => m.name === r.monitor)!;
    const bodies = alertBodies(r, o.now);
    sendLocalAlerts(mon, bodies, specDir, o.err);
    // a webhook that stays down is reported, and the firing is stored all the same
    for (const failure of await sendWebhookAlerts(mon, bodies, o.webhook)) o.err(`warning: ${failure}`);
  }
  return reports;
}

/** What fired in one monitor's evaluation, for its retrain rule. */
export function signalsOf(ws: Workspace, report: MonitorReport, now: number): EvaluationSignals {
  const ids = ws.registry.db.prepare("SELECT id FROM monitor_firings WHERE monitor = ? AND at = ? ORDER BY id").all(report.monitor, now) as Array<{ id: number }>;
  return {
    drift: report.drift.filter((d) => d.fired).map((d) => d.rule),
    performance: report.performance.filter((p) => p.fired).map((p) => p.rule),
    firingIds: ids.map((r) => r.id),
  };
}
