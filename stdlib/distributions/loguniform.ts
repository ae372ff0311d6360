/** `loguniform(...)` in a search block (spec/language.md#search). */
import type { DistributionSig } from "../signature.js";

export const signature: DistributionSig = {
  kind: "distribution",
  name: "loguniform",
  produces: ["float"],
  params: [{ name: "low", type: "float", min: 0, doc: "lower bound, > 0" }, { name: "high", type: "float", doc: "upper bound" }],
  doc: "A float whose logarithm is uniform: for learning rates and regularisation strengths.",
};
