/**
 * Effect of the candidate over the current model: difference of means with a
 * fixed-horizon Wald interval θ̂ ± z_{1−α/2} · sqrt(V), and the relative lift.
 * (The A/B decision uses the always-valid interval of msprt.ts; this one is
 * what a reader compares with a textbook.)
 */
import { type ArmSummary, variance } from "./arm-summary.js";
import type { OutcomeKind } from "./msprt.js";
import { normalQuantile } from "./normal.js";

export interface EffectSize {
  difference: number;
  interval: [number, number];
  /** (μ_B − μ_A) / μ_A, null when μ_A is 0 */
  relative: number | null;
}

export function effectSize(current: ArmSummary, candidate: ArmSummary, kind: OutcomeKind, alpha = 0.05): EffectSize {
  const difference = candidate.mean - current.mean;
  const varOf = (s: ArmSummary) => (kind === "binary" ? s.mean * (1 - s.mean) : variance(s));
  const v = current.n > 0 && candidate.n > 0 ? varOf(current) / current.n + varOf(candidate) / candidate.n : Infinity;
  const half = normalQuantile(1 - alpha / 2) * Math.sqrt(v);
  return { difference, interval: [difference - half, difference + half], relative: current.mean !== 0 ? difference / current.mean : null };
}
