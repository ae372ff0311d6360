/** `int(...)` in a search block (spec/language.md#search). */
import type { DistributionSig } from "../signature.js";

export const signature: DistributionSig = {
  kind: "distribution",
  name: "int",
  produces: ["int"],
  params: [{ name: "low", type: "int", doc: "lower bound (inclusive)" }, { name: "high", type: "int", doc: "upper bound (inclusive)" }, { name: "step", type: "int", default: 1, min: 1, doc: "spacing of the values" }, { name: "log", type: "bool", default: false, doc: "sample in log space" }],
  doc: "An integer in [low, high] with a step, optionally log-spaced.",
};
