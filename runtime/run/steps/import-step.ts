/**
 * The import_model step: a model trained elsewhere (spec/language.md#imported-models)
 * becomes an ONNX graph over the spec's raw columns, and its predictions on
 * validation and test come from onnxruntime running that graph, so the
 * evaluate and gate steps judge what serving will compute. The run records the
 * lineage that `mlspec models show` prints.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { StepOf } from "../../../compiler/plan/schema.js";
import { applyPipeline, type FittedPipeline, type RawColumn } from "../../features/pipeline.js";
import { ImportError } from "../../../stdlib/imports/import-error.js";
import { RunError, EXIT } from "../errors.js";
import type { FeaturesView } from "../features-view.js";
import type { ImportedModel, ModelState, StepContext, StepRunner } from "../step-context.js";

type EvalPart = "validation" | "test";
type Part = EvalPart | "train";

export const importStep: StepRunner<"import_model"> = {
  async run(step, ctx) {
    return { model: await importModel(step, ctx) };
  },
};

/** Agreement required between onnxruntime and XGBoost's tree walk, relative to the output's size (at least 1). */
const TOLERANCE = 1e-5;

/**
 * The pipeline as a tree model reads it: a feature written without transforms
 * (every numeric column of `columns(...)`) passes its column through with
 * missing values left missing, for the model's own default directions; the
 * fitted pipeline imputes them with the training mean, as a network needs.
 */
export function treeInputPipeline(pipeline: FittedPipeline, definitions: FeaturesView["definitions"]): FittedPipeline {
  const bare = new Set(definitions.filter((d) => d.stages.length === 0).map((d) => d.name));
  return { ...pipeline, features: pipeline.features.map((f) => (bare.has(f.name) ? { ...f, stages: [] } : f)) };
}

function failure(model: string, error: unknown): never {
  if (error instanceof ImportError) throw new RunError(`model \`${model}\`: ${error.message}`, EXIT.trainingFailed, error.details);
  throw error;
}

/** An onnxruntime session on the graph; one it cannot load is the model's failure. */
async function openSession(bytes: Uint8Array) {
  const ort = await import("onnxruntime-node");
  try {
    return await ort.InferenceSession.create(bytes);
  } catch (error) {
    throw new ImportError(`onnxruntime cannot load the model: ${String((error as Error).message).split("\n")[0]}`);
  }
}

/** The ONNX metadata of an imported graph: the spec, the model's name and its lineage as `mlspec.<key>`. */
function importMetadata(ctx: StepContext, model: string, lineage: Record<string, string>): Record<string, string> {
  return {
    "mlspec.spec_hash": ctx.plan.specHash,
    "mlspec.model_name": model,
    ...Object.fromEntries(Object.entries(lineage).map(([k, v]) => [`mlspec.${k}`, v])),
  };
}

/** onnxruntime on the graph's raw-column inputs for one split. */
async function runGraph(bytes: Uint8Array, columns: RawColumn[], f: FeaturesView, part: Part, output: string): Promise<Float32Array> {
  const ort = await import("onnxruntime-node");
  const { encodeOnnxInputs } = await import("../../export/onnx-inputs.js");
  const session = await openSession(bytes);
  try {
    const rows = f.outputs[part].rows;
    if (rows === 0) return new Float32Array(0);
    const used = columns.filter((c) => session.inputNames.includes(c.name));
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    const raw = f.raw[part] as Record<string, ArrayLike<number | string | boolean | null>>;
    for (const [name, t] of Object.entries(encodeOnnxInputs(used, raw))) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    let out: Awaited<ReturnType<typeof session.run>>;
    try {
      out = await session.run(feeds);
    } catch (error) {
      throw new ImportError(`onnxruntime cannot run the model on the ${part} rows: ${String((error as Error).message).split("\n")[0]}`);
    }
    return Float32Array.from(out[output]!.data as Float32Array);
  } finally {
    await session.release();
  }
}

export async function importModel(step: StepOf<"import_model">, ctx: StepContext): Promise<ModelState & { imported: ImportedModel }> {
  const p = step.params;
  const file = path.resolve(ctx.projectDir, p.path);
  if (!fs.existsSync(file)) {
    throw new RunError(`model \`${p.model}\`: model file not found: ${p.path}`, EXIT.usage, [`the path is resolved against the spec's folder ${ctx.projectDir}`]);
  }
  const bytes = fs.readFileSync(file);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const started = Date.now();
  const f = ctx.features(p.features);
  const labels = ctx.labels(p.task, f);
  if (p.task.kind === "recommendation") throw new RunError(`model \`${p.model}\`: a recommendation model cannot be imported`, EXIT.trainingFailed);
  let imported: ImportedModel;
  try {
    imported = p.format === "xgboost" ? await importXgboostStep(bytes, p, f, labels.classes, sha256, ctx) : await importOnnxStep(bytes, p, f, labels.classes, sha256, ctx);
  } catch (error) {
    failure(p.model, error);
  }
  const params = { import: imported.lineage, features: p.features, pipeline: f.pipelineSha, metrics: p.metrics };
  const runId = ctx.ws.registry.createRun({ kind: "train", modelName: p.model, specHash: ctx.plan.specHash, dataHash: ctx.dataHash(f.dataset), seed: 0, backend: "import", params });
  return {
    model: p.model,
    runId,
    task: p.task,
    metrics: {},
    gate: { passed: false, reasons: [] },
    cached: false,
    trainMs: Date.now() - started,
    features: p.features,
    ...(labels.classes ? { classes: labels.classes } : {}),
    params,
    imported,
  };
}

async function importXgboostStep(
  bytes: Buffer,
  p: StepOf<"import_model">["params"],
  f: FeaturesView,
  classes: string[] | undefined,
  sha256: string,
  ctx: StepContext,
): Promise<ImportedModel> {
  const { readXgboostModel } = await import("../../../stdlib/imports/xgboost-model.js");
  const { importXgboost } = await import("../../import/xgboost-import.js");
  const { xgboostPredict } = await import("../../import/xgboost-predict.js");
  const model = readXgboostModel(bytes.toString("utf8"));
  const task = p.task.kind as "binary" | "multiclass" | "regression";
  const lineage = { imported_from: p.path, sha256, format: "xgboost", xgboost_version: model.version, objective: model.objective };
  const pipeline = treeInputPipeline(f.pipeline, f.definitions);
  const graph = importXgboost({
      model,
      task,
      pipeline,
      columns: f.columns,
      ...(classes ? { classes } : {}),
      metadata: importMetadata(ctx, p.model, lineage),
    });
  const predictions = {} as Record<Part, Float32Array>;
  let maxDiff = 0;
  for (const part of ["validation", "test"] as const) {
    predictions[part] = await runGraph(graph.bytes, f.columns, f, part, graph.output);
    // XGBoost's own arithmetic on the same rows: the conversion must agree with it
    const out = applyPipeline(pipeline, f.raw[part]);
    const x = new Float32Array(out.rows * model.numFeature);
    for (let r = 0; r < out.rows; r++) {
      for (let i = 0; i < model.numFeature; i++) x[r * model.numFeature + i] = out.numeric[r * out.width + graph.layout.featureColumn[i]!]!;
    }
    const want = xgboostPredict(model, x, out.rows, graph.link);
    const got = predictions[part];
    if (got.length !== want.length) throw new ImportError(`the converted graph gives ${got.length} values on ${out.rows} rows, expected ${want.length}`);
    for (let r = 0; r < out.rows; r++) {
      for (let j = 0; j < model.outputs; j++) {
        const w = want[r * model.outputs + j]!;
        const g = got[r * model.outputs + graph.layout.outputColumn[j]!]!;
        maxDiff = Math.max(maxDiff, Math.abs(g - w) / Math.max(1, Math.abs(w)));
      }
    }
  }
  if (!(maxDiff <= TOLERANCE)) {
    throw new RunError(`model \`${p.model}\`: the converted graph disagrees with the XGBoost model (max relative difference ${maxDiff})`, EXIT.trainingFailed, [
      "this is a bug in mlspec's XGBoost import; please report it with the model file",
    ]);
  }
  // the training rows' answers feed the monitoring reference (checked parts above)
  predictions.train = await runGraph(graph.bytes, f.columns, f, "train", graph.output);
  const names = model.featureNames ? "by name" : "by position";
  ctx.reporter.step(`import_model:${p.model}`, `xgboost ${model.version} ${model.objective}: ${model.trees.length} trees, ${model.numFeature} features ${names} (sha256 ${sha256.slice(0, 12)})`);
  return {
    format: "xgboost",
    lineage,
    predictions,
    artifact: graph.bytes,
    checked: `onnxruntime matches XGBoost's tree walk on validation and test, max relative diff ${maxDiff.toExponential(1)}`,
  };
}

/** Whether the model reads the features block's outputs (a block with transforms), not raw columns. */
function readsFeatures(p: StepOf<"import_model">["params"], f: FeaturesView): boolean {
  return p.features !== `${p.model}.columns` && f.definitions.some((d) => d.stages.length > 0);
}

/** The raw columns an imported ONNX model reads: those the inputs name, in their order. */
function onnxInputColumns(f: FeaturesView): RawColumn[] {
  const byName = new Map(f.columns.map((c) => [c.name, c]));
  const names = [...new Set(f.definitions.flatMap((d) => d.inputs))];
  return names.map((n) => byName.get(n)!).filter((c) => c !== undefined);
}

/** onnxruntime on a graph whose inputs are columns of the pipeline's output matrix. */
async function runOnFeatures(bytes: Uint8Array, out: FeaturesView["outputs"]["test"], inputs: string[], columns: number[], output: string): Promise<Float32Array> {
  const ort = await import("onnxruntime-node");
  if (out.rows === 0) return new Float32Array(0);
  const session = await openSession(bytes);
  try {
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    inputs.forEach((name, i) => {
      const data = new Float32Array(out.rows);
      for (let r = 0; r < out.rows; r++) data[r] = out.numeric[r * out.width + columns[i]!]!;
      feeds[name] = new ort.Tensor("float32", data, [out.rows, 1]);
    });
    const result = await session.run(feeds);
    return Float32Array.from(result[output]!.data as Float32Array);
  } finally {
    await session.release();
  }
}

async function importOnnxStep(
  bytes: Buffer,
  p: StepOf<"import_model">["params"],
  f: FeaturesView,
  classes: string[] | undefined,
  sha256: string,
  ctx: StepContext,
): Promise<ImportedModel> {
  const { readOnnxModel, onnxSignature, wrapOnnxModel } = await import("../../import/onnx-import.js");
  const model = readOnnxModel(bytes);
  const signature = onnxSignature(model);
  const producer = [model.producerName, model.producerVersion].filter((x) => x).join(" ") || "unknown";
  const lineage = { imported_from: p.path, sha256, format: "onnx", producer, opset: String(signature.opset) };
  const task = p.task.kind as "binary" | "multiclass" | "regression";
  const metadata = importMetadata(ctx, p.model, lineage);
  const composed = readsFeatures(p, f)
    ? (await import("../../import/onnx-compose.js")).composeWithFeatures({ model, pipeline: f.pipeline, columns: f.columns, task, ...(classes ? { classes } : {}), metadata })
    : undefined;
  const graph = composed ?? wrapOnnxModel({ model, task, columns: onnxInputColumns(f), ...(classes ? { classes } : {}), metadata });
  const predictions = {} as Record<Part, Float32Array>;
  let maxDiff = 0;
  for (const part of ["validation", "test"] as const) {
    predictions[part] = await runGraph(graph.bytes, f.columns, f, part, graph.output);
    const rows = f.outputs[part].rows;
    if (predictions[part].length !== rows * graph.units) {
      throw new ImportError(`the model gives ${predictions[part].length} values for ${rows} rows, expected ${rows * graph.units} (${graph.units} a row)`);
    }
    if (!composed) continue;
    // the one composed graph must answer as the model does on the pipeline's own output
    const want = await runOnFeatures(composed.plain, f.outputs[part], composed.featureInputs, composed.featureColumns, graph.output);
    const got = predictions[part];
    for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
  }
  if (composed && !(maxDiff <= TOLERANCE)) {
    throw new ImportError(`the graph composed of the features and the model disagrees with the model run on the features (max relative difference ${maxDiff})`, [
      "the model may depend on an opset-specific operator; re-export it with opset 17",
    ]);
  }
  predictions.train = await runGraph(graph.bytes, f.columns, f, "train", graph.output);
  const over = composed ? ` over features \`${p.features}\`` : "";
  ctx.reporter.step(`import_model:${p.model}`, `onnx from ${producer}, opset ${signature.opset}: inputs ${signature.inputs.map((i) => i.name).join(", ")}${over} → ${graph.output} (sha256 ${sha256.slice(0, 12)})`);
  return {
    format: "onnx",
    lineage,
    predictions,
    artifact: graph.bytes,
    checked: composed
      ? `onnxruntime ran the features + model graph on validation and test; it matches the model on the pipeline's output, max relative diff ${maxDiff.toExponential(1)}`
      : "onnxruntime ran the wrapped graph on validation and test",
  };
}
