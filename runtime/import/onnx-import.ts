/**
 * An ONNX model trained elsewhere, wrapped into the shape of an mlspec graph
 * (runtime/export/onnx.ts): graph inputs become one [N, 1] tensor per raw
 * column, and the model's score becomes mlspec's output tensor.
 *
 * Inputs, two forms: one input per column, named as the column ([N, 1] or
 * [N]; float, double, int64 or int32 for a numeric column through a Cast,
 * string for a string or enum column); or one float/double [N, F] input fed
 * by the F numeric columns in the inputs' order. Output: a float tensor of
 * probabilities [N, K] (binary: [N, 2] or [N, 1]), or a regression score [N, 1]
 * or [N]; a ZipMap at the end (skl2onnx's default) is dropped and its input
 * used, its class labels fixing the column order. A label output is ignored.
 */
import onnxProto from "onnx-proto";
import { rawTensorKind, type RawColumn } from "../features/raw-columns.js";
import { inputSchema } from "../export/onnx-inputs.js";
import { OUTPUT_NAMES } from "../export/onnx.js";
import { ImportError } from "../../stdlib/imports/import-error.js";
import { defaultOpset, elementTypeName, valueSignature, type ModelProto } from "../../stdlib/imports/onnx-signature.js";

export { onnxSignature, readOnnxModel, type OnnxSignature, type OnnxValueSignature } from "../../stdlib/imports/onnx-signature.js";

const { onnx } = onnxProto;
type ValueInfo = onnxProto.onnx.IValueInfoProto;
type NodeProto = onnxProto.onnx.INodeProto;
const DT = onnx.TensorProto.DataType;

export type OnnxImportTask = "binary" | "multiclass" | "regression";

const NUMERIC_INPUTS = new Set<number>([DT.FLOAT, DT.DOUBLE, DT.INT64, DT.INT32]);

export interface OnnxImportOptions {
  model: ModelProto;
  task: OnnxImportTask;
  /** The raw columns the spec's inputs name, in the inputs' order. */
  columns: RawColumn[];
  classes?: string[];
  metadata: Record<string, string>;
}

export interface OnnxImport {
  bytes: Uint8Array;
  output: string;
  /** The raw columns the wrapped graph takes. */
  columns: RawColumn[];
  /** Output units: 1, or the number of classes. */
  units: number;
}

function elemType(v: ValueInfo): number {
  return v.type?.tensorType?.elemType ?? 0;
}

function rank(v: ValueInfo): number | undefined {
  const shape = v.type?.tensorType?.shape;
  return shape ? (shape.dim ?? []).length : undefined;
}

function lastDim(v: ValueInfo): number | undefined {
  const dims = v.type?.tensorType?.shape?.dim ?? [];
  const d = dims[dims.length - 1];
  return d && d.dimValue !== undefined && d.dimValue !== null && !d.dimParam ? Number(d.dimValue) : undefined;
}

/** Model class label → mlspec class: the same text, or 1/0 for true/false. */
function sameLabel(model: string, mlspec: string): boolean {
  return model === mlspec || (mlspec === "true" && model === "1") || (mlspec === "false" && model === "0");
}

export function wrapOnnxModel(options: OnnxImportOptions): OnnxImport {
  const model = onnx.ModelProto.decode(onnx.ModelProto.encode(options.model).finish());
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const constants = new Set((graph.initializer ?? []).map((i) => i.name ?? ""));
  const modelInputs = (graph.input ?? []).filter((i) => !constants.has(i.name ?? ""));
  const taken = new Set<string>([...nodes.flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])]), ...constants]);
  // nodes before the model's (input conversions) and after it (the output)
  const before: NodeProto[] = [];
  const after: NodeProto[] = [];
  let added = before;
  const addedConstants: Array<InstanceType<typeof onnx.TensorProto>> = [];
  let counter = 0;
  const fresh = (hint: string) => {
    let name: string;
    do name = `mlspec_${hint}_${counter++}`;
    while (taken.has(name));
    taken.add(name);
    return name;
  };
  const int64s = (values: number[]) => {
    const name = fresh("const");
    addedConstants.push(onnx.TensorProto.create({ name, dims: [values.length], dataType: DT.INT64, int64Data: values }));
    return name;
  };
  const node = (opType: string, inputs: string[], output: string, attribute: Array<InstanceType<typeof onnx.AttributeProto>> = []) =>
    added.push(onnx.NodeProto.create({ name: fresh(opType.toLowerCase()), opType, input: inputs, output: [output], attribute }));
  const castTo = (to: number) => [onnx.AttributeProto.create({ name: "to", type: onnx.AttributeProto.AttributeType.INT, i: to })];
  /** Renames every use of a tensor (its producer becomes the wrapper). */
  const renameUses = (from: string, to: string) => {
    for (const n of nodes) n.input = (n.input ?? []).map((i) => (i === from ? to : i));
    for (const o of graph.output ?? []) if (o.name === from) o.name = to;
  };

  /** Renames a tensor everywhere it is defined or used. */
  const renameTensor = (from: string, to: string) => {
    for (const n of nodes) {
      n.input = (n.input ?? []).map((i) => (i === from ? to : i));
      n.output = (n.output ?? []).map((o) => (o === from ? to : o));
    }
    for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.initializer ?? [])]) if (v.name === from) v.name = to;
  };

  // ---- inputs
  const byName = new Map(options.columns.map((c) => [c.name, c]));
  const newInputs: RawColumn[] = [];
  const perColumn = modelInputs.length > 0 && modelInputs.every((i) => byName.has(i.name ?? ""));
  // mlspec's names for the graph's inputs and output go to the wrapper; a tensor of the model so named is renamed
  const output = OUTPUT_NAMES[options.task];
  const modelInputNames = new Set(modelInputs.map((i) => i.name ?? ""));
  for (const name of [output, ...(perColumn || modelInputs.length !== 1 ? [] : options.columns.map((c) => c.name))]) {
    if (taken.has(name) && !(perColumn && modelInputNames.has(name))) renameTensor(name, fresh("renamed"));
  }
  if (perColumn) {
    for (const input of modelInputs) {
      const column = byName.get(input.name!)!;
      const kind = rawTensorKind(column);
      const type = elemType(input);
      if (kind === "string" ? type !== DT.STRING : !NUMERIC_INPUTS.has(type)) {
        throw new ImportError(`the model's input \`${input.name}\` is ${elementTypeName(type)}, but column \`${column.name}\` is ${kind === "string" ? "a string" : "numeric"}`, [
          kind === "string" ? "a string or enum column feeds a string input" : "a numeric column feeds a float, double, int64 or int32 input",
        ]);
      }
      newInputs.push(column);
      if ((type === DT.FLOAT || type === DT.STRING) && rank(input) !== 1) continue;
      // the wrapper takes [N, 1] float or string and converts it to what the model declares
      const inner = fresh(input.name!);
      renameUses(input.name!, inner);
      let from = input.name!;
      if (rank(input) === 1) {
        const flat = type === DT.FLOAT || type === DT.STRING ? inner : fresh("flat");
        node("Reshape", [from, int64s([-1])], flat);
        from = flat;
      }
      if (type !== DT.FLOAT && type !== DT.STRING) node("Cast", [from], inner, castTo(type));
    }
  } else {
    if (modelInputs.length !== 1) {
      const unknown = modelInputs.map((i) => i.name).filter((n) => !byName.has(n ?? ""));
      throw new ImportError(`the model's input${unknown.length === 1 ? "" : "s"} ${unknown.map((n) => `\`${n}\``).join(", ")} ${unknown.length === 1 ? "is" : "are"} named for no column of the inputs`, [
        `name each input as its column (${options.columns.map((c) => c.name).join(", ")}), or take one float [N, F] input`,
      ]);
    }
    const input = modelInputs[0]!;
    const type = elemType(input);
    if (type !== DT.FLOAT && type !== DT.DOUBLE) throw new ImportError(`the model's one input \`${input.name}\` is ${elementTypeName(type)}; a single input must be float or double [N, F]`);
    const strings = options.columns.filter((c) => rawTensorKind(c) === "string");
    if (strings.length > 0) throw new ImportError(`a single [N, F] input takes numbers, but the inputs include string columns: ${strings.map((c) => c.name).join(", ")}`);
    const width = lastDim(input);
    if (width !== undefined && width !== options.columns.length) {
      throw new ImportError(`the model's input \`${input.name}\` has ${width} features but the spec's inputs give ${options.columns.length} (${options.columns.map((c) => c.name).join(", ")})`);
    }
    newInputs.push(...options.columns);
    const joined = type === DT.FLOAT ? input.name! : fresh("joined");
    node("Concat", options.columns.map((c) => c.name), joined, [onnx.AttributeProto.create({ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: 1 })]);
    if (type === DT.DOUBLE) node("Cast", [joined], input.name!, castTo(DT.DOUBLE));
  }

  // ---- output
  added = after;
  let labels: string[] | undefined;
  const producers = new Map(nodes.flatMap((n) => (n.output ?? []).map((o) => [o, n] as const)));
  const candidates: Array<{ tensor: string; info?: ValueInfo; zipmap?: NodeProto }> = [];
  for (const o of graph.output ?? []) {
    const producer = producers.get(o.name ?? "");
    if (producer?.opType === "ZipMap") {
      candidates.push({ tensor: producer.input![0]!, zipmap: producer });
      const attr = (producer.attribute ?? []).find((a) => a.name === "classlabels_int64s" || a.name === "classlabels_strings");
      if (attr) labels = attr.name === "classlabels_strings" ? (attr.strings ?? []).map((s) => new TextDecoder().decode(s)) : (attr.ints ?? []).map((i) => String(Number(i)));
    } else if ([DT.FLOAT, DT.DOUBLE].includes(elemType(o))) candidates.push({ tensor: o.name!, info: o });
  }
  const classifier = options.task !== "regression";
  const chosen = candidates.length === 1 ? candidates[0] : candidates.find((c) => (classifier ? /prob/i : /variable|predict|score|output/i).test(c.tensor));
  if (!chosen) {
    const shown = (graph.output ?? []).map((o) => `${o.name} (${valueSignature(o).type})`).join(", ");
    throw new ImportError(`the model has no output that fits a ${options.task} task: ${shown}`, [
      classifier ? "a classifier needs a float tensor of class probabilities (e.g. `probabilities`), or a ZipMap over one" : "a regression model needs a float or double score tensor [N, 1] or [N]",
    ]);
  }
  if (chosen.zipmap) graph.node = nodes.filter((n) => n !== chosen.zipmap);
  const width = chosen.info ? lastDim(chosen.info) : undefined;
  const scoreRank = chosen.info ? rank(chosen.info) : 2;
  let source = chosen.tensor;
  if (chosen.info && elemType(chosen.info) === DT.DOUBLE) {
    const cast = fresh("float");
    node("Cast", [source], cast, castTo(DT.FLOAT));
    source = cast;
  }
  let units = 1;
  if (options.task === "regression") {
    if (width !== undefined && width !== 1 && scoreRank !== 1) throw new ImportError(`the model's output \`${chosen.tensor}\` has ${width} values a row; a regression score has 1`);
    node("Reshape", [source, int64s([-1, 1])], output);
  } else {
    const classes = options.classes ?? [];
    units = options.task === "binary" ? 1 : classes.length;
    if (options.task === "binary" && (width === 1 || scoreRank === 1)) {
      node("Reshape", [source, int64s([-1, 1])], output); // already P(positive)
    } else {
      const k = labels?.length ?? width;
      if (k !== undefined && k !== classes.length) {
        throw new ImportError(`the model's \`${chosen.tensor}\` has ${k} classes but the label has ${classes.length} (${classes.join(", ")})`);
      }
      const order = classes.map((c, i) => {
        if (!labels) return i;
        const at = labels.findIndex((l) => sameLabel(l, c));
        if (at < 0) throw new ImportError(`the model's classes ${labels.join(", ")} do not include the label \`${c}\``);
        return at;
      });
      const picked = options.task === "binary" ? [order[1]!] : order;
      node("Gather", [source, int64s(picked)], output, [onnx.AttributeProto.create({ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: 1 })]);
    }
  }

  // ---- the graph's signature is mlspec's
  const schema = inputSchema(newInputs.map((c) => ({ name: c.name, type: c.type })));
  const tensorInfo = (name: string, type: number, width: number) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: type, shape: { dim: [{ dimParam: "N" }, { dimValue: width }] } } } });
  graph.input = [...schema.map((s) => tensorInfo(s.name, s.tensor === "string" ? DT.STRING : DT.FLOAT, 1)), ...(graph.input ?? []).filter((i) => constants.has(i.name ?? ""))];
  graph.output = [tensorInfo(output, DT.FLOAT, units)];
  graph.node = [...before, ...(graph.node ?? []), ...after];
  graph.initializer = [...(graph.initializer ?? []), ...addedConstants];
  if (defaultOpset(model) === undefined) model.opsetImport = [...(model.opsetImport ?? []), onnx.OperatorSetIdProto.create({ domain: "", version: 17 })];
  const props: Record<string, string> = {
    ...Object.fromEntries((model.metadataProps ?? []).filter((p) => !(p.key ?? "").startsWith("mlspec.")).map((p) => [p.key ?? "", p.value ?? ""])),
    "mlspec.input_schema": JSON.stringify(schema),
    "mlspec.task": options.task,
    "mlspec.output": output,
    ...(options.classes ? { "mlspec.classes": JSON.stringify(options.classes) } : {}),
    ...options.metadata,
  };
  model.metadataProps = Object.entries(props).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value }));
  return { bytes: onnx.ModelProto.encode(model).finish(), output, columns: newInputs, units };
}
