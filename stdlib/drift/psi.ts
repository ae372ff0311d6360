/** The `psi` drift test (spec/language.md#monitor). */
import type { DriftTestSig } from "../signature.js";
import { requireNonEmpty, type DriftColumn, type DriftOutcome } from "./drift-column.js";
import { binShares } from "./shared/histogram.js";

export const signature: DriftTestSig = {
  kind: "drift_test",
  name: "psi",
  accepts: ["numeric", "categorical"],
  yields: "distance",
  doc: "Population stability index between the reference profile and the window; 0.1 is a small shift, 0.2 a large one.",
};

/** Σ (current − reference) · ln(current / reference) over the bins' shares. */
export function populationStabilityIndex(reference: number[], current: number[]): number {
  let s = 0;
  for (let i = 0; i < reference.length; i++) s += (current[i]! - reference[i]!) * Math.log(current[i]! / reference[i]!);
  return s;
}

export function test(reference: DriftColumn, current: DriftColumn): DriftOutcome {
  requireNonEmpty("psi", reference, current);
  const b = binShares(reference, current);
  return { test: "psi", yields: "distance", statistic: populationStabilityIndex(b.reference, b.current) };
}
