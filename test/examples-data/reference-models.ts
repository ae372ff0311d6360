/**
 * Small, exact reference learners used to confirm that the example data sets carry the signal
 * their docs promise (a good model clears the bar, a bad one does not). Test support only.
 */
import { Rng } from "../../core/rng.js";

/** Solves A·x = b by Gaussian elimination with partial pivoting (A is small and well conditioned here). */
export function solveLinearSystem(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    if (p === 0) throw new Error("singular system");
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / p;
      if (f === 0) continue;
      for (let k = col; k <= n; k++) m[r]![k] = m[r]![k]! - f * m[col]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Column-wise z-scores with statistics from `fitRows` only (no leakage into the test rows). */
export function standardizeBy(fitRows: number[][], rows: number[][]): number[][] {
  const d = fitRows[0]!.length;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const r of fitRows) for (let j = 0; j < d; j++) mean[j]! += r[j]! / fitRows.length;
  for (const r of fitRows) for (let j = 0; j < d; j++) sd[j]! += (r[j]! - mean[j]!) ** 2 / fitRows.length;
  return rows.map((r) => r.map((v, j) => (sd[j]! > 0 ? (v - mean[j]!) / Math.sqrt(sd[j]!) : 0)));
}

/** Weights [bias, w1..wd] of a lightly L2-regularised logistic regression, fitted by Newton's method. */
export function fitLogisticRegression(x: number[][], y: number[], l2 = 1e-3, iterations = 25): number[] {
  const d = x[0]!.length + 1;
  let w = new Array<number>(d).fill(0);
  for (let it = 0; it < iterations; it++) {
    const hessian = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    const gradient = new Array<number>(d).fill(0);
    x.forEach((row, i) => {
      const xb = [1, ...row];
      const p = 1 / (1 + Math.exp(-xb.reduce((s, v, j) => s + v * w[j]!, 0)));
      for (let j = 0; j < d; j++) {
        gradient[j]! += (p - y[i]!) * xb[j]!;
        for (let k = 0; k < d; k++) hessian[j]![k]! += p * (1 - p) * xb[j]! * xb[k]!;
      }
    });
    for (let j = 0; j < d; j++) {
      hessian[j]![j]! += l2 * x.length;
      gradient[j]! += l2 * x.length * w[j]!;
    }
    const step = solveLinearSystem(hessian, gradient);
    w = w.map((v, j) => v - step[j]!);
  }
  return w;
}

/** Weights [bias, w1..wd] of ordinary least squares (normal equations, a tiny ridge for stability). */
export function fitLeastSquares(x: number[][], y: number[], ridge = 1e-6): number[] {
  const d = x[0]!.length + 1;
  const a = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const b = new Array<number>(d).fill(0);
  x.forEach((row, i) => {
    const xb = [1, ...row];
    for (let j = 0; j < d; j++) {
      b[j]! += xb[j]! * y[i]!;
      for (let k = 0; k < d; k++) a[j]![k]! += xb[j]! * xb[k]!;
    }
  });
  for (let j = 1; j < d; j++) a[j]![j]! += ridge;
  return solveLinearSystem(a, b);
}

export function linearScore(w: number[], row: number[]): number {
  return row.reduce((s, v, j) => s + v * w[j + 1]!, w[0]!);
}

/** Area under the ROC curve by the rank-sum formula, ties sharing their average rank. */
export function rocAuc(scores: number[], labels: number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]) {
        rankSum += rank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = labels.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function rSquared(predicted: number[], actual: number[]): number {
  const mean = actual.reduce((a, b) => a + b, 0) / actual.length;
  let residual = 0;
  let total = 0;
  actual.forEach((v, i) => {
    residual += (v - predicted[i]!) ** 2;
    total += (v - mean) ** 2;
  });
  return 1 - residual / total;
}

export interface Rating {
  user: number;
  item: number;
  value: number;
}

/** Biased matrix factorisation by SGD; returns a predictor clipped to [low, high]. */
export function fitMatrixFactorization(
  train: Rating[],
  options: { users: number; items: number; factors: number; epochs: number; lr: number; reg: number; seed: number; low: number; high: number },
): (user: number, item: number) => number {
  const rng = new Rng(options.seed);
  const mean = train.reduce((s, r) => s + r.value, 0) / train.length;
  const userBias = new Array<number>(options.users).fill(0);
  const itemBias = new Array<number>(options.items).fill(0);
  const p = Array.from({ length: options.users }, () => Array.from({ length: options.factors }, () => rng.normal(0, 0.1)));
  const q = Array.from({ length: options.items }, () => Array.from({ length: options.factors }, () => rng.normal(0, 0.1)));
  const raw = (u: number, i: number) => {
    let s = mean + userBias[u]! + itemBias[i]!;
    for (let f = 0; f < options.factors; f++) s += p[u]![f]! * q[i]![f]!;
    return s;
  };
  const order = train.map((_, k) => k);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    rng.shuffle(order);
    for (const k of order) {
      const { user: u, item: i, value } = train[k]!;
      const err = value - raw(u, i);
      userBias[u]! += options.lr * (err - options.reg * userBias[u]!);
      itemBias[i]! += options.lr * (err - options.reg * itemBias[i]!);
      for (let f = 0; f < options.factors; f++) {
        const pu = p[u]![f]!;
        const qi = q[i]![f]!;
        p[u]![f] = pu + options.lr * (err * qi - options.reg * pu);
        q[i]![f] = qi + options.lr * (err * pu - options.reg * qi);
      }
    }
  }
  return (u, i) => Math.min(options.high, Math.max(options.low, raw(u, i)));
}
