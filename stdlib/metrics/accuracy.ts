import type { MetricSig } from "../signature.js";
import { checkClassification, predictedClasses, type Labels } from "./shared/metric-input.js";

export const family = "classification";

export const signature: MetricSig = {
  kind: "metric",
  name: "accuracy",
  tasks: ["binary", "multiclass"],
  direction: "maximize",
  doc: "Share of rows whose predicted class (probability >= 0.5, or the arg-max class) equals the label.",
};

export function compute(yTrue: Labels, yPred: Float32Array, K?: number): number {
  const classes = checkClassification("accuracy", yTrue, yPred, K);
  const n = yTrue.length;
  const predicted = predictedClasses(yPred, n, classes, K === undefined);
  let correct = 0;
  for (let i = 0; i < n; i++) if (predicted[i] === yTrue[i]) correct++;
  return correct / n;
}
