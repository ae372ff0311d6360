/** The `js` drift test (spec/language.md#monitor). */
import type { DriftTestSig } from "../signature.js";
import { requireNonEmpty, type DriftColumn, type DriftOutcome } from "./drift-column.js";
import { binShares } from "./shared/histogram.js";

export const signature: DriftTestSig = {
  kind: "drift_test",
  name: "js",
  accepts: ["numeric", "categorical"],
  yields: "distance",
  doc: "Jensen–Shannon distance (base 2) between histograms, in [0, 1].",
};

const relEntr = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(x / y));

/** `scipy.spatial.distance.jensenshannon(p, q, base=2)`: both are normalized first. */
export function jensenShannon(p: number[], q: number[]): number {
  const sp = p.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    const m = (pi + qi) / 2;
    left += relEntr(pi, m);
    right += relEntr(qi, m);
  }
  const js = (left + right) / Math.log(2);
  return Math.sqrt(Math.max(js, 0) / 2);
}

export function test(reference: DriftColumn, current: DriftColumn): DriftOutcome {
  requireNonEmpty("js", reference, current);
  const b = binShares(reference, current);
  return { test: "js", yields: "distance", statistic: jensenShannon(b.reference, b.current) };
}
