/**
 * A tuning problem built from a shipped example: the churn spec compiled and
 * planned, its dataset validated, split and featurised by the runtime, and
 * each trial a real `trainNetwork` run scored on the validation split. Used
 * by bench/search.ts to compare samplers on an actual model, not a formula.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { compileFile } from "../compiler/compile.js";
import { planOf, type StepOf } from "../compiler/plan/index.js";
import { validateDataset } from "../runtime/data/contract.js";
import { loadColumns } from "../runtime/data/load.js";
import { splitDataset } from "../runtime/data/split.js";
import { applyPipeline, fitPipeline } from "../runtime/features/pipeline.js";
import { classLabels, encodeLabels } from "../runtime/run/labels.js";
import { applyAssignment } from "../runtime/run/steps/search-step.js";
import { trainConfigOf } from "../runtime/run/train-model.js";
import { selectBackend, type BackendName } from "../runtime/train/backend.js";
import { trainNetwork, type TrainConfig, type TrainData, type TrainOptions, type TrainResult } from "../runtime/train/fit.js";
import type { Assignment, SearchParam } from "../core/search/space.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface ExampleProblem {
  name: string;
  space: SearchParam[];
  direction: "maximize" | "minimize";
  metric: string;
  rows: { train: number; validation: number };
  /** Trains one trial with `params` and returns its validation metric after the last epoch. */
  objective(params: Assignment): Promise<number>;
}

export interface ExampleProblemOptions {
  /** Spec under examples/, e.g. "churn/churn.mlspec". */
  spec: string;
  model: string;
  metric: string;
  direction: "maximize" | "minimize";
  epochs: number;
  backend: BackendName;
  /** Trains elsewhere, e.g. `TrialPool.train` in a worker thread; default `trainNetwork` in process. */
  trainer?: (config: TrainConfig, data: TrainData, options: TrainOptions) => Promise<TrainResult>;
}

/**
 * A model of a shipped example tuned over lr, hidden, dropout and batch for
 * `epochs` epochs, the objective its validation metric as the search step reads it.
 */
export async function exampleProblem(options: ExampleProblemOptions): Promise<ExampleProblem> {
  const specPath = path.join(repo, "examples", options.spec);
  const compiled = compileFile(specPath);
  if (compiled.hasErrors) throw new Error(`${specPath} does not compile`);
  const plan = planOf(compiled);
  const step = <K extends StepOf<"validate">["kind"] | "split" | "fit_features" | "train">(kind: K, match: (s: never) => boolean) =>
    plan.steps.find((s) => s.kind === kind && match(s as never)) as never;
  const train: StepOf<"train"> = step("train", (s: StepOf<"train">) => s.params.model === options.model);
  const features: StepOf<"fit_features"> = step("fit_features", (s: StepOf<"fit_features">) => s.params.features === train.params.features);
  const validate: StepOf<"validate"> = step("validate", (s: StepOf<"validate">) => s.params.dataset === features.params.dataset);
  const split: StepOf<"split"> = step("split", (s: StepOf<"split">) => s.params.dataset === features.params.dataset);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mlspec-bench-"));
  const source = { ...validate.params.source, path: path.resolve(path.dirname(specPath), validate.params.source.path) };
  const checked = await validateDataset(source, validate.params.contract, { quarantinePath: path.join(tmp, "quarantine.jsonl") });
  let parts;
  try {
    await splitDataset(checked, split.params.split);
    parts = { train: await loadColumns(checked, { part: "train" }), validation: await loadColumns(checked, { part: "validation" }) };
  } finally {
    checked.session.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const pipeline = fitPipeline(features.params.definitions as Parameters<typeof fitPipeline>[0], features.params.columns, parts.train);
  const task = train.params.task;
  const classes = classLabels(task, parts.train[task.target]!);
  const data: TrainData = {
    train: { x: applyPipeline(pipeline, parts.train).numeric, y: encodeLabels(task, parts.train[task.target]!, classes, "train").y },
    validation: { x: applyPipeline(pipeline, parts.validation).numeric, y: encodeLabels(task, parts.validation[task.target]!, classes, "validation").y },
  };
  await selectBackend(options.backend);

  // few epochs and no early stop: the budget is what makes lr and batch matter
  const base: StepOf<"train"> = { ...train, params: { ...train.params, train: { ...train.params.train, epochs: options.epochs, earlyStop: undefined } } };
  const metric = options.metric;
  return {
    name: `${options.model} (${options.epochs} epochs)`,
    direction: options.direction,
    metric,
    rows: { train: data.train.y.length, validation: data.validation!.y.length },
    space: [
      { path: "train.optimizer.lr", dist: { kind: "loguniform", low: 1e-5, high: 1e-1 } },
      { path: "arch.hidden", dist: { kind: "choice", options: [[8], [32, 16], [64, 32]] } },
      { path: "arch.dropout", dist: { kind: "uniform", low: 0, high: 0.5 } },
      { path: "train.batch", dist: { kind: "choice", options: [32, 64, 128, 256] } },
    ],
    async objective(params) {
      const config = trainConfigOf(applyAssignment(base, params).params, classes);
      const result = await (options.trainer ?? trainNetwork)(config, data, { backend: options.backend });
      return result.history.epochs.at(-1)!.val[metric]!;
    },
  };
}
