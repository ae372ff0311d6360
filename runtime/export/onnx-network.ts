/**
 * A trained Network as ONNX nodes: the network's shape (stdlib/arch) emits its
 * own nodes, mirroring its JS forward pass; here the shape is handed the
 * pipeline tensors it reads. Returns the logits; the exporter adds the head
 * under the task's output name.
 */
import type { Network } from "../../core/network.js";
import { factorizationInputs, shapeOf, type FactorizationInputs, type NetworkShapes } from "../model/forward.js";
import type { OnnxGraphBuilder } from "./onnx-graph.js";
import type { EmittedPipeline } from "./onnx-pipeline.js";
import { ExportError } from "./export-error.js";

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
  shapes?: NetworkShapes,
): string {
  const shape = shapeOf(network, shapes);
  if (!shape.readsIndices) return shape.emitLogits(graph, network, { features: requireFeatures(pipeline) });
  const { user, item } = factorizationInputs(Object.keys(pipeline.indices), mf, network.kind);
  return shape.emitLogits(graph, network, { user: pipeline.indices[user]!, item: pipeline.indices[item]! });
}
