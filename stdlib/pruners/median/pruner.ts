/**
 * Median stopping rule (Golovin et al. 2017; Optuna's MedianPruner): stop a trial
 * whose best intermediate value so far is worse than the median of the values
 * that completed trials reported at the same step.
 */
import { SearchError } from "../../../core/search/errors.js";
import { bestIntermediate, intermediateAt, isBetter, type FrozenTrial, type StudyHistory } from "../../../core/search/trial.js";
import type { Pruner } from "../pruner-module.js";

export interface MedianPrunerOptions {
  /** Never prune before this step. Default 0. */
  warmupSteps?: number;
  /** Completed trials that must have a value at this step before any comparison. Default 5. */
  minTrials?: number;
}

export class MedianPruner implements Pruner {
  readonly name = "median";
  readonly warmupSteps: number;
  readonly minTrials: number;

  constructor(options: MedianPrunerOptions = {}) {
    this.warmupSteps = options.warmupSteps ?? 0;
    this.minTrials = options.minTrials ?? 5;
    if (!Number.isInteger(this.warmupSteps) || this.warmupSteps < 0) {
      throw new SearchError(`median pruner: warmupSteps must be a whole number >= 0 (got ${this.warmupSteps})`);
    }
    if (!Number.isInteger(this.minTrials) || this.minTrials < 1) {
      throw new SearchError(`median pruner: minTrials must be a whole number >= 1 (got ${this.minTrials})`);
    }
  }

  shouldPrune(trial: FrozenTrial, step: number, _value: number, history: StudyHistory): boolean {
    if (step < this.warmupSteps) return false;
    const peers: number[] = [];
    for (const other of history.trials) {
      if (other.state !== "complete" || other.number === trial.number) continue;
      const v = intermediateAt(other, step);
      if (v !== undefined && !Number.isNaN(v)) peers.push(v);
    }
    if (peers.length < this.minTrials) return false;
    const best = bestIntermediate(trial, history.direction);
    // nothing but NaN reported: the trial has diverged
    if (Number.isNaN(best)) return true;
    return isBetter(history.direction, median(peers), best);
  }
}

/** Median with linear interpolation between the two middle values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  const lo = sorted[Math.floor(mid)]!;
  const hi = sorted[Math.ceil(mid)]!;
  return lo + (hi - lo) * (mid - Math.floor(mid));
}
