/** The `linear` architecture (spec/language.md#architecture). */
import type { ArchSig } from "../../signature.js";
import { sequentialNetwork } from "../shared/sequential-network.js";

export const signature: ArchSig = {
  kind: "arch",
  name: "linear",
  tasks: ["binary", "multiclass", "regression"],
  params: [
    { name: "l2", type: "float", default: 0, min: 0, tunable: true, doc: "L2 penalty on the weights (not the bias)." },
  ],
  doc: "One dense layer from the inputs to the outputs: logistic regression for classification, least squares for regression.",
};

export const network = sequentialNetwork;

export const loadTrainer = () => import("./train.js");
