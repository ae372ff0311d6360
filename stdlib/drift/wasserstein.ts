/** The `wasserstein` drift test (spec/language.md#monitor). */
import type { DriftTestSig } from "../signature.js";
import { DriftInputError, requireNonEmpty, sortedNumbers, type DriftColumn, type DriftOutcome } from "./drift-column.js";

export const signature: DriftTestSig = {
  kind: "drift_test",
  name: "wasserstein",
  accepts: ["numeric"],
  yields: "distance",
  doc: "Earth mover's distance between the samples divided by the reference's standard deviation; 0.1 is Evidently's drift threshold.",
};

/** `scipy.stats.wasserstein_distance(u, v)`: ∫ |U(x) − V(x)| dx between the empirical CDFs. */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const a = sortedNumbers(u);
  const b = sortedNumbers(v);
  const all = new Float64Array(a.length + b.length);
  all.set(a);
  all.set(b, a.length);
  all.sort();
  let i = 0;
  let j = 0;
  let sum = 0;
  for (let k = 0; k < all.length - 1; k++) {
    const x = all[k]!;
    while (i < a.length && a[i]! <= x) i++;
    while (j < b.length && b[j]! <= x) j++;
    sum += Math.abs(i / a.length - j / b.length) * (all[k + 1]! - x);
  }
  return sum;
}

/** Population standard deviation (numpy's default ddof = 0). */
export function populationStd(values: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i]!;
  mean /= values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i]! - mean) ** 2;
  return Math.sqrt(ss / values.length);
}

/** Below this reference spread the distance is divided by it instead (Evidently's floor). */
export const MIN_NORMALIZING_STD = 0.001;

export function test(reference: DriftColumn, current: DriftColumn): DriftOutcome {
  requireNonEmpty("wasserstein", reference, current);
  if (reference.kind !== "numeric" || current.kind !== "numeric") throw new DriftInputError("wasserstein compares numeric columns");
  const norm = Math.max(populationStd(reference.values), MIN_NORMALIZING_STD);
  return { test: "wasserstein", yields: "distance", statistic: wassersteinDistance(reference.values, current.values) / norm };
}
