/**
 * The trivial baseline of a task, scored on the same test split as the model
 * (spec/language.md#baselines): it learns one statistic of the training labels and
 * predicts it for every row.
 *
 *   binary          the training share of positives for every row: accuracy is the majority
 *                   class's share, auc 0.5 (every score tied), logloss that of the prior
 *   multiclass      the training class shares for every row (arg-max: the majority class)
 *   regression      the training mean
 *   recommendation  the training mean rating plus a tie-break by item popularity (training rows
 *                   per item, times 1e-6): rmse/mae of the mean, items ranked by popularity
 *
 * A model beats its baseline when its first metric is strictly better (by the metric's
 * direction); a NaN model metric does not beat it, and a NaN baseline (an AUC with one class
 * in the test split) leaves nothing to compare with.
 */
import type { TaskSpec } from "../../compiler/plan/schema.js";
import { metricRequest, scoreMetric } from "../train/evaluate.js";
import { fmt } from "./reporter.js";
import { type FeaturesView, indexInputs } from "./features-view.js";

export interface BaselineInput {
  task: TaskSpec;
  /** Encoded labels (labels.ts): 0/1, class ids, or values. */
  train: Float32Array;
  test: Float32Array;
  classes?: number;
  /** Recommendation: user and item index of every train and test row. */
  users?: { test: Int32Array };
  items?: { train: Int32Array; test: Int32Array };
}

/** The baseline's predictions for the test rows, in the layout the model's predictions have. */
export function baselinePredictions(b: BaselineInput): Float32Array {
  const n = b.test.length;
  const mean = b.train.length === 0 ? 0 : b.train.reduce((s, y) => s + y, 0) / b.train.length;
  switch (b.task.kind) {
    case "binary":
    case "regression":
      return new Float32Array(n).fill(mean);
    case "multiclass": {
      const k = b.classes!;
      const prior = new Float64Array(k);
      for (const y of b.train) prior[y]! += 1 / b.train.length;
      const out = new Float32Array(n * k);
      for (let i = 0; i < n; i++) out.set(prior, i * k);
      return out;
    }
    case "recommendation": {
      const counts = new Map<number, number>();
      for (const item of b.items!.train) counts.set(item, (counts.get(item) ?? 0) + 1);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = mean + 1e-6 * (counts.get(b.items!.test[i]!) ?? 0);
      return out;
    }
  }
}

/** Each of `metrics` for the baseline on the test split (`loss` is not a baseline metric). */
export function baselineMetrics(b: BaselineInput, metrics: readonly string[]): Record<string, number> {
  if (b.test.length === 0) return {};
  const predictions = baselinePredictions(b);
  const split = {
    y: b.test,
    predictions,
    ...(b.classes !== undefined ? { classes: b.classes } : {}),
    ...(b.users ? { userIds: b.users.test } : {}),
  };
  const out: Record<string, number> = {};
  for (const m of metrics) {
    const request = metricRequest(m, b.task.kind);
    if (request.metric !== null) out[m] = scoreMetric(request, split);
  }
  return out;
}

/** Whether `model` is strictly better than `baseline` on `metric` (undefined: nothing to compare). */
export function beatsBaseline(task: TaskSpec, metric: string, model: number | undefined, baseline: number | undefined): boolean | undefined {
  if (model === undefined || baseline === undefined) return undefined;
  if (!Number.isFinite(baseline)) return undefined;
  if (!Number.isFinite(model)) return false;
  return metricRequest(metric, task.kind).direction === "maximize" ? model > baseline : model < baseline;
}

/** The baseline of a model's task on its features' test split, and whether the model beats it on its first metric. */
export function baselineOf(
  task: TaskSpec,
  f: FeaturesView,
  labels: { classes?: string[]; train: Float32Array; test: Float32Array },
  metrics: readonly string[],
  modelMetrics: Record<string, number>,
): { metrics: Record<string, number>; metric: string; beats: boolean | undefined } {
  const ix = indexInputs(task, f);
  const input: BaselineInput = {
    task,
    train: labels.train,
    test: labels.test,
    ...(task.kind === "multiclass" ? { classes: labels.classes!.length } : {}),
    ...(ix ? { users: { test: f.outputs.test.indices[ix.user]! }, items: { train: f.outputs.train.indices[ix.item]!, test: f.outputs.test.indices[ix.item]! } } : {}),
  };
  const scored = baselineMetrics(input, metrics);
  const metric = metrics[0] ?? "loss";
  return { metrics: scored, metric, beats: beatsBaseline(task, metric, modelMetrics[metric], scored[metric]) };
}

const BASELINE_NAME: Record<TaskSpec["kind"], string> = {
  binary: "class prior",
  multiclass: "class prior",
  regression: "training mean",
  recommendation: "item popularity",
};

/** What the run prints under a model's test metrics: the baseline's, and a warning when the model does not beat it. */
export function baselineLines(model: string, task: TaskSpec, b: ReturnType<typeof baselineOf>, modelMetrics: Record<string, number>): string[] {
  const shown = Object.entries(b.metrics).map(([k, v]) => `${k} ${fmt(v)}`).join("  ");
  const lines = [`${"".padEnd(28)} baseline (${BASELINE_NAME[task.kind]}): ${shown}`];
  if (b.beats === false) {
    lines.push(
      `warning: ${model} does not beat its baseline on ${b.metric} (${fmt(modelMetrics[b.metric] ?? NaN)} against ${fmt(b.metrics[b.metric] ?? NaN)}); ` +
        "the version is flagged in the registry (`require beats_baseline` makes this a gate)",
    );
  }
  return lines;
}
