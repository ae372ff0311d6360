/**
 * A trained network's predictions on one split: the network part of the exported
 * graph run by onnxruntime (runtime/export/onnx-network-scorer.ts), so what is
 * evaluated is what serving computes. `referencePart` is the plain JS forward
 * pass, for checking the export on a sample of rows.
 */
import type { TaskSpec } from "../../compiler/plan/schema.js";
import { predictNetwork, type NetworkFeatures } from "../model/forward.js";
import type { Network } from "../../core/network.js";
import { type FeaturesView, type Part, indexInputs } from "./features-view.js";

export async function predictPart(network: Network, task: TaskSpec, f: FeaturesView, part: Part): Promise<Float32Array> {
  const { scoreNetwork } = await import("../export/onnx-network-scorer.js");
  return scoreNetwork(network, networkFeatures(f, part), indexInputs(task, f));
}

/** The JS reference forward pass over the first `rows` rows of a split (default: all). */
export function referencePart(network: Network, task: TaskSpec, f: FeaturesView, part: Part, rows = f.outputs[part].rows): Float32Array {
  const all = networkFeatures(f, part);
  const n = Math.min(rows, all.rows);
  const indices = Object.fromEntries(Object.entries(all.indices).map(([name, ids]) => [name, ids.subarray(0, n)]));
  return predictNetwork(network, { rows: n, numeric: all.numeric.subarray(0, n * all.width), width: all.width, indices }, indexInputs(task, f));
}

function networkFeatures(f: FeaturesView, part: Part): NetworkFeatures {
  const out = f.outputs[part];
  return { rows: out.rows, numeric: out.numeric, width: out.width, indices: out.indices };
}
