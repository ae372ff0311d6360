/**
 * A trained Network as ONNX nodes, mirroring runtime/model/forward.ts: dense
 * layers as Gemm plus activation, wide_deep as the sum of both parts, matrix
 * factorization as Gather on the embedding tables. Returns the logits; the
 * exporter adds the head under the task's output name.
 */
import type { Activation, DenseLayer, Network } from "../model/network.js";
import { factorizationInputs, type FactorizationInputs } from "../model/forward.js";
import type { OnnxGraphBuilder } from "./onnx-graph.js";
import type { EmittedPipeline } from "./onnx-pipeline.js";
import { ExportError } from "./export-error.js";

function emitActivation(graph: OnnxGraphBuilder, activation: Activation, x: string): string {
  switch (activation) {
    case "linear":
      return x;
    case "relu":
      return graph.node("Relu", [x]);
    case "tanh":
      return graph.node("Tanh", [x]);
    case "sigmoid":
      return graph.node("Sigmoid", [x]);
    case "elu":
      return graph.node("Elu", [x], { alpha: { float: 1 } });
    case "gelu": {
      // opset 17 has no Gelu: 0.5 · x · (1 + erf(x / √2))
      const erf = graph.node("Erf", [graph.node("Div", [x, graph.floats([Math.SQRT2], [])])]);
      const scaled = graph.node("Mul", [x, graph.node("Add", [erf, graph.floats([1], [])])]);
      return graph.node("Mul", [scaled, graph.floats([0.5], [])]);
    }
  }
}

function emitDense(graph: OnnxGraphBuilder, layer: DenseLayer, x: string): string {
  const weights = graph.floats(layer.weights, [layer.inputs, layer.units]);
  const bias = graph.floats(layer.bias, [layer.units]);
  return emitActivation(graph, layer.activation, graph.node("Gemm", [x, weights, bias]));
}

function emitChain(graph: OnnxGraphBuilder, layers: DenseLayer[], x: string): string {
  return layers.reduce((input, layer) => emitDense(graph, layer, input), x);
}

function requireFeatures(pipeline: EmittedPipeline): string {
  if (!pipeline.features) throw new ExportError("the network reads numeric features but the pipeline has none");
  return pipeline.features;
}

/** Emits the network body; returns the float [N, units] logits. */
export function emitNetworkLogits(
  graph: OnnxGraphBuilder,
  network: Network,
  pipeline: EmittedPipeline,
  mf?: FactorizationInputs,
): string {
  if (network.kind === "sequential") return emitChain(graph, network.layers, requireFeatures(pipeline));
  if (network.kind === "wide_deep") {
    const x = requireFeatures(pipeline);
    return graph.node("Add", [emitDense(graph, network.wide, x), emitChain(graph, network.deep, x)]);
  }
  const { user, item } = factorizationInputs(Object.keys(pipeline.indices), mf);
  const flat = graph.int64s([-1], [1]);
  const users = graph.node("Reshape", [pipeline.indices[user]!, flat]);
  const items = graph.node("Reshape", [pipeline.indices[item]!, flat]);
  const userVectors = graph.node("Gather", [graph.floats(network.user.table, [network.user.count, network.user.dim]), users]);
  const itemVectors = graph.node("Gather", [graph.floats(network.item.table, [network.item.count, network.item.dim]), items]);
  const dot = graph.node("ReduceSum", [graph.node("Mul", [userVectors, itemVectors]), graph.int64s([1], [1])], {
    keepdims: { int: 1 },
  });
  const userBias = graph.node("Gather", [graph.floats(network.userBias, [network.user.count, 1]), users]);
  const itemBias = graph.node("Gather", [graph.floats(network.itemBias, [network.item.count, 1]), items]);
  const withUser = graph.node("Add", [dot, userBias]);
  const withItem = graph.node("Add", [withUser, itemBias]);
  return graph.node("Add", [withItem, graph.floats([network.globalBias], [])]);
}
