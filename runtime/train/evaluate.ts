/**
 * Validation metrics by name: parses `auc`, `val.auc`, `ndcg@5`, and scores
 * the model's predictions with the stdlib metric.
 */
import { DEFAULT_RANKING_K, metrics, type MetricEntry } from "../../stdlib/metrics/index.js";
import type { TaskKind } from "../../stdlib/signature.js";
import { TrainConfigError, TrainDataError } from "./errors.js";

export interface MetricRequest {
  /** The name as reported in `val` ("auc", "ndcg@5", "loss"). */
  key: string;
  direction: "maximize" | "minimize";
  /** Null for the validation loss. */
  metric: MetricEntry | null;
  k: number | null;
}

/** Parses a metric name for a task; `loss` is the validation loss. */
export function metricRequest(text: string, task: TaskKind): MetricRequest {
  const key = text.startsWith("val.") ? text.slice(4) : text;
  if (key === "loss") return { key, direction: "minimize", metric: null, k: null };
  const [name, kText, ...rest] = key.split("@");
  const metric = metrics[name!];
  if (metric === undefined || rest.length > 0) {
    throw new TrainConfigError(`unknown metric \`${text}\`; known: loss, ${Object.keys(metrics).join(", ")}`);
  }
  if (!metric.signature.tasks.includes(task)) {
    const fitting = Object.values(metrics).filter((m) => m.signature.tasks.includes(task)).map((m) => m.signature.name);
    throw new TrainConfigError(`metric \`${name}\` does not apply to ${task} models; use loss, ${fitting.join(", ")}`);
  }
  let k: number | null = null;
  if (metric.signature.takesK) {
    k = kText === undefined ? DEFAULT_RANKING_K : Number(kText);
    if (!Number.isInteger(k) || k < 1) throw new TrainConfigError(`metric \`${text}\`: k must be a positive integer`);
  } else if (kText !== undefined) {
    throw new TrainConfigError(`metric \`${name}\` takes no @k`);
  }
  return { key, direction: metric.signature.direction, metric, k };
}

export interface ScoredSplit {
  y: Float32Array;
  userIds?: Int32Array;
  /** Probabilities (n, or n×classes for multiclass) or predicted values. */
  predictions: Float32Array;
  /** Set for multiclass. */
  classes?: number;
}

export function scoreMetric(request: MetricRequest, split: ScoredSplit): number {
  const m = request.metric;
  if (m === null) throw new Error("the validation loss is not scored by a metric");
  switch (m.family) {
    case "classification":
      return m.compute(split.y, split.predictions, split.classes);
    case "regression":
      return m.compute(split.y, split.predictions);
    case "ranking":
      if (split.userIds === undefined) {
        throw new TrainDataError(`metric \`${request.key}\` ranks items per user and needs the validation user ids`);
      }
      return m.compute(split.userIds, split.y, split.predictions, request.k ?? DEFAULT_RANKING_K);
  }
}
