/**
 * What a drift test compares and what it answers (spec/language.md#drift-tests).
 * Numeric columns are numbers; categorical ones are category labels (strings,
 * booleans written as "true"/"false"). Missing values are left out by the caller.
 */

export type DriftColumn = { kind: "numeric"; values: ArrayLike<number> } | { kind: "categorical"; values: ArrayLike<string> };

export interface DriftOutcome {
  test: string;
  yields: "distance" | "p_value";
  /** The test's statistic: D for ks, χ² for chi2, the distance itself for psi, js, wasserstein. */
  statistic: number;
  /** Present for the p-value tests. */
  pValue?: number;
}

/** Every test's shape: reference sample first, then the window. */
export type DriftTestFn = (reference: DriftColumn, current: DriftColumn) => DriftOutcome;

export class DriftInputError extends Error {}

export function requireNonEmpty(test: string, reference: DriftColumn, current: DriftColumn): void {
  if (reference.values.length === 0) throw new DriftInputError(`${test}: the reference sample is empty`);
  if (current.values.length === 0) throw new DriftInputError(`${test}: the window is empty`);
}

export function sortedNumbers(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values as ArrayLike<number>);
  out.sort();
  return out;
}
