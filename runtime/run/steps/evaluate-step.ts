/**
 * The evaluate step: the model's metrics on the validation and test splits, from
 * the exported graph's network run by onnxruntime (predict-part.ts). Test values are stored as
 * `auc`, validation values as `val.auc`.
 */
import type { TaskSpec } from "../../../compiler/plan/schema.js";
import type { Network } from "../../../core/network.js";
import { metricRequest, scoreMetric } from "../../train/evaluate.js";
import { type FeaturesView, indexInputs } from "../features-view.js";
import { predictPart } from "../predict-part.js";
import { fmt } from "../reporter.js";
import type { StepRunner } from "../step-context.js";

export const evaluateStep: StepRunner<"evaluate"> = {
  async run(step, ctx) {
    const m = ctx.model(step.params.model);
    const f = ctx.features(m.features);
    const labels = ctx.labels(m.task, f);
    const imported = m.imported;
    const metrics = imported ? await scorePredictions(m.task, f, labels, step.params.metrics, (part) => imported.predictions[part]) : await evaluateModel(m.network!, m.task, f, labels, step.params.metrics);
    // a search's best trial finished as a trial run already
    if (ctx.ws.registry.getRun(m.runId).state === "running") ctx.ws.registry.finishRun(m.runId, { state: "complete", metrics });
    const shown = step.params.metrics.map((k) => `${k} ${fmt(metrics[k] ?? NaN)}`).join("  ");
    ctx.reporter.step(step.id, `test: ${shown}`);
    const { baselineOf, baselineLines } = await import("../baseline.js");
    const baseline = baselineOf(m.task, f, labels, step.params.metrics, metrics);
    for (const line of baselineLines(m.model, m.task, baseline, metrics)) ctx.reporter.line(line);
    return { model: { ...m, metrics, baseline } };
  },
};

export async function evaluateModel(
  network: Network,
  task: TaskSpec,
  f: FeaturesView,
  labels: { classes?: string[]; validation: Float32Array; test: Float32Array },
  metrics: string[],
): Promise<Record<string, number>> {
  return scorePredictions(task, f, labels, metrics, (part) => predictPart(network, task, f, part));
}

/** The metrics of any model's predictions per split (a trained network's, or an imported graph's). */
export async function scorePredictions(
  task: TaskSpec,
  f: FeaturesView,
  labels: { classes?: string[]; validation: Float32Array; test: Float32Array },
  metrics: string[],
  predict: (part: "validation" | "test") => Float32Array | Promise<Float32Array>,
): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  const ix = indexInputs(task, f);
  for (const part of ["validation", "test"] as const) {
    const y = labels[part];
    if (y.length === 0) continue;
    const predictions = await predict(part);
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
