/**
 * A spec's monitors on their schedules (`mlspec monitor SPEC` without --once, and beside
 * `mlspec serve`): each monitor is evaluated at start and then every `schedule` after the
 * start of its previous evaluation (never two at once), its alerts sent, its metrics set,
 * and its retrain rule handed to the Retrainer. The clock and the timers are injected.
 */
import type { MonitorPlan, Plan } from "../../compiler/plan/schema.js";
import type { Workspace } from "../workspace/workspace.js";
import type { WebhookOptions } from "./alerts.js";
import { evaluateAndAlert, signalsOf } from "./evaluate-and-alert.js";
import type { MonitorMetrics } from "./monitor-metrics.js";
import type { MonitorReport } from "./monitor-once.js";
import type { Retrainer } from "./retrainer.js";

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface MonitorLoopOptions {
  plan: Plan;
  workspace: Workspace;
  specPath: string;
  clock: () => number;
  timers?: Timers;
  log: (line: string) => void;
  webhook?: WebhookOptions;
  retrainer?: Retrainer;
  metrics?: Pick<MonitorMetrics, "record" | "trigger">;
  /** Each monitor's report after each evaluation. */
  onReport?: (report: MonitorReport) => void;
}

export class MonitorLoop {
  private readonly handles = new Map<string, unknown>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly o: MonitorLoopOptions) {}

  start(): void {
    this.o.retrainer?.reconcile();
    for (const mon of this.o.plan.monitors) this.schedule(mon, 0);
  }

  /** Evaluates one monitor now; resolves with its report. */
  async tick(mon: MonitorPlan): Promise<MonitorReport | undefined> {
    const now = this.o.clock();
    try {
      const [report] = await evaluateAndAlert(this.o.plan, this.o.workspace, { specPath: this.o.specPath, now, monitor: mon.name, err: this.o.log, ...(this.o.webhook ? { webhook: this.o.webhook } : {}) });
      if (!report) return undefined;
      const trigger = this.o.retrainer?.onEvaluation(mon, signalsOf(this.o.workspace, report, now));
      if (trigger) {
        report.retrain = { trigger: trigger.id, state: trigger.state, ...(trigger.reason ? { reason: trigger.reason } : {}) };
        this.o.metrics?.trigger(mon.name, trigger.state);
      }
      this.o.metrics?.record(report);
      this.o.onReport?.(report);
      return report;
    } catch (e) {
      // one failed evaluation is said and the schedule goes on
      this.o.log(`monitor ${mon.name}: evaluation failed: ${(e as Error).message}`);
      return undefined;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const h of this.handles.values()) (this.o.timers ?? realTimers).clearTimeout(h);
    this.handles.clear();
    await Promise.all([...this.running]);
    await this.o.retrainer?.stop();
  }

  private schedule(mon: MonitorPlan, delayMs: number): void {
    if (this.stopped) return;
    const timers = this.o.timers ?? realTimers;
    this.handles.set(
      mon.name,
      timers.setTimeout(() => {
        const started = this.o.clock();
        const p = this.tick(mon).then(() => {
          this.running.delete(p);
          this.schedule(mon, Math.max(0, started + mon.scheduleMs - this.o.clock()));
        });
        this.running.add(p);
      }, delayMs),
    );
  }
}
