/**
 * The bins psi and js compare (spec/language.md#drift-tests): a numeric column is cut
 * at the reference sample's deciles (numpy's linear quantiles, repeated edges merged;
 * bins are (-∞, e1], (e1, e2], …, (ek, ∞)), a categorical column has one bin per
 * category seen in either sample (sorted). A bin with no rows gets the share EMPTY_BIN_SHARE
 * so that logarithms stay finite (as Evidently does).
 */
import { sortedNumbers, type DriftColumn } from "../drift-column.js";

export const NUMERIC_BINS = 10;
export const EMPTY_BIN_SHARE = 1e-4;

/** numpy.quantile(sorted, q) with the default linear method. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function referenceQuantileEdges(reference: ArrayLike<number>, bins = NUMERIC_BINS): number[] {
  const sorted = sortedNumbers(reference);
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const e = quantileSorted(sorted, k / bins);
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  return edges;
}

function numericCounts(values: ArrayLike<number>, edges: number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v <= edges[mid]!) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]!++;
  }
  return counts;
}

export interface BinnedShares {
  labels: string[];
  reference: number[];
  current: number[];
}

function shares(counts: number[], n: number): number[] {
  return counts.map((c) => (c === 0 ? EMPTY_BIN_SHARE : c / n));
}

export function binShares(reference: DriftColumn, current: DriftColumn): BinnedShares {
  if (reference.kind === "numeric" && current.kind === "numeric") {
    const edges = referenceQuantileEdges(reference.values);
    const labels = [...edges.map((e) => `<=${e}`), edges.length ? `>${edges[edges.length - 1]}` : "all"];
    return { labels, reference: shares(numericCounts(reference.values, edges), reference.values.length), current: shares(numericCounts(current.values, edges), current.values.length) };
  }
  const count = (values: ArrayLike<string | number>) => {
    const m = new Map<string, number>();
    for (let i = 0; i < values.length; i++) {
      const k = String(values[i]);
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  };
  const r = count(reference.values);
  const c = count(current.values);
  const labels = [...new Set([...r.keys(), ...c.keys()])].sort();
  return {
    labels,
    reference: shares(labels.map((l) => r.get(l) ?? 0), reference.values.length),
    current: shares(labels.map((l) => c.get(l) ?? 0), current.values.length),
  };
}
