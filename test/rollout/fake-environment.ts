/** A RolloutEnvironment whose measurements each test scripts, over an in-memory workspace database. */
import { openDatabase } from "../../runtime/workspace/db.js";
import { RolloutStore } from "../../runtime/workspace/rollouts.js";
import { REGISTRY_MIGRATIONS } from "../../runtime/workspace/schema.js";
import type { Plan } from "../../compiler/plan/schema.js";
import type { ArmMeasurements, ModelVersionRef, RolloutEnvironment, WindowMeasurements } from "../../stdlib/rollout/shared/rollout-types.js";

export class FakeEnvironment implements RolloutEnvironment {
  now = Date.parse("2026-12-01T10:00:00Z");
  aliases = new Map<string, ModelVersionRef>([
    ["churn_mlp@champion", { model: "churn_mlp", version: 1 }],
    ["churn_mlp@challenger", { model: "churn_mlp", version: 2 }],
  ]);
  weights: Record<string, number> = { current: 1 };
  routerOptions: { stickyBy?: string; shadow?: { slot: string; sample: number } } = {};
  slots = new Map<string, ModelVersionRef>();
  promotions: { model: ModelVersionRef; reason: string }[] = [];
  /** What measurements() returns: a function of the weights in force */
  traffic: (weights: Record<string, number>) => WindowMeasurements = () => ({});

  clock(): number {
    return this.now;
  }
  resolve(ref: string): ModelVersionRef | null {
    const m = /^(.+)@(\d+)$/.exec(ref);
    if (m) return { model: m[1]!, version: Number(m[2]) };
    return this.aliases.get(ref) ?? null;
  }
  setWeights(_serve: string, _rollout: string, weights: Record<string, number>, options: { stickyBy?: string; shadow?: { slot: string; sample: number } }): void {
    this.weights = weights;
    this.routerOptions = options;
  }
  setCandidate(_serve: string, slot: string, model: ModelVersionRef | null): void {
    if (model) this.slots.set(slot, model);
    else this.slots.delete(slot);
  }
  promote(_rollout: string, model: ModelVersionRef, reason: string): void {
    this.aliases.set(`${model.model}@champion`, model);
    this.promotions.push({ model, reason });
  }
  measurements(): WindowMeasurements {
    return this.traffic(this.weights);
  }
}

/** `requests` answered by an arm with these error count, latency and (score, outcome) pairs. */
export function arm(requests: number, options: { errors?: number; latencyMs?: number; outcomes?: { score: number; outcome: unknown }[] } = {}): ArmMeasurements {
  return { requests, errors: options.errors ?? 0, fallbacks: 0, latencies: Array(requests).fill(options.latencyMs ?? 10), outcomes: options.outcomes ?? [] };
}

/** Outcomes a model of this quality would see: scores that rank `outcomes` perfectly when good. */
export function labelled(n: number, good: boolean): { score: number; outcome: boolean }[] {
  return Array.from({ length: n }, (_, i) => {
    const outcome = i % 2 === 0;
    const score = good ? (outcome ? 0.8 : 0.2) + (i % 7) / 100 : ((i * 37) % 100) / 100;
    return { score, outcome };
  });
}

export function memoryStore(clock: () => number): RolloutStore {
  return new RolloutStore(openDatabase(":memory:", { migrations: REGISTRY_MIGRATIONS, clock }), clock);
}

type RolloutPlan = Plan["rollouts"][number];

export function planWith(rollout: Partial<RolloutPlan> & Pick<RolloutPlan, "strategy">): Pick<Plan, "rollouts" | "serves"> {
  return {
    serves: [{ name: "api", model: { model: "churn_mlp", alias: "champion" }, http: { port: 0, host: "127.0.0.1", bodyLimit: 1 << 20 }, timeoutMs: 250, slo: [] }],
    rollouts: [{ name: "churn_rollout", serve: "api", guards: [], onFail: "rollback", onSuccess: "promote", ...rollout }],
  };
}

export const GUARDS = {
  p99: { metric: "p99_latency", op: "<" as const, value: 50, text: "p99_latency < 50ms" },
  errors: { metric: "error_rate", op: "<" as const, value: 0.01, text: "error_rate < 1%" },
  auc: { metric: "auc", op: ">=" as const, relative: { alias: "champion", metric: "auc", offset: -0.01 }, text: "auc >= champion.auc - 0.01" },
};
