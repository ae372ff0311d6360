/** The `js` drift test (spec/language.md#monitor). */
import type { DriftTestSig } from "../signature.js";

export const signature: DriftTestSig = {
  kind: "drift_test",
  name: "js",
  accepts: ["numeric", "categorical"],
  yields: "distance",
  doc: "Jensen–Shannon distance (base 2) between histograms, in [0, 1].",
};
