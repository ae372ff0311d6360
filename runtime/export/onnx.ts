/**
 * exportOnnx: a fitted feature pipeline plus a trained network as ONE ONNX
 * model, so serving runs a single graph per request batch on raw columns.
 *
 * Inputs: one [N, 1] tensor per raw column the network's features read (every
 * numeric feature for dense networks, the two id features for a factorization):
 * int, float and bool as tensor(float) (bool 0/1, null NaN), string and enum as
 * tensor(string) (null ""). Output by task: binary `probability` [N, 1], multiclass
 * `probabilities` [N, K], regression `prediction` [N, 1], recommendation
 * `score` [N, 1]. Metadata describes inputs, features, task and provenance.
 */
import type { TaskKind } from "../../stdlib/signature.js";
import type { FittedFeature, FittedPipeline, RawColumn } from "../features/pipeline.js";
import type { Network, OutputHead } from "../../core/network.js";
import { factorizationInputs, NetworkError, shapeOf, type FactorizationInputs, type NetworkShapes } from "../model/forward.js";
import { PipelineError } from "../features/raw-columns.js";
import { OnnxGraphBuilder } from "./onnx-graph.js";
import { serializeModel } from "./onnx-model.js";
import { emitPipeline } from "./onnx-pipeline.js";
import { emitNetworkLogits } from "./onnx-network.js";
import { inputSchema, type InputSchemaEntry } from "./onnx-inputs.js";
import { ExportError } from "./export-error.js";

export { ExportError } from "./export-error.js";

export const OUTPUT_NAMES: Record<TaskKind, string> = {
  binary: "probability",
  multiclass: "probabilities",
  regression: "prediction",
  recommendation: "score",
};

/**
 * Provenance written into the file. The version number is not: it is assigned
 * when the registry registers the artifact, and two runs exporting at once
 * would otherwise embed a number the registry then gives to the other
 * (issue 9, item 10). `name@version` lives in the registry only, so the bytes
 * of a model depend on its training alone.
 */
export interface ExportMetadata {
  specHash: string;
  modelName: string;
  /** More metadata_props, e.g. the run id; keys should start with `mlspec.`. */
  extra?: Record<string, string>;
}

export interface ExportOnnxOptions {
  pipeline: FittedPipeline;
  network: Network;
  task: TaskKind;
  /** Class labels: multiclass in output order; binary as [negative, positive]. */
  classes?: string[];
  /** Types of the dataset's raw columns (at least those the pipeline reads). */
  columns: RawColumn[];
  metadata: ExportMetadata;
  /** Networks that read index features only: which hold user and item ids (default: the first two). */
  factorization?: FactorizationInputs;
  /** The network shapes to export; default: those of the built-in architectures. */
  shapes?: NetworkShapes;
}

function checkHead(task: TaskKind, head: OutputHead, units: number, classes?: string[]): void {
  if (task === "multiclass") {
    if (head !== "softmax") throw new ExportError(`a multiclass model needs a softmax head, got ${head}`);
    if (units < 2) throw new ExportError(`a multiclass model needs at least 2 output units, got ${units}`);
    if (classes && classes.length !== units) {
      throw new ExportError(`${classes.length} class labels for ${units} output units`);
    }
    return;
  }
  if (units !== 1) throw new ExportError(`a ${task} model needs 1 output unit, got ${units}`);
  if (head === "softmax") throw new ExportError(`a ${task} model cannot have a softmax head`);
  if (task === "binary" && head !== "sigmoid") throw new ExportError(`a binary model needs a sigmoid head, got ${head}`);
  if (task === "binary" && classes && classes.length !== 2) {
    throw new ExportError(`a binary model takes 2 class labels [negative, positive], got ${classes.length}`);
  }
}

function checkInputs(pipeline: FittedPipeline, network: Network, shapes?: NetworkShapes, mf?: FactorizationInputs): void {
  const shape = shapeOf(network, shapes);
  if (!shape.readsIndices) {
    const width = shape.inputWidth!(network);
    if (width !== pipeline.width) {
      throw new ExportError(`the network reads ${width} features but the pipeline gives ${pipeline.width}`);
    }
    return;
  }
  const { user, item } = factorizationInputs(pipeline.indexFeatures.map((f) => f.name), mf, network.kind);
  const cardinality = new Map(pipeline.indexFeatures.map((f) => [f.name, f.cardinality]));
  const rows = shape.indexRows!(network);
  for (const [name, count] of [[user, rows.user], [item, rows.item]] as const) {
    if (cardinality.get(name) !== count) {
      throw new ExportError(`index feature \`${name}\` has ${cardinality.get(name)} ids but its embedding table ${count} rows`);
    }
  }
}

/** The graph's inputs: the columns `pipeline` reads, in the order of `columns`, with their declared types. */
function graphColumns(pipeline: FittedPipeline, columns: RawColumn[]): RawColumn[] {
  const declared = new Map(columns.map((c) => [c.name, c]));
  for (const used of pipeline.columns) {
    const column = declared.get(used.name);
    if (!column) throw new ExportError(`the pipeline reads column \`${used.name}\`, which \`columns\` does not describe`);
    if (JSON.stringify(column.type) !== JSON.stringify(used.type)) {
      throw new ExportError(`column \`${used.name}\` was fitted as ${JSON.stringify(used.type)} but is declared ${JSON.stringify(column.type)}`);
    }
  }
  const used = new Set(pipeline.columns.map((c) => c.name));
  return columns.filter((c) => used.has(c.name)).map((c) => ({ name: c.name, type: c.type }));
}

/**
 * The part of the pipeline the network reads: every numeric feature for dense
 * networks, the user and item index features for a factorization. The graph
 * then asks serving only for the columns those features need.
 */
function networkView(pipeline: FittedPipeline, network: Network, shapes?: NetworkShapes, mf?: FactorizationInputs): FittedPipeline {
  const readsIndices = shapeOf(network, shapes).readsIndices;
  let keep: (f: FittedFeature) => boolean = (f) => f.output.kind === "numeric";
  if (readsIndices) {
    const { user, item } = factorizationInputs(pipeline.indexFeatures.map((f) => f.name), mf, network.kind);
    keep = (f) => f.name === user || f.name === item;
  }
  const features = pipeline.features.filter(keep);
  const read = new Set(features.flatMap((f) => f.inputs));
  return {
    ...pipeline,
    features,
    columns: pipeline.columns.filter((c) => read.has(c.name)),
    featureNames: readsIndices ? [] : pipeline.featureNames,
    width: readsIndices ? 0 : pipeline.width,
    indexFeatures: pipeline.indexFeatures.filter((f) => features.some((g) => g.name === f.name)),
  };
}

function schemaOf(columns: RawColumn[]): InputSchemaEntry[] {
  try {
    return inputSchema(columns);
  } catch (error) {
    if (error instanceof PipelineError) throw new ExportError(error.message);
    throw error;
  }
}

export function exportOnnx(options: ExportOnnxOptions): Uint8Array {
  const { pipeline, network, task, classes, metadata } = options;
  let units: number;
  try {
    units = shapeOf(network, options.shapes).check(network);
    checkHead(task, network.head, units, classes);
    checkInputs(pipeline, network, options.shapes, options.factorization);
  } catch (error) {
    if (error instanceof NetworkError) throw new ExportError(error.message);
    throw error;
  }
  graphColumns(pipeline, options.columns);
  const view = networkView(pipeline, network, options.shapes, options.factorization);
  const schema = schemaOf(graphColumns(view, options.columns));

  const graph = new OnnxGraphBuilder();
  const inputs = new Map<string, string>();
  for (const entry of schema) inputs.set(entry.name, graph.addInput({ name: entry.name, type: entry.tensor, dims: ["N", 1] }));
  const output = OUTPUT_NAMES[task];
  if (inputs.has(output)) throw new ExportError(`a column may not be called \`${output}\`: it is the model's output`);

  const emitted = emitPipeline(graph, view, inputs);
  const logits = emitNetworkLogits(graph, network, emitted, options.factorization, options.shapes);
  const headOp = network.head === "sigmoid" ? "Sigmoid" : network.head === "softmax" ? "Softmax" : "Identity";
  graph.nodeTo(output, headOp, [logits], headOp === "Softmax" ? { axis: { int: 1 } } : {});
  graph.addOutput({ name: output, type: "float", dims: ["N", units] });

  const props: Record<string, string> = {
    "mlspec.input_schema": JSON.stringify(schema),
    "mlspec.feature_names": JSON.stringify(view.featureNames),
    "mlspec.index_features": JSON.stringify(view.indexFeatures),
    "mlspec.pipeline_version": String(pipeline.version),
    "mlspec.spec_hash": metadata.specHash,
    "mlspec.model_name": metadata.modelName,
    "mlspec.task": task,
    "mlspec.output": output,
    ...(classes ? { "mlspec.classes": JSON.stringify(classes) } : {}),
    ...metadata.extra,
  };
  return serializeModel(graph, { graphName: metadata.modelName || "mlspec", metadata: props });
}

export interface ExportFeaturesOptions {
  pipeline: FittedPipeline;
  columns: RawColumn[];
  metadata?: Record<string, string>;
}

/** Name of the int64 [N, 1] output holding an index feature in exportFeaturesOnnx. */
export function indexOutputName(feature: string): string {
  return `index:${feature}`;
}

/**
 * The feature pipeline alone as an ONNX model: output `features` [N, width]
 * (when any feature is numeric) and `index:<feature>` [N, 1] int64 per index
 * feature. For feature logging and drift monitoring at serving time, and for
 * checking transforms against onnxruntime.
 */
export function exportFeaturesOnnx(options: ExportFeaturesOptions): Uint8Array {
  const { pipeline } = options;
  const schema = schemaOf(graphColumns(pipeline, options.columns));
  const graph = new OnnxGraphBuilder();
  const inputs = new Map<string, string>();
  for (const entry of schema) inputs.set(entry.name, graph.addInput({ name: entry.name, type: entry.tensor, dims: ["N", 1] }));
  const emitted = emitPipeline(graph, pipeline, inputs);
  if (emitted.features) {
    graph.nodeTo("features", "Identity", [emitted.features]);
    graph.addOutput({ name: "features", type: "float", dims: ["N", pipeline.width] });
  }
  for (const [feature, tensor] of Object.entries(emitted.indices)) {
    const name = graph.nodeTo(indexOutputName(feature), "Identity", [tensor]);
    graph.addOutput({ name, type: "int64", dims: ["N", 1] });
  }
  if (graph.outputs.length === 0) throw new ExportError("the pipeline has no features");
  return serializeModel(graph, {
    graphName: "mlspec_features",
    metadata: {
      "mlspec.input_schema": JSON.stringify(schema),
      "mlspec.feature_names": JSON.stringify(pipeline.featureNames),
      "mlspec.index_features": JSON.stringify(pipeline.indexFeatures),
      "mlspec.pipeline_version": String(pipeline.version),
      ...options.metadata,
    },
  });
}
