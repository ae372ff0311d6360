/**
 * The mixture sequential probability ratio test (mSPRT) of Johari, Koomen,
 * Pekelis and Walsh, "Peeking at A/B Tests" (KDD 2017), for the difference of
 * two arms' means θ = μ_B − μ_A (B: candidate, A: current).
 *
 * With V = σ²_A/n_A + σ²_B/n_B the variance of θ̂ = ȳ_B − ȳ_A and a normal
 * mixing distribution θ ~ N(0, τ²) over the alternative, the mixture
 * likelihood ratio against H0: θ = 0 is
 *
 *   Λ = sqrt(V / (V + τ²)) · exp( θ̂² τ² / (2 V (V + τ²)) )
 *
 * and p = min over looks of min(1, 1/Λ) is an always-valid p-value: rejecting
 * when p ≤ α keeps the type-I error ≤ α however often the test is looked at
 * (Ville's inequality on the mixture martingale). Inverting the test gives the
 * always-valid confidence sequence
 *
 *   θ̂ ± sqrt( V (V + τ²) / τ² · ( 2 log(1/α) + log((V + τ²)/V) ) ).
 *
 * Binary outcomes use σ² = p̂(1 − p̂) per arm (the paper's normal approximation);
 * numeric ones the sample variance. Both are plug-in estimates, so the guarantee
 * is asymptotic; the test is not judged before `minSamples` per arm.
 */
import { type ArmSummary, variance } from "./arm-summary.js";

export type OutcomeKind = "binary" | "numeric";

/** τ for a binary outcome: effects of a few percentage points are what a rollout looks for. */
export const BINARY_TAU = 0.05;
/** τ for a numeric outcome, in units of the pooled standard deviation (a quarter-σ effect). */
export const NUMERIC_TAU_SD = 0.25;

export interface MsprtInput {
  current: ArmSummary;
  candidate: ArmSummary;
  kind: OutcomeKind;
  alpha: number;
  /** Mixing standard deviation τ; default BINARY_TAU, or NUMERIC_TAU_SD × pooled σ. */
  tau?: number;
}

export interface MsprtResult {
  /** θ̂ = mean(candidate) − mean(current) */
  effect: number;
  /** Variance of θ̂ */
  variance: number;
  tau: number;
  /** The mixture likelihood ratio Λ of this look */
  likelihoodRatio: number;
  /** min(1, 1/Λ) for this look alone; carry the running minimum across looks (alwaysValidP). */
  pValue: number;
  /** Always-valid (1 − α) confidence sequence for θ at this look */
  interval: [number, number];
}

function armVariance(s: ArmSummary, kind: OutcomeKind): number {
  if (kind === "binary") return s.mean * (1 - s.mean);
  return variance(s);
}

export function defaultTau(input: Pick<MsprtInput, "current" | "candidate" | "kind">): number {
  if (input.kind === "binary") return BINARY_TAU;
  const n = input.current.n + input.candidate.n;
  const pooled = n > 2 ? (input.current.m2 + input.candidate.m2) / (n - 2) : 0;
  return NUMERIC_TAU_SD * Math.sqrt(pooled);
}

export function msprt(input: MsprtInput): MsprtResult {
  const { current, candidate, kind, alpha } = input;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${alpha}`);
  const effect = candidate.mean - current.mean;
  const tau = input.tau ?? defaultTau(input);
  const v = current.n > 0 && candidate.n > 0 ? armVariance(current, kind) / current.n + armVariance(candidate, kind) / candidate.n : Infinity;
  if (!(v > 1e-200) || !Number.isFinite(v) || !(tau > 1e-100)) {
    // no spread (all outcomes equal) or no data: no evidence either way
    return { effect, variance: v, tau, likelihoodRatio: 1, pValue: 1, interval: [-Infinity, Infinity] };
  }
  const t2 = tau * tau;
  const logLr = 0.5 * Math.log(v / (v + t2)) + (effect * effect * t2) / (2 * v * (v + t2));
  const likelihoodRatio = Math.exp(logLr);
  const pValue = Math.min(1, Math.exp(-logLr));
  const half = Math.sqrt(((v * (v + t2)) / t2) * (2 * Math.log(1 / alpha) + Math.log((v + t2) / v)));
  return { effect, variance: v, tau, likelihoodRatio, pValue, interval: [effect - half, effect + half] };
}

/** The always-valid p-value after a new look: the running minimum. */
export function alwaysValidP(previous: number | undefined, look: number): number {
  return Math.min(previous ?? 1, look);
}
