/** The `ks` drift test (spec/language.md#monitor). */
import type { DriftTestSig } from "../signature.js";
import { DriftInputError, requireNonEmpty, sortedNumbers, type DriftColumn, type DriftOutcome } from "./drift-column.js";
import { ksTwoSamplePValue } from "./shared/kolmogorov.js";

export const signature: DriftTestSig = {
  kind: "drift_test",
  name: "ks",
  accepts: ["numeric"],
  yields: "p_value",
  doc: "Two-sample Kolmogorov–Smirnov test; a small p-value means the distributions differ.",
};

/** The two-sided statistic max |F1 - F2| over the pooled sample, as `scipy.stats.ks_2samp` finds it. */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = sortedNumbers(a);
  const y = sortedNumbers(b);
  const n1 = x.length;
  const n2 = y.length;
  let i = 0;
  let j = 0;
  let maxS = -Infinity;
  let minS = Infinity;
  // F1(v) - F2(v) at every pooled value v (counts of values <= v)
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && x[i]! <= y[j]!) ? x[i]! : y[j]!;
    while (i < n1 && x[i]! <= v) i++;
    while (j < n2 && y[j]! <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  const minD = Math.min(Math.max(-minS, 0), 1);
  return minD > maxS ? minD : maxS;
}

export function ks2samp(a: ArrayLike<number>, b: ArrayLike<number>): { statistic: number; pValue: number; method: "exact" | "asymp" } {
  for (const s of [a, b]) for (let i = 0; i < s.length; i++) if (!Number.isFinite(s[i]!)) throw new DriftInputError("ks: values must be finite numbers");
  return ksTwoSamplePValue(ksStatistic(a, b), a.length, b.length);
}

export function test(reference: DriftColumn, current: DriftColumn): DriftOutcome {
  requireNonEmpty("ks", reference, current);
  if (reference.kind !== "numeric" || current.kind !== "numeric") throw new DriftInputError("ks compares numeric columns");
  const r = ks2samp(reference.values, current.values);
  return { test: "ks", yields: "p_value", statistic: r.statistic, pValue: r.pValue };
}
