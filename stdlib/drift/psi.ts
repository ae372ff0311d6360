/** The `psi` drift test (spec/language.md#monitor). */
import type { DriftTestSig } from "../signature.js";

export const signature: DriftTestSig = {
  kind: "drift_test",
  name: "psi",
  accepts: ["numeric", "categorical"],
  yields: "distance",
  doc: "Population stability index between the reference profile and the window; 0.1 is a small shift, 0.2 a large one.",
};
