/**
 * The pruner interface: asked after every intermediate report whether a running
 * trial should stop. Pruners keep no state of their own; everything they decide
 * on is in the history, so a resumed study prunes exactly as before.
 */
import type { FrozenTrial, StudyHistory } from "../../core/search/trial.js";

export interface Pruner {
  readonly name: string;
  /**
   * `trial` is the running trial with this report already in its intermediate
   * values; `history` holds every trial (this one included) and the direction.
   */
  shouldPrune(trial: FrozenTrial, step: number, value: number, history: StudyHistory): boolean;
}
