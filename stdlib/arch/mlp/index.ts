/** The `mlp` architecture (spec/language.md#architecture). */
import type { ArchSig } from "../../signature.js";
import { activationParam, dropoutParam, hiddenParam, l2Param } from "../shared/layer-params.js";
import { sequentialNetwork } from "../shared/sequential-network.js";

export const signature: ArchSig = {
  kind: "arch",
  name: "mlp",
  tasks: ["binary", "multiclass", "regression", "recommendation"],
  params: [hiddenParam([64, 32]), activationParam, dropoutParam, l2Param],
  doc: "A multilayer perceptron: dense hidden layers with an activation and dropout, then a linear output layer.",
};

export const network = sequentialNetwork;

export const loadTrainer = () => import("./train.js");
