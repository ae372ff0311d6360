import type { MetricSig } from "../signature.js";
import { confusionCounts, macroAverage, ratio } from "./confusion.js";
import type { Labels } from "./shared/metric-input.js";

export const family = "classification";

export const signature: MetricSig = {
  kind: "metric",
  name: "f1",
  tasks: ["binary", "multiclass"],
  direction: "maximize",
  doc: "Harmonic mean of precision and recall, 2TP / (2TP + FP + FN); multiclass averages the per-class F1 (macro).",
};

export function compute(yTrue: Labels, yPred: Float32Array, K?: number): number {
  return macroAverage(confusionCounts("f1", yTrue, yPred, K), (c) => ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn));
}
