/** The `ks` drift test (spec/language.md#monitor). */
import type { DriftTestSig } from "../signature.js";

export const signature: DriftTestSig = {
  kind: "drift_test",
  name: "ks",
  accepts: ["numeric"],
  yields: "p_value",
  doc: "Two-sample Kolmogorov–Smirnov test; a small p-value means the distributions differ.",
};
