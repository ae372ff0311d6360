import type { MetricSig } from "../signature.js";
import { confusionCounts, macroAverage, ratio } from "./confusion.js";
import type { Labels } from "./shared/metric-input.js";

export const family = "classification";

export const signature: MetricSig = {
  kind: "metric",
  name: "recall",
  tasks: ["binary", "multiclass"],
  direction: "maximize",
  doc: "TP / (TP + FN) of the positive class; macro-averaged over classes for multiclass. 0 when no row is positive.",
};

export function compute(yTrue: Labels, yPred: Float32Array, K?: number): number {
  return macroAverage(confusionCounts("recall", yTrue, yPred, K), (c) => ratio(c.tp, c.tp + c.fn));
}
