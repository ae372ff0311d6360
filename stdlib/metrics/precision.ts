import type { MetricSig } from "../signature.js";
import { confusionCounts, macroAverage, ratio } from "./confusion.js";
import type { Labels } from "./shared/metric-input.js";

export const family = "classification";

export const signature: MetricSig = {
  kind: "metric",
  name: "precision",
  tasks: ["binary", "multiclass"],
  direction: "maximize",
  doc: "TP / (TP + FP) of the positive class; macro-averaged over classes for multiclass. 0 when nothing is predicted positive.",
};

export function compute(yTrue: Labels, yPred: Float32Array, K?: number): number {
  return macroAverage(confusionCounts("precision", yTrue, yPred, K), (c) => ratio(c.tp, c.tp + c.fp));
}
