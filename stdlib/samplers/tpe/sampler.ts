/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011), following Optuna's
 * independent TPESampler defaults: random start-up trials, then finished trials
 * split into a good group (the best gamma(n)) and the rest; per parameter, one
 * Parzen estimator over each group (log scale for loguniform and log ints, a
 * discrete kernel for stepped ints, a categorical mixture with a prior for
 * choices); draw candidates from the good estimator and keep the one with the
 * largest l(x)/g(x), which maximises expected improvement.
 *
 * A conditional parameter is fitted only on the trials where it was active.
 * Pruned trials count as worse than every complete trial, ranked among
 * themselves by how far they got. Running and failed trials are ignored.
 */
import type { Rng } from "../../../core/rng.js";
import { SearchError } from "../../../core/search/errors.js";
import { buildAssignment, cloneJson, containsValue, intStep, jsonKey, type Assignment, type JsonValue, type SearchParam, type SearchSpace } from "../../../core/search/space.js";
import type { Direction, FrozenTrial, StudyHistory } from "../../../core/search/trial.js";
import type { Sampler } from "../sampler-module.js";
import { CategoricalParzenEstimator, defaultWeights, NumericParzenEstimator, type ParzenSettings } from "../shared/parzen.js";
import { clamp, sampleFromPrior } from "../random/sampler.js";

export interface TpeOptions {
  /** Trials sampled at random before TPE takes over. Default 10. */
  startupTrials?: number;
  /** Candidates drawn from the good estimator per parameter. Default 24. */
  candidates?: number;
  /** Weight of each estimator's prior kernel. Default 1. */
  priorWeight?: number;
  /** Size of the good group given n finished trials. Default min(ceil(0.1·n), 25). */
  gamma?: (n: number) => number;
  /** Observation weights, oldest first. Default: Optuna's default_weights. */
  weights?: (n: number) => number[];
}

export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

export class TPESampler implements Sampler {
  readonly name = "tpe";
  readonly startupTrials: number;
  readonly candidates: number;
  private readonly gamma: (n: number) => number;
  private readonly settings: ParzenSettings;

  constructor(options: TpeOptions = {}) {
    this.startupTrials = options.startupTrials ?? 10;
    this.candidates = options.candidates ?? 24;
    const priorWeight = options.priorWeight ?? 1;
    if (!Number.isInteger(this.startupTrials) || this.startupTrials < 0) {
      throw new SearchError(`tpe sampler: startupTrials must be a whole number >= 0 (got ${this.startupTrials})`);
    }
    if (!Number.isInteger(this.candidates) || this.candidates < 1) {
      throw new SearchError(`tpe sampler: candidates must be a whole number >= 1 (got ${this.candidates})`);
    }
    if (!(priorWeight > 0) || !Number.isFinite(priorWeight)) throw new SearchError(`tpe sampler: priorWeight must be above 0 (got ${priorWeight})`);
    this.gamma = options.gamma ?? defaultGamma;
    this.settings = { priorWeight, weights: options.weights ?? defaultWeights };
  }

  sample(space: SearchSpace, history: StudyHistory, rng: Rng): Assignment {
    const finished = history.trials.filter((t) => t.state === "complete" || t.state === "pruned");
    if (finished.length < this.startupTrials) {
      return buildAssignment(space, (param) => sampleFromPrior(param.dist, rng));
    }
    const nBelow = Math.max(0, Math.min(finished.length, Math.floor(this.gamma(finished.length))));
    const { below, above } = splitTrials(finished, nBelow, history.direction);
    return buildAssignment(space, (param) => this.sampleParam(param, below, above, rng));
  }

  private sampleParam(param: SearchParam, below: readonly FrozenTrial[], above: readonly FrozenTrial[], rng: Rng): JsonValue {
    const dist = param.dist;
    if (dist.kind === "choice") {
      const good = new CategoricalParzenEstimator(choiceIndices(param, below), dist.options.length, this.settings);
      const bad = new CategoricalParzenEstimator(choiceIndices(param, above), dist.options.length, this.settings);
      let best = 0;
      let bestScore = -Infinity;
      for (let i = 0; i < this.candidates; i++) {
        const candidate = good.sample(rng);
        const score = good.logPdf(candidate) - bad.logPdf(candidate);
        if (score > bestScore) {
          bestScore = score;
          best = candidate;
        }
      }
      return cloneJson(dist.options[best]!);
    }
    if (dist.kind === "int" && dist.low === dist.high) return dist.low;

    const scale = numericScale(param);
    const good = new NumericParzenEstimator(numericObservations(param, below, scale), scale.low, scale.high, scale.step, this.settings);
    const bad = new NumericParzenEstimator(numericObservations(param, above, scale), scale.low, scale.high, scale.step, this.settings);
    let best = good.sample(rng);
    let bestScore = good.logPdf(best) - bad.logPdf(best);
    for (let i = 1; i < this.candidates; i++) {
      const candidate = good.sample(rng);
      const score = good.logPdf(candidate) - bad.logPdf(candidate);
      if (score > bestScore) {
        bestScore = score;
        best = candidate;
      }
    }
    return scale.fromInternal(best);
  }
}

/** How a numeric parameter maps into the space its estimator works in. */
interface NumericScale {
  low: number;
  high: number;
  step: number | null;
  toInternal(value: number): number;
  fromInternal(x: number): number;
}

function numericScale(param: SearchParam): NumericScale {
  const dist = param.dist;
  switch (dist.kind) {
    case "uniform":
      return { low: dist.low, high: dist.high, step: null, toInternal: (v) => v, fromInternal: (x) => clamp(x, dist.low, dist.high) };
    case "loguniform":
      return {
        low: Math.log(dist.low),
        high: Math.log(dist.high),
        step: null,
        toInternal: Math.log,
        fromInternal: (x) => clamp(Math.exp(x), dist.low, dist.high),
      };
    case "int": {
      if (dist.log) {
        // as Optuna: widen by half a unit in log space, treat as continuous, round back
        return {
          low: Math.log(dist.low - 0.5),
          high: Math.log(dist.high + 0.5),
          step: null,
          toInternal: Math.log,
          fromInternal: (x) => clamp(Math.round(Math.exp(x)), dist.low, dist.high),
        };
      }
      const step = intStep(dist);
      return {
        low: dist.low,
        high: dist.high,
        step,
        toInternal: (v) => v,
        fromInternal: (x) => clamp(dist.low + Math.round((x - dist.low) / step) * step, dist.low, dist.high),
      };
    }
    case "choice":
      throw new Error("numericScale called on a choice parameter");
  }
}

/** Internal-scale values of the parameter in the trials where it was active (and inside its domain). */
function numericObservations(param: SearchParam, trials: readonly FrozenTrial[], scale: NumericScale): number[] {
  const out: number[] = [];
  for (const trial of trials) {
    const value = trial.params[param.path];
    if (typeof value === "number" && containsValue(param.dist, value)) out.push(scale.toInternal(value));
  }
  return out;
}

function choiceIndices(param: SearchParam, trials: readonly FrozenTrial[]): number[] {
  if (param.dist.kind !== "choice") return [];
  const indexByKey = new Map(param.dist.options.map((o, i) => [jsonKey(o), i]));
  const out: number[] = [];
  for (const trial of trials) {
    const value = trial.params[param.path];
    if (value === undefined) continue;
    const index = indexByKey.get(jsonKey(value));
    if (index !== undefined) out.push(index);
  }
  return out;
}

/**
 * The best `nBelow` finished trials and the rest, each in trial-number order (the
 * estimators weight by age). Complete trials rank by value; pruned ones after
 * them, those that reached a later step first, then by their last value.
 */
export function splitTrials(
  finished: readonly FrozenTrial[],
  nBelow: number,
  direction: Direction,
): { below: FrozenTrial[]; above: FrozenTrial[] } {
  const sign = direction === "minimize" ? 1 : -1;
  const complete = finished.filter((t) => t.state === "complete").sort((a, b) => sign * (a.value! - b.value!) || a.number - b.number);
  const pruned = finished.filter((t) => t.state === "pruned").sort((a, b) => comparePruned(a, b, sign) || a.number - b.number);
  const ranked = [...complete, ...pruned];
  const byNumber = (a: FrozenTrial, b: FrozenTrial) => a.number - b.number;
  return { below: ranked.slice(0, nBelow).sort(byNumber), above: ranked.slice(nBelow).sort(byNumber) };
}

function comparePruned(a: FrozenTrial, b: FrozenTrial, sign: number): number {
  const sa = prunedScore(a, sign);
  const sb = prunedScore(b, sign);
  return sa[0] - sb[0] || sa[1] - sb[1];
}

/** Optuna's _get_pruned_trial_score: (−last step, signed last value); no reports ranks last. */
function prunedScore(trial: FrozenTrial, sign: number): [number, number] {
  const last = trial.intermediate[trial.intermediate.length - 1];
  if (!last) return [1, 0];
  if (Number.isNaN(last.value)) return [-last.step, Infinity];
  return [-last.step, sign * last.value];
}
