/**
 * The reference forward pass of a trained Network in plain JS: what the ONNX
 * graph computes, used by tests to check the export and as a fallback scorer
 * where onnxruntime is unavailable. Each shape's own pass sits with the
 * architectures that train it (stdlib/arch); here are the parts every shape
 * shares: finding the shape, choosing the index inputs, the head.
 */
import { NetworkError, type Network, type OutputHead } from "../../core/network.js";
import { networkShapes } from "../../stdlib/arch/index.js";
import type { NetworkShape } from "../../stdlib/arch/arch-module.js";

export { NetworkError } from "../../core/network.js";

/** What a network reads: the pipeline's numeric matrix and index features. */
export interface NetworkFeatures {
  rows: number;
  /** rows × width, row-major. */
  numeric: Float32Array;
  width: number;
  /** Index features by name, in declaration order (PipelineOutput.indices). */
  indices: Record<string, Int32Array>;
}

/** Which index features hold user and item ids, for shapes that read indices; default: the first two. */
export interface FactorizationInputs {
  user: string;
  item: string;
}

/** The shapes a network may have, by kind; tests pass their own to add a fixture architecture. */
export type NetworkShapes = ReadonlyMap<string, NetworkShape>;

export function shapeOf(network: Network, shapes: NetworkShapes = networkShapes): NetworkShape {
  const shape = shapes.get(network.kind);
  if (shape === undefined) throw new NetworkError(`unknown network kind ${String(network.kind)}`);
  return shape;
}

export function factorizationInputs(indexNames: string[], chosen?: FactorizationInputs, kind = "matrix_factorization"): FactorizationInputs {
  if (chosen) {
    for (const name of [chosen.user, chosen.item]) {
      if (!indexNames.includes(name)) throw new NetworkError(`${kind}: no index feature \`${name}\` (have: ${indexNames.join(", ") || "none"})`);
    }
    return chosen;
  }
  if (indexNames.length < 2) {
    throw new NetworkError(`${kind} needs two embed_index features (user, item); the pipeline has ${indexNames.length}`);
  }
  return { user: indexNames[0]!, item: indexNames[1]! };
}

/** Number of output columns the network produces. */
export function outputUnits(network: Network, shapes?: NetworkShapes): number {
  return shapeOf(network, shapes).check(network);
}

/** Checks every shape; returns the number of output units. */
export function checkNetwork(network: Network, shapes?: NetworkShapes): number {
  return shapeOf(network, shapes).check(network);
}

function applyHead(head: OutputHead, logits: Float32Array, units: number): Float32Array {
  if (head === "identity") return logits;
  const out = new Float32Array(logits.length);
  if (head === "sigmoid") {
    for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-logits[i]!));
    return out;
  }
  for (let r = 0; r < logits.length / units; r++) {
    const row = logits.subarray(r * units, (r + 1) * units);
    const max = Math.max(...row);
    let total = 0;
    for (let u = 0; u < units; u++) total += Math.exp(row[u]! - max);
    for (let u = 0; u < units; u++) out[r * units + u] = Math.exp(row[u]! - max) / total;
  }
  return out;
}

/**
 * Scores rows: rows × units, row-major (units = 1 except for softmax heads).
 * `mf` picks the index features of a shape that reads user and item ids.
 */
export function predictNetwork(network: Network, features: NetworkFeatures, mf?: FactorizationInputs, shapes?: NetworkShapes): Float32Array {
  const shape = shapeOf(network, shapes);
  const units = shape.check(network);
  const { rows } = features;
  if (shape.readsIndices) {
    const { user, item } = factorizationInputs(Object.keys(features.indices), mf, network.kind);
    const inputs = { rows, numeric: new Float32Array(0), width: 0, user: features.indices[user]!, item: features.indices[item]! };
    return applyHead(network.head, shape.logits(network, inputs), units);
  }
  const width = shape.inputWidth!(network);
  if (features.width !== width) {
    throw new NetworkError(`the network reads ${width} features but the pipeline gives ${features.width}`);
  }
  const numeric = features.numeric.subarray(0, rows * features.width);
  return applyHead(network.head, shape.logits(network, { rows, numeric, width }), units);
}
