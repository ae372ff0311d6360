/**
 * An imported ONNX model that reads the spec's features rather than raw
 * columns (`inputs = my_features` + `import = onnx(...)`,
 * spec/language.md#imported-models): the fitted pipeline's graph and the
 * imported graph composed into one ONNX graph over the raw columns, so serving
 * stays one onnxruntime session.
 *
 * The imported model takes the features either as one float or double [N, F]
 * tensor (F = the pipeline's width, features in declaration order) or as one
 * tensor per feature, named as the feature (each a single number). Inside,
 * each feature column gets a generated name (`mlspec_feature_<k>`), the
 * model is wrapped over those as if they were columns (onnx-import.ts), and
 * the pipeline's `features` matrix feeds them through one Gather each.
 *
 * Both graphs run under one opset per domain, the higher of the two. The
 * pipeline's ops keep their meaning from opset 13 on, so an imported model
 * of an older opset (whose Squeeze, Split or Reduce* would change meaning)
 * is refused; the import step also checks that the composed graph agrees
 * with the imported model run on the pipeline's own output.
 */
import onnxProto from "onnx-proto";
import { exportFeaturesOnnx } from "../export/onnx.js";
import type { FittedPipeline } from "../features/pipeline.js";
import type { RawColumn } from "../features/raw-columns.js";
import { ImportError } from "../../stdlib/imports/import-error.js";
import { defaultOpset, type ModelProto } from "../../stdlib/imports/onnx-signature.js";
import { wrapOnnxModel, type OnnxImport, type OnnxImportTask } from "./onnx-import.js";

const { onnx } = onnxProto;
type GraphProto = onnxProto.onnx.IGraphProto;

/** The oldest opset of an imported model that can run beside the pipeline's opset-17 ops. */
export const MIN_COMPOSED_OPSET = 13;

export interface ComposeOptions {
  /** The imported model, reading the features. */
  model: ModelProto;
  pipeline: FittedPipeline;
  /** The dataset's raw columns (those the pipeline reads become the graph's inputs). */
  columns: RawColumn[];
  task: OnnxImportTask;
  classes?: string[];
  metadata: Record<string, string>;
}

export interface ComposedImport extends OnnxImport {
  /**
   * The imported model wrapped over the feature columns alone: inputs
   * `featureInputs[i]` [N, 1] float, fed by column `featureColumns[i]` of the
   * pipeline's matrix. The import step runs it on the pipeline's output to
   * check the composed graph.
   */
  plain: Uint8Array;
  featureInputs: string[];
  featureColumns: number[];
}

const featureInput = (k: number) => `mlspec_feature_${k}`;

/** Where each numeric feature's columns start in the pipeline's matrix, and how many. */
function featureOffsets(pipeline: FittedPipeline): Map<string, { start: number; width: number }> {
  const offsets = new Map<string, { start: number; width: number }>();
  let start = 0;
  for (const f of pipeline.features) {
    if (f.output.kind !== "numeric") continue;
    offsets.set(f.name, { start, width: f.output.width });
    start += f.output.width;
  }
  return offsets;
}

/** Every tensor name a graph defines or reads. */
function tensorNames(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const n of graph.node ?? []) for (const t of [...(n.input ?? []), ...(n.output ?? [])]) if (t) names.add(t);
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.initializer ?? []), ...(graph.valueInfo ?? [])]) if (v.name) names.add(v.name);
  return names;
}

/** Renames tensors (and node names) of `graph` by `rename`, wherever they are defined or used. */
function renameTensors(graph: GraphProto, rename: (name: string) => string): void {
  for (const n of graph.node ?? []) {
    n.input = (n.input ?? []).map((t) => (t ? rename(t) : t));
    n.output = (n.output ?? []).map((t) => (t ? rename(t) : t));
    if (n.name) n.name = rename(n.name);
  }
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.initializer ?? []), ...(graph.valueInfo ?? [])]) {
    if (v.name) v.name = rename(v.name);
  }
}

/** The imported model with its feature-named inputs renamed to the generated names. */
function renamedInputs(model: ModelProto, names: Map<string, string>): ModelProto {
  const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
  renameTensors(copy.graph!, (t) => names.get(t) ?? t);
  return copy;
}

function decode(bytes: Uint8Array): InstanceType<typeof onnx.ModelProto> {
  return onnx.ModelProto.decode(bytes);
}

export function composeWithFeatures(options: ComposeOptions): ComposedImport {
  const { pipeline } = options;
  const opset = defaultOpset(options.model);
  if (opset !== undefined && opset < MIN_COMPOSED_OPSET) {
    throw new ImportError(`the model is opset ${opset}; a model that reads the features block must be opset ${MIN_COMPOSED_OPSET} or newer`, [
      "re-export it with a newer opset (e.g. `target_opset=17`), or give it the raw columns with `inputs = columns(dataset)`",
    ]);
  }
  if (pipeline.indexFeatures.length > 0) {
    throw new ImportError(`an imported ONNX model reads numeric features; ${pipeline.indexFeatures.map((f) => `\`${f.name}\``).join(", ")} ${pipeline.indexFeatures.length === 1 ? "is an index" : "are indices"} (embed_index)`, [
      "give the model numeric features (onehot, hash, standardize, …)",
    ]);
  }
  if (pipeline.width === 0) throw new ImportError("the features block gives no numeric feature for the model to read");

  // ---- which feature columns feed which model input
  const constants = new Set((options.model.graph?.initializer ?? []).map((i) => i.name ?? ""));
  const inputs = (options.model.graph?.input ?? []).filter((i) => !constants.has(i.name ?? ""));
  const offsets = featureOffsets(pipeline);
  const perFeature = inputs.length > 0 && inputs.every((i) => offsets.has(i.name ?? ""));
  let model = options.model;
  let featureColumns: number[];
  if (perFeature) {
    const names = new Map<string, string>();
    featureColumns = [];
    for (const input of inputs) {
      const at = offsets.get(input.name!)!;
      if (at.width !== 1) {
        throw new ImportError(`the model's input \`${input.name}\` is named for feature \`${input.name}\`, which is ${at.width} numbers wide; an input per feature takes one`, [
          "take every feature in one float [N, F] input, or give the model one input per single-number feature",
        ]);
      }
      names.set(input.name!, featureInput(at.start));
      featureColumns.push(at.start);
    }
    model = renamedInputs(options.model, names);
  } else if (inputs.length === 1) {
    const dims = inputs[0]!.type?.tensorType?.shape?.dim ?? [];
    const last = dims[dims.length - 1];
    const width = last && last.dimValue !== undefined && last.dimValue !== null && !last.dimParam ? Number(last.dimValue) : undefined;
    if (width !== undefined && width !== pipeline.width) {
      throw new ImportError(`the model's input \`${inputs[0]!.name}\` takes ${width} features but the features block gives ${pipeline.width}`, [
        `the [N, F] input is fed by the features in their order: ${pipeline.featureNames.join(", ")}`,
      ]);
    }
    featureColumns = Array.from({ length: pipeline.width }, (_, k) => k);
  } else {
    const unknown = inputs.map((i) => i.name ?? "").filter((n) => !offsets.has(n));
    throw new ImportError(`the model's input${unknown.length === 1 ? "" : "s"} ${unknown.map((n) => `\`${n}\``).join(", ")} ${unknown.length === 1 ? "is" : "are"} named for no feature of the features block`, [
      `name each input as its feature (${[...offsets.keys()].join(", ")}), or take one float [N, F] input`,
    ]);
  }
  const featureInputs = featureColumns.map(featureInput);
  // for the single [N, F] input, wrapOnnxModel concatenates these "columns" in order: the matrix itself
  const plain = wrapOnnxModel({
    model,
    task: options.task,
    columns: featureInputs.map((name) => ({ name, type: { kind: "float" } })),
    ...(options.classes ? { classes: options.classes } : {}),
    metadata: options.metadata,
  });

  // ---- the pipeline's graph, its tensors renamed apart from the model's
  const features = decode(exportFeaturesOnnx({ pipeline, columns: options.columns }));
  const wrapped = decode(plain.bytes);
  const fg = features.graph!;
  const wg = wrapped.graph!;
  const rawInputs = new Set((fg.input ?? []).map((i) => i.name ?? ""));
  const modelNames = tensorNames(wg);
  // a tensor of the model named as a raw column would shadow the graph input
  for (const raw of rawInputs) {
    if (!modelNames.has(raw) || featureInputs.includes(raw)) continue;
    let fresh = `mlspec_model_${raw}`;
    while (modelNames.has(fresh) || rawInputs.has(fresh)) fresh += "_";
    renameTensors(wg, (t) => (t === raw ? fresh : t));
    modelNames.add(fresh);
  }
  const taken = new Set([...modelNames, ...rawInputs]);
  const pipelineNames = new Map<string, string>();
  const pipelineName = (t: string) => {
    if (rawInputs.has(t)) return t;
    let name = pipelineNames.get(t);
    if (name === undefined) {
      name = `mlspec_pipeline_${t}`;
      while (taken.has(name)) name += "_";
      taken.add(name);
      pipelineNames.set(t, name);
    }
    return name;
  };
  renameTensors(fg, pipelineName);
  const matrix = pipelineName("features");

  // ---- one Gather a feature column: [N, width] → [N, 1]
  const gathers = featureColumns.map((k, i) => {
    const index = `${featureInputs[i]}_index`;
    return {
      index: onnx.TensorProto.create({ name: index, dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [k] }),
      node: onnx.NodeProto.create({
        name: `${featureInputs[i]}_gather`,
        opType: "Gather",
        input: [matrix, index],
        output: [featureInputs[i]!],
        attribute: [onnx.AttributeProto.create({ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: 1 })],
      }),
    };
  });

  const wrappedConstants = new Set((wg.initializer ?? []).map((i) => i.name ?? ""));
  const graph = onnx.GraphProto.create({
    name: wg.name || "mlspec_imported",
    input: [...(fg.input ?? []), ...(wg.input ?? []).filter((i) => wrappedConstants.has(i.name ?? ""))],
    output: wg.output ?? [],
    node: [...(fg.node ?? []), ...gathers.map((g) => g.node), ...(wg.node ?? [])],
    initializer: [...(fg.initializer ?? []), ...gathers.map((g) => g.index), ...(wg.initializer ?? [])],
    valueInfo: [...(wg.valueInfo ?? [])],
  });

  // ---- one opset per domain: the higher of the two graphs'
  const opsets = new Map<string, number>();
  for (const o of [...(features.opsetImport ?? []), ...(wrapped.opsetImport ?? [])]) {
    const domain = o.domain ?? "";
    opsets.set(domain, Math.max(opsets.get(domain) ?? 0, Number(o.version ?? 0)));
  }
  const metadata = new Map((wrapped.metadataProps ?? []).map((p) => [p.key ?? "", p.value ?? ""]));
  for (const p of features.metadataProps ?? []) {
    if (["mlspec.input_schema", "mlspec.feature_names", "mlspec.pipeline_version"].includes(p.key ?? "")) metadata.set(p.key!, p.value ?? "");
  }
  const composed = onnx.ModelProto.create({
    irVersion: Math.max(Number(features.irVersion ?? 0), Number(wrapped.irVersion ?? 0)),
    opsetImport: [...opsets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([domain, version]) => ({ domain, version })),
    producerName: wrapped.producerName ?? "",
    producerVersion: wrapped.producerVersion ?? "",
    graph,
    metadataProps: [...metadata].map(([key, value]) => onnx.StringStringEntryProto.create({ key, value })),
  });
  const used = new Set(pipeline.columns.map((c) => c.name));
  return {
    bytes: onnx.ModelProto.encode(composed).finish(),
    output: plain.output,
    columns: options.columns.filter((c) => used.has(c.name)),
    units: plain.units,
    plain: plain.bytes,
    featureInputs,
    featureColumns,
  };
}
