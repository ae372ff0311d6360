/**
 * The evaluate step: the model's metrics on the validation and test splits, from
 * the same forward pass the exported graph computes. Test values are stored as
 * `auc`, validation values as `val.auc`.
 */
import type { TaskSpec } from "../../compiler/plan/schema.js";
import { predictNetwork } from "../model/forward.js";
import type { Network } from "../model/network.js";
import { metricRequest, scoreMetric } from "../train/evaluate.js";
import type { FeaturesView } from "./train-step.js";
import { indexInputs } from "./train-step.js";

export function predictPart(network: Network, task: TaskSpec, f: FeaturesView, part: "train" | "validation" | "test"): Float32Array {
  const out = f.outputs[part];
  return predictNetwork(network, { rows: out.rows, numeric: out.numeric, width: out.width, indices: out.indices }, indexInputs(task, f));
}

export function evaluateModel(
  network: Network,
  task: TaskSpec,
  f: FeaturesView,
  labels: { classes?: string[]; validation: Float32Array; test: Float32Array },
  metrics: string[],
): Record<string, number> {
  return scorePredictions(task, f, labels, metrics, (part) => predictPart(network, task, f, part));
}

/** The metrics of any model's predictions per split (a trained network's, or an imported graph's). */
export function scorePredictions(
  task: TaskSpec,
  f: FeaturesView,
  labels: { classes?: string[]; validation: Float32Array; test: Float32Array },
  metrics: string[],
  predict: (part: "validation" | "test") => Float32Array,
): Record<string, number> {
  const result: Record<string, number> = {};
  const ix = indexInputs(task, f);
  for (const part of ["validation", "test"] as const) {
    const y = labels[part];
    if (y.length === 0) continue;
    const predictions = predict(part);
    const split = {
      y,
      predictions,
      ...(task.kind === "multiclass" ? { classes: labels.classes!.length } : {}),
      ...(ix ? { userIds: f.outputs[part].indices[ix.user] } : {}),
    };
    for (const m of metrics) {
      const value = scoreMetric(metricRequest(m, task.kind), split);
      result[part === "test" ? m : `val.${m}`] = value;
    }
  }
  return result;
}
