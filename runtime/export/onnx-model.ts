/**
 * Turns an OnnxGraphBuilder into ModelProto bytes (onnx-proto). Opset 17 for
 * the default domain, ai.onnx.ml 3 and com.microsoft 1 when nodes use them.
 */
import onnxProto from "onnx-proto";
import type { OnnxAttribute, OnnxElementType } from "../../stdlib/transforms/transform-module.js";
import type { GraphInitializer, GraphValueInfo, OnnxGraphBuilder } from "./onnx-graph.js";

const { onnx } = onnxProto;
type AttributeProto = InstanceType<typeof onnx.AttributeProto>;

export const OPSET_VERSIONS = { "": 17, "ai.onnx.ml": 3, "com.microsoft": 1 } as const;
/** IR version 8 pairs with opset 17. */
const IR_VERSION = 8;

const utf8 = new TextEncoder();

const ELEMENT_TYPES: Record<OnnxElementType, number> = {
  float: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  string: onnx.TensorProto.DataType.STRING,
  bool: onnx.TensorProto.DataType.BOOL,
  uint32: onnx.TensorProto.DataType.UINT32,
};

function attributeProto(name: string, attr: OnnxAttribute): AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ("int" in attr) return onnx.AttributeProto.create({ name, type: T.INT, i: attr.int });
  if ("float" in attr) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: attr.float });
  if ("string" in attr) return onnx.AttributeProto.create({ name, type: T.STRING, s: utf8.encode(attr.string) });
  if ("ints" in attr) return onnx.AttributeProto.create({ name, type: T.INTS, ints: attr.ints });
  if ("floats" in attr) return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: attr.floats });
  return onnx.AttributeProto.create({ name, type: T.STRINGS, strings: attr.strings.map((s) => utf8.encode(s)) });
}

/** Little-endian bytes of a typed array (raw_data is little-endian by definition). */
function littleEndianBytes(values: Float32Array | BigInt64Array): Uint8Array {
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  if (values instanceof Float32Array) values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else values.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return out;
}

function tensorProto(init: GraphInitializer) {
  const { data } = init;
  const base = { name: init.name, dims: init.dims, dataType: ELEMENT_TYPES[data.type] };
  if (data.type === "string") {
    return onnx.TensorProto.create({ ...base, stringData: data.values.map((s) => utf8.encode(s)) });
  }
  return onnx.TensorProto.create({ ...base, rawData: littleEndianBytes(data.values) });
}

function valueInfo(info: GraphValueInfo) {
  return onnx.ValueInfoProto.create({
    name: info.name,
    type: {
      tensorType: {
        elemType: ELEMENT_TYPES[info.type],
        shape: { dim: info.dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

export interface SerializeOptions {
  graphName: string;
  metadata: Record<string, string>;
  docString?: string;
}

export function serializeModel(graph: OnnxGraphBuilder, options: SerializeOptions): Uint8Array {
  const domains = graph.domainsUsed();
  domains.add("");
  const opsetImport = [...domains]
    .sort()
    .map((domain) => ({ domain, version: OPSET_VERSIONS[domain] }));
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: "mlspec",
    producerVersion: "1",
    docString: options.docString ?? "",
    opsetImport,
    graph: onnx.GraphProto.create({
      name: options.graphName,
      node: graph.nodes.map((n) =>
        onnx.NodeProto.create({
          name: n.name,
          opType: n.opType,
          domain: n.domain,
          input: n.inputs,
          output: n.outputs,
          attribute: Object.entries(n.attributes).map(([name, attr]) => attributeProto(name, attr)),
        }),
      ),
      initializer: graph.initializers.map(tensorProto),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    }),
    metadataProps: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}
