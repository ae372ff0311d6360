/**
 * The sampler interface. The study loop only ever calls these methods, so a new
 * strategy is one new module implementing them.
 */
import type { Rng } from "../../core/rng.js";
import type { Assignment, SearchSpace } from "../../core/search/space.js";
import type { StudyHistory } from "../../core/search/trial.js";

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
