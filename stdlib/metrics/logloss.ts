import type { MetricSig } from "../signature.js";
import { checkClassification, type Labels } from "./shared/metric-input.js";

export const family = "classification";

export const signature: MetricSig = {
  kind: "metric",
  name: "logloss",
  tasks: ["binary", "multiclass"],
  direction: "minimize",
  doc: "Mean negative log-likelihood of the labels under the predicted probabilities, clipped to [1e-15, 1 - 1e-15].",
};

const EPS = 1e-15;

function clip(p: number): number {
  return Math.min(Math.max(p, EPS), 1 - EPS);
}

export function compute(yTrue: Labels, yPred: Float32Array, K?: number): number {
  const classes = checkClassification("logloss", yTrue, yPred, K);
  const n = yTrue.length;
  let sum = 0;
  if (K === undefined) {
    for (let i = 0; i < n; i++) {
      const p = clip(yPred[i]!);
      sum -= yTrue[i] === 1 ? Math.log(p) : Math.log(1 - p);
    }
  } else {
    for (let i = 0; i < n; i++) sum -= Math.log(clip(yPred[i * classes + yTrue[i]!]!));
  }
  return sum / n;
}
