/**
 * The contract every built-in metric implements, in one file: `family` (which
 * inputs compute takes), the signature for the checker, and compute. Loads no
 * heavy library.
 */
import type { MetricSig } from "../signature.js";
import type { Labels } from "./shared/metric-input.js";

/** Probabilities: n values (binary, K absent) or n×K row-major (multiclass). */
export type ClassificationCompute = (yTrue: Labels, yPred: Float32Array, K?: number) => number;
export type RegressionCompute = (yTrue: Labels, yPred: Float32Array) => number;
/** Per-user ranking of items: one row per (user, item) pair. */
export type RankingCompute = (userIds: Int32Array, yTrue: Labels, scores: Float32Array, k: number) => number;

/** One built-in metric, listed once in stdlib/metrics/index.ts. */
export type MetricEntry =
  | { family: "classification"; signature: MetricSig; compute: ClassificationCompute }
  | { family: "regression"; signature: MetricSig; compute: RegressionCompute }
  | { family: "ranking"; signature: MetricSig; compute: RankingCompute };
