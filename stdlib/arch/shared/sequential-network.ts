/** The `sequential` network shape: a chain of dense layers (linear: one; mlp: hidden layers, then a linear output). */
import { NetworkError, type DenseLayer, type OutputHead } from "../../../core/network.js";
import type { NetworkShape } from "../arch-module.js";
import { chain, checkChain, decodeLayer, emitChain, encodeLayer, scaleLayer } from "./dense-layers.js";

export type SequentialNetwork = { kind: "sequential"; inputWidth: number; layers: DenseLayer[]; head: OutputHead };

export const sequentialNetwork: NetworkShape<SequentialNetwork> = {
  kind: "sequential",
  readsIndices: false,
  check(n) {
    if (n.layers.length === 0) throw new NetworkError("sequential network has no layers");
    return checkChain("dense", n.layers, n.inputWidth);
  },
  inputWidth: (n) => n.inputWidth,
  logits: (n, inputs) => chain(n.layers, inputs.numeric, inputs.rows),
  emitLogits: (graph, n, inputs) => emitChain(graph, n.layers, inputs.features!),
  encode: (n) => ({ inputWidth: n.inputWidth, head: n.head, layers: n.layers.map(encodeLayer) }),
  decode: (e) => ({
    kind: "sequential",
    inputWidth: e.inputWidth as number,
    head: e.head as OutputHead,
    layers: (e.layers as Record<string, unknown>[]).map(decodeLayer),
  }),
  unscale: (n, s) => ({ ...n, layers: [...n.layers.slice(0, -1), scaleLayer(n.layers.at(-1)!, s.std, s.mean)] }),
};
