/**
 * An XGBoost model over a spec's features as ONE ONNX model with the same
 * raw-column inputs and the same output as a trained mlspec model
 * (runtime/export/onnx.ts): raw columns → the fitted feature pipeline →
 * TreeEnsembleRegressor → link. Serving, batch scoring and the prediction log
 * cannot tell it from a trained model.
 *
 * Features: by `feature_names` when the file has them (each must be one of the
 * features block's outputs), else by position in the features' order (the
 * count must equal num_feature). Classes: XGBoost class k is the mlspec class
 * whose label is the integer k when the labels are 0..K-1, else the k-th class.
 */
import type { FittedPipeline, RawColumn } from "../features/pipeline.js";
import { OnnxGraphBuilder } from "../export/onnx-graph.js";
import { serializeModel } from "../export/onnx-model.js";
import { emitPipeline } from "../export/onnx-pipeline.js";
import { inputSchema } from "../export/onnx-inputs.js";
import { OUTPUT_NAMES } from "../export/onnx.js";
import { ImportError } from "../../stdlib/imports/import-error.js";
import type { OutputLink, XgboostModel } from "../../stdlib/imports/xgboost-model.js";
import { emitLink, emitXgboostMargins, outputLink, type EnsembleLayout, type ImportTask } from "./xgboost-onnx.js";

export interface XgboostImportOptions {
  model: XgboostModel;
  task: ImportTask;
  pipeline: FittedPipeline;
  /** The dataset's raw columns (at least those the pipeline reads). */
  columns: RawColumn[];
  /** Class labels in mlspec's output order (classification). */
  classes?: string[];
  /** metadata_props: provenance and lineage. */
  metadata: Record<string, string>;
}

export interface XgboostImport {
  bytes: Uint8Array;
  layout: EnsembleLayout;
  link: OutputLink;
  output: string;
}

/** XGBoost feature i → column of the pipeline's numeric matrix. */
export function featureLayout(model: XgboostModel, featureNames: string[]): number[] {
  if (model.featureNames) {
    const missing = model.featureNames.filter((n) => !featureNames.includes(n));
    if (missing.length > 0) {
      throw new ImportError(`the model reads feature${missing.length === 1 ? "" : "s"} ${missing.map((n) => `\`${n}\``).join(", ")}, which the spec's inputs do not give`, [
        `the inputs give: ${featureNames.join(", ") || "nothing numeric"}`,
        "name the columns (or features) as the model's feature_names, or save the model without feature_names to map by position",
      ]);
    }
    return model.featureNames.map((n) => featureNames.indexOf(n));
  }
  if (featureNames.length !== model.numFeature) {
    throw new ImportError(`the model has ${model.numFeature} features but the spec's inputs give ${featureNames.length} (${featureNames.join(", ")})`, [
      "the file has no feature_names, so features map by position in the inputs' order; the counts must match",
    ]);
  }
  return featureNames.map((_, i) => i);
}

/** XGBoost output j → mlspec output column. */
export function classLayout(model: XgboostModel, task: ImportTask, classes: string[] | undefined): number[] {
  if (task !== "multiclass") return [0];
  const k = classes?.length ?? 0;
  if (model.outputs !== k) throw new ImportError(`the model has ${model.outputs} classes (num_class) but the label has ${k} (${(classes ?? []).join(", ")})`);
  const integers = classes!.every((c) => /^\d+$/.test(c)) && new Set(classes!.map(Number)).size === k && classes!.every((c) => Number(c) < k);
  return Array.from({ length: k }, (_, j) => (integers ? classes!.indexOf(String(j)) : j));
}

export function importXgboost(options: XgboostImportOptions): XgboostImport {
  const { model, task, pipeline } = options;
  if (pipeline.indexFeatures.length > 0) {
    throw new ImportError(`an XGBoost model reads numbers; the inputs have index features (${pipeline.indexFeatures.map((f) => f.name).join(", ")})`);
  }
  const link = outputLink(model, task);
  const layout: EnsembleLayout = { featureColumn: featureLayout(model, pipeline.featureNames), outputColumn: classLayout(model, task, options.classes) };

  const used = new Set(pipeline.columns.map((c) => c.name));
  const schema = inputSchema(options.columns.filter((c) => used.has(c.name)).map((c) => ({ name: c.name, type: c.type })));
  const output = OUTPUT_NAMES[task];
  if (schema.some((s) => s.name === output)) throw new ImportError(`a column may not be called \`${output}\`: it is the model's output`);
  const graph = new OnnxGraphBuilder();
  const inputs = new Map<string, string>();
  for (const entry of schema) inputs.set(entry.name, graph.addInput({ name: entry.name, type: entry.tensor, dims: ["N", 1] }));
  const { features } = emitPipeline(graph, pipeline, inputs);
  if (!features) throw new ImportError("the spec's inputs give no numeric feature for the XGBoost model");
  emitLink(graph, link, emitXgboostMargins(graph, model, features, layout), output);
  graph.addOutput({ name: output, type: "float", dims: ["N", model.outputs] });

  const props: Record<string, string> = {
    "mlspec.input_schema": JSON.stringify(schema),
    "mlspec.feature_names": JSON.stringify(pipeline.featureNames),
    "mlspec.index_features": "[]",
    "mlspec.pipeline_version": String(pipeline.version),
    "mlspec.task": task,
    "mlspec.output": output,
    ...(options.classes ? { "mlspec.classes": JSON.stringify(options.classes) } : {}),
    ...options.metadata,
  };
  return { bytes: serializeModel(graph, { graphName: options.metadata["mlspec.model_name"] || "xgboost", metadata: props }), layout, link, output };
}
