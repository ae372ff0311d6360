/**
 * The monitors beside `mlspec serve` (runtime/serve/beside-server.ts): started after the
 * server listens, it runs the spec's monitors on their schedules (monitor-loop.ts) against
 * the serve's workspace, adds its gauges to each served endpoint's `/metrics`, and retrains
 * in child processes; stopped on SIGTERM before requests drain (a retraining it stops is
 * retried by the next start).
 */
import * as path from "node:path";
import type { Registry } from "prom-client";
import type { BesideServer, BesideServerContext } from "../serve/beside-server.js";
import { openWorkspace, type Workspace } from "../workspace/workspace.js";
import { MonitorLoop, type Timers } from "./monitor-loop.js";
import { MonitorMetrics } from "./monitor-metrics.js";
import type { MonitorReport } from "./monitor-once.js";
import { Retrainer, type RetrainerOptions } from "./retrainer.js";

export interface MonitorControllerOptions {
  /** The spec (for alerts' files, labels and `mlspec run`); default: plan.spec.file beside the workspace folder. */
  specPath?: string;
  /** Default: the folder of the registry database. */
  workspaceDir?: string;
  timers?: Timers;
  retrain?: Pick<RetrainerOptions, "cli" | "runFlags" | "onChallenger">;
  /** Where the gauges go when no endpoint carries a metrics registry. */
  registry?: Registry;
  /** Each monitor's report after each evaluation. */
  onReport?: (report: MonitorReport) => void;
}

export class MonitorController implements BesideServer {
  readonly name = "monitor";
  private loop: MonitorLoop | undefined;
  private workspace: Workspace | undefined;

  constructor(private readonly options: MonitorControllerOptions = {}) {}

  async start(ctx: BesideServerContext): Promise<void> {
    if (ctx.plan.monitors.length === 0) return;
    const dir = this.options.workspaceDir ?? path.dirname(ctx.db.name);
    const specPath = this.options.specPath ?? path.join(path.dirname(dir), ctx.plan.spec.file);
    this.workspace = openWorkspace(dir);
    const registries = new Set<Registry>();
    for (const e of ctx.endpoints.values()) if (ctx.plan.monitors.some((m) => m.serve === e.name)) registries.add(e.metricsRegistry);
    if (registries.size === 0 && this.options.registry) registries.add(this.options.registry);
    // one set of gauges per registry (prom-client names are unique per registry)
    const metrics = [...registries].map((r) => new MonitorMetrics(r));
    const fanout = {
      record: (r: MonitorReport) => metrics.forEach((m) => m.record(r)),
      trigger: (mon: string, state: string) => metrics.forEach((m) => m.trigger(mon, state)),
    };
    const retrainer = new Retrainer({ db: this.workspace.registry.db, plan: ctx.plan, specPath, clock: ctx.clock, log: ctx.log, ...this.options.retrain });
    this.loop = new MonitorLoop({ plan: ctx.plan, workspace: this.workspace, specPath, clock: ctx.clock, log: ctx.log, retrainer, metrics: fanout, ...(this.options.timers ? { timers: this.options.timers } : {}), ...(this.options.onReport ? { onReport: this.options.onReport } : {}) });
    this.loop.start();
    ctx.log(`monitor: ${ctx.plan.monitors.map((m) => `${m.name} every ${m.scheduleMs / 1000}s`).join(", ")}`);
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    this.workspace?.close();
    this.loop = undefined;
    this.workspace = undefined;
  }
}
