/** A trained network's predictions on one split, from the forward pass the exported graph computes. */
import type { TaskSpec } from "../../compiler/plan/schema.js";
import { predictNetwork } from "../model/forward.js";
import type { Network } from "../../core/network.js";
import { type FeaturesView, type Part, indexInputs } from "./features-view.js";

export function predictPart(network: Network, task: TaskSpec, f: FeaturesView, part: Part): Float32Array {
  const out = f.outputs[part];
  return predictNetwork(network, { rows: out.rows, numeric: out.numeric, width: out.width, indices: out.indices }, indexInputs(task, f));
}
