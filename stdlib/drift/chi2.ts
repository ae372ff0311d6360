/** The `chi2` drift test (spec/language.md#monitor). */
import type { DriftTestSig } from "../signature.js";

export const signature: DriftTestSig = {
  kind: "drift_test",
  name: "chi2",
  accepts: ["categorical"],
  yields: "p_value",
  doc: "Chi-squared test of category frequencies against the reference.",
};
