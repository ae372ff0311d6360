/**
 * Model files for checker tests, built in memory: an ONNX ModelProto with a
 * given signature (the checker reads only the signature) and an XGBoost JSON
 * model of one leaf with given feature names, feature count and objective.
 */
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;
const DT = onnx.TensorProto.DataType;
const TYPES: Record<string, number> = { float: DT.FLOAT, double: DT.DOUBLE, int64: DT.INT64, int32: DT.INT32, string: DT.STRING, bool: DT.BOOL };

/** A ModelProto written as protobuf JSON (camelCase fields), encoded. */
export function onnxFromJson(json: unknown): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(json as Record<string, unknown>)).finish();
}

type Value = { type: string; dims?: Array<number | string> } | "map";

/** An ONNX model whose inputs and outputs are as given ([N, 1] unless dims say otherwise). */
export function onnxFile(inputs: Record<string, Value>, outputs: Record<string, Value>): Uint8Array {
  const info = (name: string, v: Value) =>
    v === "map"
      ? { name, type: { sequenceType: { elemType: { mapType: { keyType: DT.INT64, valueType: { tensorType: { elemType: DT.FLOAT } } } } } } }
      : { name, type: { tensorType: { elemType: TYPES[v.type], shape: { dim: (v.dims ?? ["N", 1]).map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) } } } };
  const ins = Object.keys(inputs);
  return onnxFromJson({
    irVersion: 8,
    opsetImport: [{ version: 17 }],
    graph: {
      node: Object.keys(outputs).map((o, i) => ({ opType: "Identity", input: [ins[i % ins.length]], output: [o] })),
      input: Object.entries(inputs).map(([n, v]) => info(n, v)),
      output: Object.entries(outputs).map(([n, v]) => info(n, v)),
    },
  });
}

/** An XGBoost JSON model of one leaf. */
export function xgboostFile(opts: { featureNames?: string[]; numFeature?: number; objective?: string }): string {
  const numFeature = opts.numFeature ?? opts.featureNames?.length ?? 1;
  return JSON.stringify({
    learner: {
      ...(opts.featureNames ? { feature_names: opts.featureNames } : {}),
      gradient_booster: { name: "gbtree", model: { trees: [{ left_children: [-1], right_children: [-1], split_indices: [0], split_conditions: [0.5], default_left: [0] }], tree_info: [0] } },
      learner_model_param: { base_score: "5E-1", num_class: "0", num_feature: String(numFeature) },
      objective: { name: opts.objective ?? "binary:logistic" },
    },
    version: [2, 0, 3],
  });
}
