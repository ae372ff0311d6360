import type { ArchSig } from "../signature.js";

export interface LinearParams {
  l2: number;
}

export const signature: ArchSig = {
  kind: "arch",
  name: "linear",
  tasks: ["binary", "multiclass", "regression"],
  params: [
    { name: "l2", type: "float", default: 0, min: 0, tunable: true, doc: "L2 penalty on the weights (not the bias)." },
  ],
  doc: "One dense layer from the inputs to the outputs: logistic regression for classification, least squares for regression.",
};
