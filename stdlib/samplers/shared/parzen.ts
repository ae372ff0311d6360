/**
 * Parzen estimators for TPE, after Optuna's `_ParzenEstimator` (independent,
 * univariate): a weighted mixture of one kernel per observation plus a prior
 * kernel. Numeric parameters use truncated normals (discretised for stepped
 * ints); categorical ones mix a point mass at each observation with the uniform.
 */
import type { Rng } from "../../../core/rng.js";
import { logGaussMass, sampleTruncatedNormal } from "./truncnorm.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export interface ParzenSettings {
  /** Weight of the prior kernel, relative to the observation weights (Optuna: 1.0). */
  priorWeight: number;
  /** Observation weights in chronological order (Optuna's default_weights). */
  weights: (n: number) => number[];
}

/** Optuna's default: equal weights up to 25 observations, older ones ramped down beyond. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const rampLength = n - 25;
  const weights = new Array<number>(n).fill(1);
  for (let i = 0; i < rampLength; i++) weights[i] = rampLength === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (rampLength - 1);
  return weights;
}

function mixtureWeights(observationCount: number, settings: ParzenSettings): Float64Array {
  const raw = settings.weights(observationCount);
  if (raw.length !== observationCount) throw new Error(`TPE weights function returned ${raw.length} weights for ${observationCount} observations`);
  const weights = new Float64Array(observationCount + 1);
  let sum = 0;
  for (let i = 0; i < observationCount; i++) {
    weights[i] = raw[i]!;
    sum += raw[i]!;
  }
  weights[observationCount] = settings.priorWeight;
  sum += settings.priorWeight;
  for (let i = 0; i < weights.length; i++) weights[i]! /= sum;
  return weights;
}

/**
 * Bandwidth of each observation's kernel (Optuna, consider_endpoints = false):
 * the larger gap to its neighbours once the observations and the prior's centre
 * are sorted between the two limits; the outermost kernels use their inner gap.
 * Ties keep observation order (a stable sort).
 */
function bandwidths(observations: readonly number[], priorMu: number, lowerLimit: number, upperLimit: number): Float64Array {
  const n = observations.length;
  const all = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) all[i] = observations[i]!;
  all[n] = priorMu;
  const sorted = all.slice().sort();
  const m = sorted.length;
  const at = (s: number): number => (s < 0 ? lowerLimit : s >= m ? upperLimit : sorted[s]!);
  let tiesTaken: Map<number, number> | null = null;
  const sigmas = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = all[i]!;
    let s = lowerBound(sorted, v);
    if (s + 1 < m && sorted[s + 1] === v) {
      // the k-th occurrence of a repeated value takes the k-th of its sorted slots
      tiesTaken ??= new Map();
      const taken = tiesTaken.get(v) ?? 0;
      tiesTaken.set(v, taken + 1);
      s += taken;
    }
    let sigma: number;
    if (m >= 2 && s === 0) sigma = at(1) - at(0);
    else if (m >= 2 && s === m - 1) sigma = at(m - 1) - at(m - 2);
    else sigma = Math.max(at(s) - at(s - 1), at(s + 1) - at(s));
    sigmas[i] = sigma;
  }
  return sigmas;
}

function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function pickKernel(weights: Float64Array, rng: Rng): number {
  let u = rng.next();
  for (let k = 0; k < weights.length - 1; k++) {
    u -= weights[k]!;
    if (u < 0) return k;
  }
  return weights.length - 1;
}

/**
 * Mixture of truncated normals on [low, high] (already in the internal scale: log
 * for log-scaled parameters). With `step`, values live on low + k·step and each
 * kernel's mass is integrated over ±step/2 around them.
 */
export class NumericParzenEstimator {
  private readonly mus: Float64Array;
  private readonly sigmas: Float64Array;
  private readonly logWeights: Float64Array;
  private readonly weights: Float64Array;
  /** log of each kernel's mass inside the truncation bounds. */
  private readonly logNormalizers: Float64Array;
  private readonly lowerLimit: number;
  private readonly upperLimit: number;
  private readonly scratch: Float64Array;
  /** Per kernel: log weight − log σ − log normaliser − log √(2π), so a continuous term is this − z²/2. */
  private readonly logConstants: Float64Array;
  private readonly inverseSigmas: Float64Array;

  constructor(
    observations: readonly number[],
    readonly low: number,
    readonly high: number,
    readonly step: number | null,
    settings: ParzenSettings,
  ) {
    const halfStep = (step ?? 0) / 2;
    this.lowerLimit = low - halfStep;
    this.upperLimit = high + halfStep;
    const n = observations.length;
    const priorMu = 0.5 * (low + high);
    const range = high - low + (step ?? 0);

    const sigmaOf = bandwidths(observations, priorMu, this.lowerLimit, this.upperLimit);
    // "magic clip": no kernel narrower than range / min(100, kernels + 1)
    const minSigma = range / Math.min(100, 1 + n + 1);
    const maxSigma = range;

    this.mus = new Float64Array(n + 1);
    this.sigmas = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      this.mus[i] = observations[i]!;
      this.sigmas[i] = Math.min(maxSigma, Math.max(minSigma, sigmaOf[i]!));
    }
    this.mus[n] = priorMu;
    this.sigmas[n] = range;

    this.weights = mixtureWeights(n, settings);
    this.logWeights = this.weights.map(Math.log);
    this.scratch = new Float64Array(n + 1);
    this.logNormalizers = new Float64Array(n + 1);
    for (let k = 0; k <= n; k++) {
      const sigma = this.sigmas[k]!;
      this.logNormalizers[k] = logGaussMass((this.lowerLimit - this.mus[k]!) / sigma, (this.upperLimit - this.mus[k]!) / sigma);
    }
    this.inverseSigmas = this.sigmas.map((sigma) => 1 / sigma);
    this.logConstants = this.sigmas.map((sigma, k) => this.logWeights[k]! - Math.log(sigma) - this.logNormalizers[k]! - LOG_SQRT_2PI);
  }

  /** One draw, in the internal scale, on the step grid when there is one. */
  sample(rng: Rng): number {
    const k = pickKernel(this.weights, rng);
    const x = sampleTruncatedNormal(this.mus[k]!, this.sigmas[k]!, this.lowerLimit, this.upperLimit, rng);
    if (this.step === null) return x;
    const snapped = this.low + Math.round((x - this.low) / this.step) * this.step;
    return snapped < this.low ? this.low : snapped > this.high ? this.high : snapped;
  }

  /** Log density (log probability mass with a step) of the mixture at x. */
  logPdf(x: number): number {
    const count = this.mus.length;
    const terms = this.scratch;
    let max = -Infinity;
    const step = this.step;
    for (let k = 0; k < count; k++) {
      const mu = this.mus[k]!;
      const sigma = this.sigmas[k]!;
      let term: number;
      if (step === null) {
        const z = (x - mu) * this.inverseSigmas[k]!;
        term = this.logConstants[k]! - 0.5 * z * z;
      } else {
        const lo = Math.max(x - step / 2, this.lowerLimit);
        const hi = Math.min(x + step / 2, this.upperLimit);
        term = this.logWeights[k]! + logGaussMass((lo - mu) / sigma, (hi - mu) / sigma) - this.logNormalizers[k]!;
      }
      terms[k] = term;
      if (term > max) max = term;
    }
    if (max === -Infinity) return -Infinity;
    let sum = 0;
    for (let k = 0; k < count; k++) sum += Math.exp(terms[k]! - max);
    return max + Math.log(sum);
  }
}

/**
 * Mixture over option indices: each observation puts mass 1 on its option plus
 * priorWeight/kernels spread over all options; the prior kernel is uniform. The
 * mixture collapses to one probability vector.
 */
export class CategoricalParzenEstimator {
  readonly probabilities: Float64Array;
  private readonly cumulative: Float64Array;

  constructor(observations: readonly number[], optionCount: number, settings: ParzenSettings) {
    const n = observations.length;
    const weights = mixtureWeights(n, settings);
    const kernels = n + 1;
    const spread = settings.priorWeight / kernels;
    const rowTotal = optionCount * spread + 1;
    const probabilities = new Float64Array(optionCount);
    let observedWeight = 0;
    for (let i = 0; i < n; i++) {
      probabilities[observations[i]!]! += weights[i]! / rowTotal;
      observedWeight += weights[i]!;
    }
    const flat = (observedWeight * spread) / rowTotal + weights[n]! / optionCount;
    for (let c = 0; c < optionCount; c++) probabilities[c]! += flat;
    this.probabilities = probabilities;
    this.cumulative = new Float64Array(optionCount);
    let acc = 0;
    for (let c = 0; c < optionCount; c++) this.cumulative[c] = acc += probabilities[c]!;
  }

  sample(rng: Rng): number {
    const u = rng.next() * this.cumulative[this.cumulative.length - 1]!;
    for (let c = 0; c < this.cumulative.length; c++) if (u < this.cumulative[c]!) return c;
    return this.cumulative.length - 1;
  }

  logPdf(index: number): number {
    return Math.log(this.probabilities[index]!);
  }
}
