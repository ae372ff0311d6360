/**
 * Confidence-based performance estimation (NannyML's CBPE): a classifier's metric on rows
 * without labels, estimated from its predicted probabilities taken as calibrated. Row i
 * predicted class ŷᵢ with probability pᵢ(c) for class c adds pᵢ(c) to the expected true
 * positives of c when ŷᵢ = c, 1 − pᵢ(c) to its false positives, and pᵢ(c) to its false
 * negatives when ŷᵢ ≠ c: the expected confusion matrix. Precision, recall and f1 follow as
 * the stdlib metrics define them (binary: the positive class; multiclass: macro over the
 * classes); AUC is the area under the expected ROC curve. spec/language.md#performance.
 */
import { predictedClasses } from "../../stdlib/metrics/shared/metric-input.js";

export const ESTIMABLE_METRICS = ["accuracy", "precision", "recall", "f1", "auc"] as const;
export type EstimableMetric = (typeof ESTIMABLE_METRICS)[number];

export const isEstimable = (metric: string): metric is EstimableMetric => (ESTIMABLE_METRICS as readonly string[]).includes(metric);

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/**
 * The estimate of `metric` over n rows. `probabilities`: n values (binary, the positive
 * class) or n×K row-major (multiclass, K given). NaN when there are no rows.
 */
export function estimateMetric(metric: EstimableMetric, probabilities: Float32Array | number[], K?: number): number {
  const binary = K === undefined;
  const classes = binary ? 2 : K;
  const n = binary ? probabilities.length : probabilities.length / K;
  if (n === 0) return Number.NaN;
  const prob = (i: number, c: number): number => (binary ? (c === 1 ? probabilities[i]! : 1 - probabilities[i]!) : probabilities[i * K + c]!);
  const predicted = predictedClasses(Float32Array.from(probabilities), n, classes, binary);
  if (metric === "accuracy") {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += prob(i, predicted[i]!);
    return sum / n;
  }
  const scored = binary ? [1] : Array.from({ length: classes }, (_, c) => c);
  let total = 0;
  for (const c of scored) {
    if (metric === "auc") {
      total += expectedAuc(Array.from({ length: n }, (_, i) => prob(i, c)));
      continue;
    }
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < n; i++) {
      const p = prob(i, c);
      if (predicted[i] === c) {
        tp += p;
        fp += 1 - p;
      } else fn += p;
    }
    total += metric === "precision" ? ratio(tp, tp + fp) : metric === "recall" ? ratio(tp, tp + fn) : ratio(2 * tp, 2 * tp + fp + fn);
  }
  return total / scored.length;
}

/**
 * Area under the expected ROC curve of scores p (each row positive with probability p):
 * at each distinct threshold t, expected TPR = Σ_{p ≥ t} p / Σ p and FPR = Σ_{p ≥ t} (1 − p) / Σ (1 − p),
 * joined by trapezoids. NaN when every row is certainly one class.
 */
export function expectedAuc(p: number[]): number {
  const order = p.map((_, i) => i).sort((a, b) => p[b]! - p[a]!);
  const positives = p.reduce((s, x) => s + x, 0);
  const negatives = p.length - positives;
  if (positives <= 0 || negatives <= 0) return Number.NaN;
  let tp = 0;
  let fp = 0;
  let area = 0;
  let i = 0;
  while (i < order.length) {
    const t = p[order[i]!]!;
    const tp0 = tp;
    const fp0 = fp;
    while (i < order.length && p[order[i]!] === t) {
      tp += t;
      fp += 1 - t;
      i++;
    }
    area += ((fp - fp0) / negatives) * ((tp + tp0) / 2 / positives);
  }
  return area;
}
