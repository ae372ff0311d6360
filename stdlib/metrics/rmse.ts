import type { MetricSig } from "../signature.js";
import { checkRegression, type Labels } from "./shared/metric-input.js";

export const family = "regression";

export const signature: MetricSig = {
  kind: "metric",
  name: "rmse",
  tasks: ["regression", "recommendation"],
  direction: "minimize",
  doc: "Root mean squared error.",
};

export function compute(yTrue: Labels, yPred: Float32Array): number {
  checkRegression("rmse", yTrue, yPred);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = yTrue[i]! - yPred[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum / yTrue.length);
}
