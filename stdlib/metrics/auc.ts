import type { MetricSig } from "../signature.js";
import { checkClassification, type Labels } from "./shared/metric-input.js";

export const family = "classification";

export const signature: MetricSig = {
  kind: "metric",
  name: "auc",
  tasks: ["binary", "multiclass"],
  direction: "maximize",
  doc:
    "Area under the ROC curve: the probability that a random positive scores above a random negative, ties counting 1/2. " +
    "Multiclass: mean one-vs-rest AUC over the classes that have both positives and negatives. NaN when only one class is present.",
};

export function compute(yTrue: Labels, yPred: Float32Array, K?: number): number {
  const classes = checkClassification("auc", yTrue, yPred, K);
  const n = yTrue.length;
  if (K === undefined) {
    const positive = new Uint8Array(n);
    for (let i = 0; i < n; i++) positive[i] = yTrue[i] === 1 ? 1 : 0;
    return binaryAuc(positive, yPred);
  }
  let sum = 0;
  let counted = 0;
  const scores = new Float32Array(n);
  const positive = new Uint8Array(n);
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < n; i++) {
      scores[i] = yPred[i * classes + c]!;
      positive[i] = yTrue[i] === c ? 1 : 0;
    }
    const auc = binaryAuc(positive, scores);
    if (!Number.isNaN(auc)) {
      sum += auc;
      counted++;
    }
  }
  return counted === 0 ? Number.NaN : sum / counted;
}

/** Mann–Whitney U from mid-ranks, so tied scores contribute 1/2 per pair. */
function binaryAuc(positive: Uint8Array, scores: Float32Array): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let positiveRankSum = 0;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
    const midRank = (start + 1 + end) / 2; // ranks start..end-1 are 1-based start+1..end
    for (let j = start; j < end; j++) {
      if (positive[order[j]!] === 1) {
        positives++;
        positiveRankSum += midRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
