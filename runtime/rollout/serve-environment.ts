/**
 * The rollout environment of a running `mlspec serve`: weights go to each
 * serve endpoint's router, models into its rollout slots, promotions move
 * `@champion` in the registry (the serve swaps it in when it polls its
 * aliases), and measurements are read back from the workspace's prediction
 * log and feedback (migration 6: predictions.arm/rollout/error, feedback).
 * Endpoints are typed by the little this needs, so the controller never
 * depends on the serve code.
 */
import type { SqliteDatabase } from "../workspace/db.js";
import { predictionsWithOutcomes } from "../workspace/feedback.js";
import { readPredictions } from "../workspace/predictions.js";
import { VersionStore } from "../workspace/versions.js";
import type { ArmMeasurements, MeasurementWindow, ModelVersionRef, RolloutEnvironment, WindowMeasurements } from "../../stdlib/rollout/shared/rollout-types.js";

export interface RoutedEndpoint {
  router: { setWeights(rollout: string, weights: Record<string, number>, options?: { stickyBy?: string; shadow?: { slot: string; sample: number } }): void };
  setSlot(name: string, ref: string | null): Promise<void>;
}

/** A logged answer as a score: a binary model's positive probability, a regression's value, a ranking score. */
export function scoreOf(output: unknown): number | null {
  if (typeof output !== "object" || output === null) return null;
  const o = output as { score?: unknown; prediction?: unknown; probabilities?: Record<string, unknown> };
  if (typeof o.score === "number") return o.score;
  if (o.probabilities && typeof o.probabilities === "object") {
    const values = Object.values(o.probabilities);
    const last = values[values.length - 1];
    return typeof last === "number" ? last : null;
  }
  return typeof o.prediction === "number" ? o.prediction : null;
}

export class ServeEnvironment implements RolloutEnvironment {
  private readonly versions: VersionStore;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly endpoints: ReadonlyMap<string, RoutedEndpoint>,
    readonly clock: () => number,
  ) {
    this.versions = new VersionStore(db, clock, undefined);
  }

  resolve(ref: string): ModelVersionRef | null {
    const at = ref.lastIndexOf("@");
    if (at <= 0) return null;
    try {
      const v = this.versions.resolve(ref.slice(0, at), ref.slice(at + 1));
      return { model: v.name, version: v.version };
    } catch {
      return null; // no such model or alias yet: nothing to roll out
    }
  }

  private endpoint(serve: string): RoutedEndpoint {
    const e = this.endpoints.get(serve);
    if (!e) throw new Error(`no serve endpoint ${serve} in this server`);
    return e;
  }

  setWeights(serve: string, rollout: string, weights: Record<string, number>, options: { stickyBy?: string; shadow?: { slot: string; sample: number } }): void {
    this.endpoint(serve).router.setWeights(rollout, weights, options);
  }

  setCandidate(serve: string, slot: string, model: ModelVersionRef | null): Promise<void> {
    return this.endpoint(serve).setSlot(slot, model ? `${model.model}@${model.version}` : null);
  }

  promote(rollout: string, model: ModelVersionRef): void {
    this.versions.setAlias(model.model, model.version, "champion", `rollout ${rollout}`);
  }

  measurements(serve: string, rollout: string, window: MeasurementWindow): WindowMeasurements {
    const out: WindowMeasurements = {};
    const armOf = (arm: string | null) => (out[arm ?? "current"] ??= { requests: 0, errors: 0, fallbacks: 0, latencies: [], outcomes: [] } satisfies ArmMeasurements);
    for (const p of readPredictions(this.db, { serve, since: window.from, until: window.to })) {
      if (p.rollout !== rollout) continue;
      const m = armOf(p.arm);
      m.requests++;
      m.latencies.push(p.latencyMs);
      if (p.error !== null) {
        m.errors++;
        if (p.output !== null) m.fallbacks++;
      }
    }
    for (const joined of predictionsWithOutcomes(this.db, { serve, rollout, from: window.from, to: window.to })) {
      const p = joined.prediction;
      if (p.error !== null) continue; // the arm's model did not answer: nothing of its to score
      const score = scoreOf(p.output);
      if (score !== null) armOf(p.arm).outcomes.push({ score, outcome: joined.outcome });
    }
    return out;
  }
}
