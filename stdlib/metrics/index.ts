/**
 * Every built-in metric, by name. Loading this file loads no heavy library, so
 * the checker may import it for the signatures.
 */
import type { MetricSig } from "../signature.js";
import type { Labels } from "./metric_input.js";
import * as accuracy from "./accuracy.js";
import * as auc from "./auc.js";
import * as f1 from "./f1.js";
import * as logloss from "./logloss.js";
import * as mae from "./mae.js";
import * as ndcg from "./ndcg.js";
import * as precision from "./precision.js";
import * as r2 from "./r2.js";
import * as recall from "./recall.js";
import * as recallAtK from "./recall_at_k.js";
import * as rmse from "./rmse.js";

export { MetricInputError, type Labels } from "./metric_input.js";

/** Probabilities: n values (binary, K absent) or n×K row-major (multiclass). */
export type ClassificationCompute = (yTrue: Labels, yPred: Float32Array, K?: number) => number;
export type RegressionCompute = (yTrue: Labels, yPred: Float32Array) => number;
/** Per-user ranking of items: one row per (user, item) pair. */
export type RankingCompute = (userIds: Int32Array, yTrue: Labels, scores: Float32Array, k: number) => number;

export type MetricEntry =
  | { family: "classification"; signature: MetricSig; compute: ClassificationCompute }
  | { family: "regression"; signature: MetricSig; compute: RegressionCompute }
  | { family: "ranking"; signature: MetricSig; compute: RankingCompute };

export const metrics: Readonly<Record<string, MetricEntry>> = {
  accuracy: { family: "classification", ...accuracy },
  precision: { family: "classification", ...precision },
  recall: { family: "classification", ...recall },
  f1: { family: "classification", ...f1 },
  auc: { family: "classification", ...auc },
  logloss: { family: "classification", ...logloss },
  rmse: { family: "regression", ...rmse },
  mae: { family: "regression", ...mae },
  r2: { family: "regression", ...r2 },
  ndcg: { family: "ranking", ...ndcg },
  recall_at_k: { family: "ranking", ...recallAtK },
};

export const metricSignatures: readonly MetricSig[] = Object.values(metrics).map((m) => m.signature);

/** Default cut-off for ranking metrics named without `@k`. */
export const DEFAULT_RANKING_K = 10;
