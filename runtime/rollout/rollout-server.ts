/**
 * The rollout controller beside `mlspec serve` (runtime/serve/beside-server.ts):
 * started once the server listens, it reconciles the spec's rollouts of the
 * served serve blocks every RECONCILE_MS, and stops before the server drains.
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

export class RolloutServer {
  readonly name = "rollouts";
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private controller: RolloutController | undefined;

  constructor(private readonly options: { reconcileMs?: number; holder?: string } = {}) {}

  async start(ctx: RolloutServerContext): Promise<void> {
    const rollouts = ctx.plan.rollouts.filter((r) => ctx.endpoints.has(r.serve)).map((r) => r.name);
    if (rollouts.length === 0) return;
    this.controller = new RolloutController({
      plan: ctx.plan,
      store: new RolloutStore(ctx.db, ctx.clock),
      env: new ServeEnvironment(ctx.db, ctx.endpoints, ctx.clock),
      rollouts,
      log: ctx.log,
      ...(this.options.holder ? { holder: this.options.holder } : {}),
    });
    await this.tick(ctx.log);
    this.timer = setInterval(() => void this.tick(ctx.log), this.options.reconcileMs ?? RECONCILE_MS);
    this.timer.unref();
  }

  /** One reconcile pass, never two at once; a failure is logged and the next pass tries again. */
  tick(log: (line: string) => void = () => undefined): Promise<void> {
    const controller = this.controller;
    if (!controller) return Promise.resolve();
    this.running = this.running.then(() => controller.tick()).catch((error: Error) => log(`rollouts: ${error.message}`));
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    this.controller = undefined;
  }
}
