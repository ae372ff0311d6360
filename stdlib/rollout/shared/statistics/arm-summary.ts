/**
 * Sufficient statistics of one arm's outcomes: count, mean and the sum of
 * squared deviations (Welford), so arms can be summarised incrementally and merged.
 */
export interface ArmSummary {
  n: number;
  mean: number;
  /** Σ (x − mean)² */
  m2: number;
}

export const EMPTY_SUMMARY: ArmSummary = Object.freeze({ n: 0, mean: 0, m2: 0 });

export function summarize(values: readonly number[]): ArmSummary {
  let s: ArmSummary = EMPTY_SUMMARY;
  for (const v of values) s = addValue(s, v);
  return s;
}

export function addValue(s: ArmSummary, x: number): ArmSummary {
  const n = s.n + 1;
  const delta = x - s.mean;
  const mean = s.mean + delta / n;
  return { n, mean, m2: s.m2 + delta * (x - mean) };
}

/** Chan et al.'s parallel merge of two summaries. */
export function mergeSummaries(a: ArmSummary, b: ArmSummary): ArmSummary {
  const n = a.n + b.n;
  if (n === 0) return EMPTY_SUMMARY;
  const delta = b.mean - a.mean;
  return { n, mean: a.mean + (delta * b.n) / n, m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n };
}

/** Unbiased sample variance (0 below two values). */
export function variance(s: ArmSummary): number {
  return s.n > 1 ? s.m2 / (s.n - 1) : 0;
}
