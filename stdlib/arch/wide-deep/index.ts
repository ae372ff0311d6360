/** The `wide_deep` architecture (spec/language.md#architecture) and its network shape. */
import { NetworkError, type DenseLayer, type OutputHead } from "../../../core/network.js";
import type { ArchSig } from "../../signature.js";
import type { NetworkShape } from "../arch-module.js";
import { chain, checkChain, checkDense, decodeLayer, dense, emitChain, emitDense, encodeLayer, scaleLayer } from "../shared/dense-layers.js";
import { activationParam, dropoutParam, hiddenParam, l2Param } from "../shared/layer-params.js";

export const signature: ArchSig = {
  kind: "arch",
  name: "wide_deep",
  tasks: ["binary", "multiclass", "regression", "recommendation"],
  params: [hiddenParam([64, 32]), activationParam, dropoutParam, l2Param],
  doc:
    "Wide & deep: the sum of a linear model (wide) and an MLP (deep) over the same inputs, then the task's head. " +
    "The wide part memorises crosses, the deep part generalises.",
};

/** output = head(wide(x) + deep(x)); wide is one linear dense layer. */
export type WideDeepNetwork = { kind: "wide_deep"; inputWidth: number; wide: DenseLayer; deep: DenseLayer[]; head: OutputHead };

export const network: NetworkShape<WideDeepNetwork> = {
  kind: "wide_deep",
  readsIndices: false,
  check(n) {
    checkDense("wide layer", n.wide, n.inputWidth);
    if (n.deep.length === 0) throw new NetworkError("wide_deep network has no deep layers");
    const deepUnits = checkChain("deep", n.deep, n.inputWidth);
    if (deepUnits !== n.wide.units) {
      throw new NetworkError(`wide_deep: the wide part gives ${n.wide.units} outputs but the deep part ${deepUnits}`);
    }
    return deepUnits;
  },
  inputWidth: (n) => n.inputWidth,
  logits(n, inputs) {
    const wide = dense(n.wide, inputs.numeric, inputs.rows);
    const deep = chain(n.deep, inputs.numeric, inputs.rows);
    const logits = new Float32Array(wide.length);
    for (let i = 0; i < logits.length; i++) logits[i] = wide[i]! + deep[i]!;
    return logits;
  },
  emitLogits(graph, n, inputs) {
    const x = inputs.features!;
    return graph.node("Add", [emitDense(graph, n.wide, x), emitChain(graph, n.deep, x)]);
  },
  encode: (n) => ({ inputWidth: n.inputWidth, head: n.head, wide: encodeLayer(n.wide), deep: n.deep.map(encodeLayer) }),
  decode: (e) => ({
    kind: "wide_deep",
    inputWidth: e.inputWidth as number,
    head: e.head as OutputHead,
    wide: decodeLayer(e.wide as Record<string, unknown>),
    deep: (e.deep as Record<string, unknown>[]).map(decodeLayer),
  }),
  // both paths add up before the head: scale both, shift once
  unscale: (n, s) => ({ ...n, wide: scaleLayer(n.wide, s.std, s.mean), deep: [...n.deep.slice(0, -1), scaleLayer(n.deep.at(-1)!, s.std, 0)] }),
};

export const loadTrainer = () => import("./train.js");
