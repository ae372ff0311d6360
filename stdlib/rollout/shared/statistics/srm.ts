/**
 * Sample-ratio mismatch: Pearson's χ² goodness-of-fit of the arms' request
 * counts against the planned split (Fabijan et al., "Diagnosing Sample Ratio
 * Mismatch in Online Controlled Experiments", KDD 2019). A mismatch means the
 * assignment is broken (a filter, a crash on one arm), so no comparison of the
 * arms can be trusted; the test halts. The threshold is strict (p < 0.001,
 * as the paper recommends) because the check runs at every look.
 */
import { chiSquaredSf } from "../../../drift/shared/gamma.js";

export const SRM_P_VALUE = 0.001;

export interface SrmResult {
  statistic: number;
  df: number;
  pValue: number;
  mismatch: boolean;
}

/** `counts[i]` requests seen on arm i, planned share `planned[i]` (normalised here). */
export function sampleRatioMismatch(counts: readonly number[], planned: readonly number[], threshold = SRM_P_VALUE): SrmResult {
  if (counts.length !== planned.length || counts.length < 2) throw new RangeError("SRM needs the counts and planned shares of two or more arms");
  const total = counts.reduce((a, b) => a + b, 0);
  const share = planned.reduce((a, b) => a + b, 0);
  let statistic = 0;
  let df = -1;
  for (let i = 0; i < counts.length; i++) {
    const expected = (total * planned[i]!) / share;
    if (expected <= 0) {
      // an arm planned at 0% must get nothing
      if (counts[i]! > 0) return { statistic: Infinity, df: Math.max(1, df), pValue: 0, mismatch: true };
      continue;
    }
    statistic += (counts[i]! - expected) ** 2 / expected;
    df++;
  }
  if (total === 0 || df < 1) return { statistic: 0, df: Math.max(df, 1), pValue: 1, mismatch: false };
  const pValue = chiSquaredSf(statistic, df);
  return { statistic, df, pValue, mismatch: pValue < threshold };
}
