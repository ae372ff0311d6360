import type { ParamSig } from "../../signature.js";

/** Hidden-layer activations an architecture accepts (the output layer is always linear + the task's head). */
export const HIDDEN_ACTIVATIONS = ["relu", "tanh", "sigmoid", "elu", "gelu"] as const;
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];

export const activationParam: ParamSig = {
  name: "activation",
  type: { oneOf: [...HIDDEN_ACTIVATIONS] },
  default: "relu",
  tunable: true,
  doc: "Activation of the hidden layers; gelu is the exact (erf) form.",
};

export const dropoutParam: ParamSig = {
  name: "dropout",
  type: "float",
  default: 0,
  min: 0,
  max: 0.9,
  tunable: true,
  doc: "Share of hidden units dropped at random during training (inverted dropout; none at prediction).",
};

export const l2Param: ParamSig = {
  name: "l2",
  type: "float",
  default: 0,
  min: 0,
  tunable: true,
  doc: "L2 penalty on the weight matrices (not the biases), added to the loss.",
};

export function hiddenParam(defaultUnits: number[]): ParamSig {
  return {
    name: "hidden",
    type: { list: "int" },
    default: defaultUnits,
    min: 1,
    tunable: true,
    doc: "Units of each hidden layer, input side first; [] means no hidden layer.",
  };
}
