/**
 * The rollout controller beside `mlspec serve` (runtime/serve/beside-server.ts):
 * started once the server listens, it reconciles the spec's rollouts of the
 * served serve blocks every RECONCILE_MS, and stops before the server drains.
 * A challenger registered by a retraining beside the same server (the monitor's
 * hook, `challengerRegistered`) is reconciled at once rather than at the next
 * pass; one registered by anything else (`mlspec run` from a shell) is found by
 * the next pass, as the controller resolves the candidate's alias at every pass.
 */
import type { Plan } from "../../compiler/plan/schema.js";
import type { SqliteDatabase } from "../workspace/db.js";
import { RolloutStore } from "../workspace/rollouts.js";
import { RolloutController } from "./controller.js";
import { ServeEnvironment, type RoutedEndpoint } from "./serve-environment.js";

/** How often the controller looks at its rollouts. */
export const RECONCILE_MS = 5_000;

export interface RolloutServerContext {
  db: SqliteDatabase;
  plan: Plan;
  endpoints: ReadonlyMap<string, RoutedEndpoint>;
  clock: () => number;
  log: (line: string) => void;
}

/** The timers of the reconcile loop (tests pass their own, so no test waits RECONCILE_MS). */
export interface ReconcileTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: ReconcileTimers = {
  // a pending pass never keeps the process alive on its own
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** A version a retraining registered as challenger (runtime/monitor/retrainer.ts's ChallengerEvent). */
export interface RegisteredChallenger {
  monitor: string;
  model: string;
  version: number;
}

export interface RolloutServerOptions {
  reconcileMs?: number;
  holder?: string;
  timers?: ReconcileTimers;
}

export class RolloutServer {
  readonly name = "rollouts";
  private handle: unknown;
  private running: Promise<void> = Promise.resolve();
  private controller: RolloutController | undefined;
  private context: RolloutServerContext | undefined;
  private stopped = false;

  constructor(private readonly options: RolloutServerOptions = {}) {}

  private get timers(): ReconcileTimers {
    return this.options.timers ?? realTimers;
  }

  async start(ctx: RolloutServerContext): Promise<void> {
    const rollouts = ctx.plan.rollouts.filter((r) => ctx.endpoints.has(r.serve)).map((r) => r.name);
    if (rollouts.length === 0) return;
    this.stopped = false;
    this.context = ctx;
    this.controller = new RolloutController({
      plan: ctx.plan,
      store: new RolloutStore(ctx.db, ctx.clock),
      env: new ServeEnvironment(ctx.db, ctx.endpoints, ctx.clock),
      rollouts,
      log: ctx.log,
      ...(this.options.holder ? { holder: this.options.holder } : {}),
    });
    await this.tick(ctx.log);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.handle = this.timers.setTimeout(() => {
      void this.tick(this.context?.log).then(() => this.schedule());
    }, this.options.reconcileMs ?? RECONCILE_MS);
  }

  /** One reconcile pass, never two at once; a failure is logged and the next pass tries again. */
  tick(log: (line: string) => void = () => undefined): Promise<void> {
    const controller = this.controller;
    if (!controller) return Promise.resolve();
    this.running = this.running.then(() => controller.tick()).catch((error: Error) => log(`rollouts: ${error.message}`));
    return this.running;
  }

  /**
   * The monitor's retraining registered a challenger: reconcile now, so that a rollout whose
   * candidate it is starts at once. Nothing happens when no rollout of this server has it
   * as candidate (the pass finds nothing to start).
   */
  async challengerRegistered(event: RegisteredChallenger): Promise<void> {
    if (!this.controller) return;
    this.context?.log(`rollouts: ${event.model}@${event.version} registered as challenger by monitor ${event.monitor}'s retraining; reconciling now`);
    await this.tick(this.context?.log);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
    await this.running;
    this.controller = undefined;
    this.context = undefined;
  }
}
