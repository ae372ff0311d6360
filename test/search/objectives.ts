/** Standard test functions for samplers (Surjanovic & Bingham's library), shared by tests and bench/search.ts. */
import type { SearchParam } from "../../core/search/space.js";

export const braninSpace: SearchParam[] = [
  { path: "x1", dist: { kind: "uniform", low: -5, high: 10 } },
  { path: "x2", dist: { kind: "uniform", low: 0, high: 15 } },
];

/** Global minimum 0.397887 at (−π, 12.275), (π, 2.275), (9.42478, 2.475). */
export const braninMinimum = 0.397887;

export function branin(x1: number, x2: number): number {
  const b = 5.1 / (4 * Math.PI * Math.PI);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

export const hartmann6Space: SearchParam[] = Array.from({ length: 6 }, (_, i) => ({
  path: `x${i + 1}`,
  dist: { kind: "uniform" as const, low: 0, high: 1 },
}));

/** Global minimum −3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573). */
export const hartmann6Minimum = -3.32237;

const ALPHA = [1.0, 1.2, 3.0, 3.2];
const A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

export function hartmann6(x: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += A[i]![j]! * (x[j]! - P[i]![j]!) ** 2;
    sum += ALPHA[i]! * Math.exp(-inner);
  }
  return -sum;
}

export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
