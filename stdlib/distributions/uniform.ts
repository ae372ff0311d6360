/** `uniform(...)` in a search block (spec/language.md#search). */
import type { DistributionSig } from "../signature.js";

export const signature: DistributionSig = {
  kind: "distribution",
  name: "uniform",
  produces: ["float"],
  params: [{ name: "low", type: "float", doc: "lower bound (inclusive)" }, { name: "high", type: "float", doc: "upper bound (exclusive)" }],
  doc: "A float drawn uniformly from [low, high).",
};
