/**
 * A trained network scored by onnxruntime on the pipeline's outputs: the network
 * part of the exported graph alone (inputs `features` float [N, width], or `user`
 * and `item` int64 [N, 1]; output the head's values), run over the rows in
 * chunks. Evaluation computes with the same graph and runtime that serve the
 * model, at native speed; the JS forward pass (runtime/model/forward.ts) stays
 * the reference the export is checked against.
 */
import type { Network } from "../../core/network.js";
import { factorizationInputs, NetworkError, shapeOf, type FactorizationInputs, type NetworkFeatures, type NetworkShapes } from "../model/forward.js";
import { OnnxGraphBuilder } from "./onnx-graph.js";
import { serializeModel } from "./onnx-model.js";
import { ExportError } from "./export-error.js";

/** Rows per session run: bounds onnxruntime's intermediate tensors (a 64-unit layer: 64 MB). */
const CHUNK_ROWS = 262_144;

const OUTPUT = "output";

/** The network with its head as an ONNX model over the pipeline's outputs. */
export function exportNetworkOnnx(network: Network, shapes?: NetworkShapes): Uint8Array {
  const shape = shapeOf(network, shapes);
  const units = shape.check(network);
  const graph = new OnnxGraphBuilder();
  let logits: string;
  if (shape.readsIndices) {
    const user = graph.addInput({ name: "user", type: "int64", dims: ["N", 1] });
    const item = graph.addInput({ name: "item", type: "int64", dims: ["N", 1] });
    logits = shape.emitLogits(graph, network, { user, item });
  } else {
    const features = graph.addInput({ name: "features", type: "float", dims: ["N", shape.inputWidth!(network)] });
    logits = shape.emitLogits(graph, network, { features });
  }
  const headOp = network.head === "sigmoid" ? "Sigmoid" : network.head === "softmax" ? "Softmax" : "Identity";
  graph.nodeTo(OUTPUT, headOp, [logits], headOp === "Softmax" ? { axis: { int: 1 } } : {});
  graph.addOutput({ name: OUTPUT, type: "float", dims: ["N", units] });
  return serializeModel(graph, { graphName: "mlspec_network", metadata: {} });
}

/**
 * Scores rows like predictNetwork (rows × units, row-major), with onnxruntime.
 * `mf` picks the index features of a shape that reads user and item ids.
 */
export async function scoreNetwork(network: Network, features: NetworkFeatures, mf?: FactorizationInputs, shapes?: NetworkShapes): Promise<Float32Array> {
  const shape = shapeOf(network, shapes);
  const units = shape.check(network);
  const { rows } = features;
  let ids: { user: Int32Array; item: Int32Array } | undefined;
  let width = 0;
  if (shape.readsIndices) {
    const { user, item } = factorizationInputs(Object.keys(features.indices), mf, network.kind);
    ids = { user: features.indices[user]!, item: features.indices[item]! };
  } else {
    width = shape.inputWidth!(network);
    if (features.width !== width) throw new NetworkError(`the network reads ${width} features but the pipeline gives ${features.width}`);
  }
  const out = new Float32Array(rows * units);
  if (rows === 0) return out;
  const ort = await import("onnxruntime-node");
  // one thread: the same sums in the same order on every machine, and the trainer's cores are not contended
  const session = await ort.InferenceSession.create(exportNetworkOnnx(network, shapes), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential" });
  try {
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const size = Math.min(CHUNK_ROWS, rows - start);
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
      if (ids !== undefined) {
        feeds["user"] = new ort.Tensor("int64", toInt64(ids.user, start, size), [size, 1]);
        feeds["item"] = new ort.Tensor("int64", toInt64(ids.item, start, size), [size, 1]);
      } else {
        feeds["features"] = new ort.Tensor("float32", features.numeric.subarray(start * width, (start + size) * width), [size, width]);
      }
      const result = await session.run(feeds);
      const values = result[OUTPUT]!.data as Float32Array;
      if (values.length !== size * units) throw new ExportError(`onnxruntime returned ${values.length} values for ${size} rows × ${units} units`);
      out.set(values, start * units);
    }
  } finally {
    await session.release();
  }
  return out;
}

function toInt64(ids: Int32Array, start: number, size: number): BigInt64Array {
  const out = new BigInt64Array(size);
  for (let i = 0; i < size; i++) out[i] = BigInt(ids[start + i]!);
  return out;
}
