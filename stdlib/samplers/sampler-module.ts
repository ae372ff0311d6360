/**
 * The contract every built-in sampler implements, in one folder named for it:
 * `index.ts` holds the signature and `create`, which loads the strategy
 * (`sampler.ts`) only when a search runs. The study loop only ever calls the
 * `Sampler` methods, so a new strategy is one new folder and one registry line.
 */
import type { Rng } from "../../core/rng.js";
import type { Assignment, SearchSpace } from "../../core/search/space.js";
import type { StudyHistory } from "../../core/search/trial.js";
import type { CallSig } from "../signature.js";

export interface Sampler {
  /** Short name for logs and reports ("tpe", "random", "grid"). */
  readonly name: string;
  /**
   * Values for the parameters active in the next trial. `history` holds every
   * trial so far, running ones included; `rng` is the trial's own generator, so
   * equal seeds and equal histories give equal assignments.
   */
  sample(space: SearchSpace, history: StudyHistory, rng: Rng): Assignment;
  /** Finite samplers (grid) say when every point has been tried; the study then stops. */
  isExhausted?(space: SearchSpace, history: StudyHistory): boolean;
}

/**
 * A search's sampler as the plan carries it (spec/plan.md#search): the study's
 * budget and seed, then the sampler's own parameters under their spec names.
 */
export interface SamplerSettings {
  kind: string;
  trials?: number;
  parallel: number;
  seed: number;
  timeoutMs?: number;
  [param: string]: unknown;
}

export interface SamplerModule {
  signature: CallSig & { kind: "sampler" };
  /** The strategy for these settings (already checked against the signature). */
  create(settings: SamplerSettings): Promise<Sampler>;
}
