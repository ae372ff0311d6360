/**
 * The contract every built-in pruner implements, in one folder named for it:
 * `index.ts` holds the signature and `create`, which loads the rule
 * (`pruner.ts`) only when a search runs.
 *
 * The pruner interface: asked after every intermediate report whether a running
 * trial should stop. Pruners keep no state of their own; everything they decide
 * on is in the history, so a resumed study prunes exactly as before.
 */
import type { FrozenTrial, StudyHistory } from "../../core/search/trial.js";
import type { CallSig } from "../signature.js";

export interface Pruner {
  readonly name: string;
  /**
   * `trial` is the running trial with this report already in its intermediate
   * values; `history` holds every trial (this one included) and the direction.
   */
  shouldPrune(trial: FrozenTrial, step: number, value: number, history: StudyHistory): boolean;
}

/** A search's pruner as the plan carries it: its name and its parameters under their spec names. */
export interface PrunerSettings {
  kind: string;
  params: Record<string, unknown>;
}

export interface PrunerModule {
  signature: CallSig & { kind: "pruner" };
  /** The rule for these settings (already checked against the signature). */
  create(settings: PrunerSettings): Promise<Pruner>;
}
