/**
 * Per-class true/false positive counts behind precision, recall and f1.
 * Binary scores the positive class (1); multiclass macro-averages over the
 * classes that occur in the labels or the predictions (as scikit-learn does).
 */
import { checkClassification, predictedClasses, type Labels } from "./shared/metric-input.js";

export interface ClassCounts {
  tp: number;
  fp: number;
  fn: number;
}

/** The classes to average over and their counts. */
export function confusionCounts(metric: string, yTrue: Labels, yPred: Float32Array, K?: number): ClassCounts[] {
  const classes = checkClassification(metric, yTrue, yPred, K);
  const n = yTrue.length;
  const predicted = predictedClasses(yPred, n, classes, K === undefined);
  const counts: ClassCounts[] = Array.from({ length: classes }, () => ({ tp: 0, fp: 0, fn: 0 }));
  const seen = new Uint8Array(classes);
  for (let i = 0; i < n; i++) {
    const t = yTrue[i]!;
    const p = predicted[i]!;
    seen[t] = 1;
    seen[p] = 1;
    if (t === p) counts[t]!.tp++;
    else {
      counts[p]!.fp++;
      counts[t]!.fn++;
    }
  }
  if (K === undefined) return [counts[1]!];
  return counts.filter((_, c) => seen[c] === 1);
}

/** Mean of `score` over the classes; a class whose ratio is 0/0 scores 0. */
export function macroAverage(counts: ClassCounts[], score: (c: ClassCounts) => number): number {
  let sum = 0;
  for (const c of counts) sum += score(c);
  return sum / counts.length;
}

export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
