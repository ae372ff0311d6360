/**
 * An ONNX file's signature (inputs, outputs, element types, shapes, opset),
 * read with onnx-proto's protobuf decoder and nothing else: the checker reads it
 * at check time (compiler/check/rules/model-files.ts) and the runtime's import
 * (runtime/import/onnx-import.ts) at run time, so both judge the same file the
 * same way without loading onnxruntime.
 */
import { createRequire } from "node:module";
import type onnxProtoModule from "onnx-proto";
import { ImportError } from "./import-error.js";

type OnnxProto = typeof onnxProtoModule;
export type ModelProto = InstanceType<OnnxProto["onnx"]["ModelProto"]>;
type ValueInfo = onnxProtoModule.onnx.IValueInfoProto;

let loaded: OnnxProto | undefined;
/** Loaded on first use: checking a spec without an ONNX import never pays for the protobuf library. */
export function onnxProto(): OnnxProto {
  return (loaded ??= createRequire(import.meta.url)("onnx-proto") as OnnxProto);
}

/** Ops the import's wrapper adds exist in this form from opset 7 on. */
const MIN_OPSET = 7;

export interface OnnxValueSignature {
  name: string;
  /** "float", "string", …; "sequence" or "map" for a non-tensor (ZipMap's output). */
  type: string;
  /** Dims, a string for a symbolic one, null for an unknown one; undefined when the shape is not declared. */
  dims?: Array<number | string | null>;
}

export interface OnnxSignature {
  inputs: OnnxValueSignature[];
  outputs: OnnxValueSignature[];
  opset: number;
}

/** Names of the element types, for messages. */
export function elementTypeName(type: number): string {
  const DT = onnxProto().onnx.TensorProto.DataType;
  const names: Record<number, string> = { [DT.FLOAT]: "float", [DT.DOUBLE]: "double", [DT.INT64]: "int64", [DT.INT32]: "int32", [DT.STRING]: "string", [DT.BOOL]: "bool" };
  return names[type] ?? `type ${type}`;
}

/** Decodes ModelProto bytes; truncated or non-protobuf bytes, or an opset too old, are an ImportError. */
export function readOnnxModel(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = onnxProto().onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ImportError(`not an ONNX model (truncated, or not protobuf): ${(error as Error).message}`);
  }
  const graph = model.graph;
  if (!graph || (graph.node ?? []).length === 0 || (graph.output ?? []).length === 0 || !Number(model.irVersion)) {
    throw new ImportError("not an ONNX model: no graph with nodes and outputs (truncated, or not protobuf)");
  }
  const opset = defaultOpset(model);
  if (opset !== undefined && opset < MIN_OPSET) throw new ImportError(`the model's opset ${opset} is not supported; mlspec imports opset ${MIN_OPSET} or newer`);
  return model;
}

export function defaultOpset(model: ModelProto): number | undefined {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === "ai.onnx");
  return entry ? Number(entry.version) : undefined;
}

export function valueSignature(v: ValueInfo): OnnxValueSignature {
  const t = v.type;
  if (t?.tensorType) {
    const dims = t.tensorType.shape ? (t.tensorType.shape.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : null)) : undefined;
    return { name: v.name ?? "", type: elementTypeName(t.tensorType.elemType ?? 0), ...(dims ? { dims } : {}) };
  }
  return { name: v.name ?? "", type: t?.sequenceType ? "sequence" : t?.mapType ? "map" : "unknown" };
}

/** The inputs (less initializers listed as inputs by older exporters), outputs and opset. */
export function onnxSignature(model: ModelProto): OnnxSignature {
  const graph = model.graph!;
  const constants = new Set((graph.initializer ?? []).map((i) => i.name ?? ""));
  return {
    inputs: (graph.input ?? []).filter((i) => !constants.has(i.name ?? "")).map(valueSignature),
    outputs: (graph.output ?? []).map(valueSignature),
    opset: defaultOpset(model) ?? 0,
  };
}
