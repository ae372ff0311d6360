/**
 * Input checks shared by the metric implementations, so that every metric
 * rejects malformed input with the same clear message.
 */

export type Labels = Float32Array | Int32Array;

/** A metric was given inputs it cannot score (length mismatch, bad label, NaN). */
export class MetricInputError extends Error {
  constructor(metric: string, problem: string) {
    super(`metric \`${metric}\`: ${problem}`);
    this.name = "MetricInputError";
  }
}

/**
 * Checks a classification input and returns the number of classes it has:
 * 2 for binary (yPred holds one probability per row), K for multiclass
 * (yPred holds n×K probabilities, row-major).
 */
export function checkClassification(metric: string, yTrue: Labels, yPred: Float32Array, K?: number): number {
  const n = yTrue.length;
  if (n === 0) throw new MetricInputError(metric, "no rows to score");
  if (K === undefined) {
    if (yPred.length !== n) {
      throw new MetricInputError(metric, `expected ${n} predicted probabilities (one per row), got ${yPred.length}`);
    }
    for (let i = 0; i < n; i++) {
      const y = yTrue[i]!;
      if (y !== 0 && y !== 1) throw new MetricInputError(metric, `binary label at row ${i} is ${y}; expected 0 or 1`);
    }
  } else {
    if (!Number.isInteger(K) || K < 2) throw new MetricInputError(metric, `class count must be an integer >= 2, got ${K}`);
    if (yPred.length !== n * K) {
      throw new MetricInputError(metric, `expected ${n}×${K} = ${n * K} predicted probabilities, got ${yPred.length}`);
    }
    for (let i = 0; i < n; i++) {
      const y = yTrue[i]!;
      if (!Number.isInteger(y) || y < 0 || y >= K) {
        throw new MetricInputError(metric, `class label at row ${i} is ${y}; expected an integer in 0..${K - 1}`);
      }
    }
  }
  checkFinite(metric, "predicted probability", yPred);
  return K ?? 2;
}

export function checkRegression(metric: string, yTrue: Labels, yPred: Float32Array): void {
  if (yTrue.length === 0) throw new MetricInputError(metric, "no rows to score");
  if (yPred.length !== yTrue.length) {
    throw new MetricInputError(metric, `expected ${yTrue.length} predictions (one per row), got ${yPred.length}`);
  }
  checkFinite(metric, "target", yTrue);
  checkFinite(metric, "prediction", yPred);
}

export function checkRanking(metric: string, userIds: Int32Array, relevance: Labels, scores: Float32Array, k: number): void {
  const n = userIds.length;
  if (n === 0) throw new MetricInputError(metric, "no rows to score");
  if (relevance.length !== n || scores.length !== n) {
    throw new MetricInputError(
      metric,
      `user ids, relevance and scores must have the same length (got ${n}, ${relevance.length}, ${scores.length})`,
    );
  }
  if (!Number.isInteger(k) || k < 1) throw new MetricInputError(metric, `k must be an integer >= 1, got ${k}`);
  checkFinite(metric, "score", scores);
  for (let i = 0; i < n; i++) {
    const r = relevance[i]!;
    if (!Number.isFinite(r) || r < 0) throw new MetricInputError(metric, `relevance at row ${i} is ${r}; expected a number >= 0`);
  }
}

function checkFinite(metric: string, what: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new MetricInputError(metric, `${what} at position ${i} is ${values[i]}`);
  }
}

/** Hard class decisions: threshold 0.5 for binary, first arg-max for multiclass. */
export function predictedClasses(yPred: Float32Array, n: number, K: number, binary: boolean): Int32Array {
  const out = new Int32Array(n);
  if (binary) {
    for (let i = 0; i < n; i++) out[i] = yPred[i]! >= 0.5 ? 1 : 0;
    return out;
  }
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestP = yPred[i * K]!;
    for (let c = 1; c < K; c++) {
      const p = yPred[i * K + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}
