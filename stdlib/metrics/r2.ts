import type { MetricSig } from "../signature.js";
import { checkRegression, type Labels } from "./shared/metric-input.js";

export const family = "regression";

export const signature: MetricSig = {
  kind: "metric",
  name: "r2",
  tasks: ["regression"],
  direction: "maximize",
  doc: "Coefficient of determination, 1 - SS_res / SS_tot. Constant targets score 1 if predicted exactly, else 0.",
};

export function compute(yTrue: Labels, yPred: Float32Array): number {
  checkRegression("r2", yTrue, yPred);
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i]!;
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const r = yTrue[i]! - yPred[i]!;
    const t = yTrue[i]! - mean;
    ssRes += r * r;
    ssTot += t * t;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}
