/**
 * Every built-in metric, by name. Adding one means adding its file (family,
 * signature, compute) and one line here. Loads no heavy library, so the checker
 * may import it for the signatures.
 */
import type { MetricSig } from "../signature.js";
import type { MetricEntry } from "./metric-module.js";
import * as accuracy from "./accuracy.js";
import * as auc from "./auc.js";
import * as f1 from "./f1.js";
import * as logloss from "./logloss.js";
import * as mae from "./mae.js";
import * as ndcg from "./ndcg.js";
import * as precision from "./precision.js";
import * as r2 from "./r2.js";
import * as recall from "./recall.js";
import * as recallAtK from "./recall-at-k.js";
import * as rmse from "./rmse.js";

export { MetricInputError, type Labels } from "./shared/metric-input.js";

export const metrics: Readonly<Record<string, MetricEntry>> = {
  accuracy,
  precision,
  recall,
  f1,
  auc,
  logloss,
  rmse,
  mae,
  r2,
  ndcg,
  recall_at_k: recallAtK,
};

export type { ClassificationCompute, MetricEntry, RankingCompute, RegressionCompute } from "./metric-module.js";

export const metricSignatures: readonly MetricSig[] = Object.values(metrics).map((m) => m.signature);

/** Default cut-off for ranking metrics named without `@k`. */
export const DEFAULT_RANKING_K = 10;
