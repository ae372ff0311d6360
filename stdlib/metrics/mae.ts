import type { MetricSig } from "../signature.js";
import { checkRegression, type Labels } from "./shared/metric-input.js";

export const family = "regression";

export const signature: MetricSig = {
  kind: "metric",
  name: "mae",
  tasks: ["regression", "recommendation"],
  direction: "minimize",
  doc: "Mean absolute error.",
};

export function compute(yTrue: Labels, yPred: Float32Array): number {
  checkRegression("mae", yTrue, yPred);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += Math.abs(yTrue[i]! - yPred[i]!);
  return sum / yTrue.length;
}
