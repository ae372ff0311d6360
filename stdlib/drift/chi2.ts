/** The `chi2` drift test (spec/language.md#monitor). */
import type { DriftTestSig } from "../signature.js";
import { requireNonEmpty, type DriftColumn, type DriftOutcome } from "./drift-column.js";
import { chiSquaredSf } from "./shared/gamma.js";

export const signature: DriftTestSig = {
  kind: "drift_test",
  name: "chi2",
  accepts: ["categorical"],
  yields: "p_value",
  doc: "Chi-squared test that the window and the reference have the same category frequencies (2 × k homogeneity).",
};

/** `scipy.stats.chisquare(observed, expected)`: Pearson's statistic with k - 1 degrees of freedom. */
export function chiSquare(observed: number[], expected: number[]): { statistic: number; pValue: number } {
  let stat = 0;
  for (let i = 0; i < observed.length; i++) {
    const o = observed[i]!;
    const e = expected[i]!;
    stat += e === 0 ? (o === 0 ? NaN : Infinity) : ((o - e) * (o - e)) / e;
  }
  if (Number.isNaN(stat)) stat = Infinity;
  const df = observed.length - 1;
  if (df <= 0) return { statistic: 0, pValue: 1 };
  return { statistic: stat, pValue: stat === Infinity ? 0 : chiSquaredSf(stat, df) };
}

/**
 * Pearson's test of homogeneity on the 2 × k table of window and reference category
 * counts (`scipy.stats.chi2_contingency(table, correction=False)`), k - 1 degrees of
 * freedom. Evidently instead tests the window against the reference's frequencies as if
 * they were exact (`chisquare(window, reference scaled)`); that ignores the reference's
 * own sampling noise, and its false alarm rate at alpha 0.05 is 0.16 with a reference of
 * 500 rows and a window of 200 (test/monitor/drift-simulation.test.ts).
 */
export function chiSquareHomogeneity(current: number[], reference: number[]): { statistic: number; pValue: number; df: number } {
  const a = current.reduce((x, y) => x + y, 0);
  const b = reference.reduce((x, y) => x + y, 0);
  const total = a + b;
  let stat = 0;
  let k = 0;
  for (let i = 0; i < current.length; i++) {
    const pooled = current[i]! + reference[i]!;
    if (pooled === 0) continue;
    k++;
    const ea = (a * pooled) / total;
    const eb = (b * pooled) / total;
    stat += (current[i]! - ea) ** 2 / ea + (reference[i]! - eb) ** 2 / eb;
  }
  const df = k - 1;
  if (df <= 0 || a === 0 || b === 0) return { statistic: 0, pValue: 1, df: Math.max(df, 0) };
  return { statistic: stat, pValue: chiSquaredSf(stat, df), df };
}

export function test(reference: DriftColumn, current: DriftColumn): DriftOutcome {
  requireNonEmpty("chi2", reference, current);
  const count = (values: ArrayLike<string | number>) => {
    const m = new Map<string, number>();
    for (let i = 0; i < values.length; i++) m.set(String(values[i]), (m.get(String(values[i])) ?? 0) + 1);
    return m;
  };
  const r = count(reference.values);
  const c = count(current.values);
  const keys = [...new Set([...r.keys(), ...c.keys()])].sort();
  const res = chiSquareHomogeneity(
    keys.map((k) => c.get(k) ?? 0),
    keys.map((k) => r.get(k) ?? 0),
  );
  return { test: "chi2", yields: "p_value", statistic: res.statistic, pValue: res.pValue };
}
