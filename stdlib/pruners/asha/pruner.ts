/**
 * Asynchronous successive halving (Li et al. 2018; Optuna's
 * SuccessiveHalvingPruner). Rung r sits at step minResource·reductionFactor^r.
 * When a trial first reports at or past a rung, it is promoted only if its value
 * there is among the best 1/reductionFactor of every value recorded at that rung
 * so far (with fewer than reductionFactor values, only if it is the best);
 * otherwise it is pruned.
 *
 * A trial's value at a rung is the value it reported at its first step at or past
 * the rung's step, derived from its intermediate values, so nothing is stored
 * beside the trials and a resumed study decides as before.
 */
import { SearchError } from "../../../core/search/errors.js";
import type { Direction, FrozenTrial, StudyHistory } from "../../../core/search/trial.js";
import type { Pruner } from "../pruner-module.js";

export interface SuccessiveHalvingOptions {
  /** Step of the first rung. Default 1. */
  minResource?: number;
  /** Each rung keeps the best 1/reductionFactor and sits reductionFactor times later. Default 3. */
  reductionFactor?: number;
}

export class SuccessiveHalvingPruner implements Pruner {
  readonly name = "asha";
  readonly minResource: number;
  readonly reductionFactor: number;

  constructor(options: SuccessiveHalvingOptions = {}) {
    this.minResource = options.minResource ?? 1;
    this.reductionFactor = options.reductionFactor ?? 3;
    if (!(this.minResource > 0) || !Number.isFinite(this.minResource)) {
      throw new SearchError(`asha pruner: minResource must be above 0 (got ${this.minResource})`);
    }
    if (!Number.isInteger(this.reductionFactor) || this.reductionFactor < 2) {
      throw new SearchError(`asha pruner: reductionFactor must be a whole number >= 2 (got ${this.reductionFactor})`);
    }
  }

  /** Step at which rung `rung` is judged. */
  rungStep(rung: number): number {
    return this.minResource * this.reductionFactor ** rung;
  }

  shouldPrune(trial: FrozenTrial, step: number, value: number, history: StudyHistory): boolean {
    const previousStep = previousReportedStep(trial, step);
    for (let rung = 0; ; rung++) {
      const rungStep = this.rungStep(rung);
      if (rungStep > step) return false;
      if (rungStep <= previousStep) continue; // judged at an earlier report
      if (Number.isNaN(value)) return true;
      const competing = [value];
      for (const other of history.trials) {
        if (other.number === trial.number) continue;
        const v = valueAtRung(other, rungStep);
        if (v !== undefined && !Number.isNaN(v)) competing.push(v);
      }
      if (!isPromotable(value, competing, this.reductionFactor, history.direction)) return true;
    }
  }
}

function previousReportedStep(trial: FrozenTrial, step: number): number {
  let previous = -Infinity;
  for (const iv of trial.intermediate) if (iv.step < step && iv.step > previous) previous = iv.step;
  return previous;
}

/** The value reported at the first step >= rungStep, if the trial got that far. */
function valueAtRung(trial: FrozenTrial, rungStep: number): number | undefined {
  for (const iv of trial.intermediate) if (iv.step >= rungStep) return iv.value;
  return undefined;
}

function isPromotable(value: number, competing: number[], reductionFactor: number, direction: Direction): boolean {
  const sorted = competing.sort((a, b) => (direction === "minimize" ? a - b : b - a));
  const index = Math.max(0, Math.floor(sorted.length / reductionFactor) - 1);
  const threshold = sorted[index]!;
  return direction === "minimize" ? value <= threshold : value >= threshold;
}
