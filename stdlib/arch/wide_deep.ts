import type { ArchSig } from "../signature.js";
import { activationParam, dropoutParam, hiddenParam, l2Param, type HiddenActivation } from "./activation_param.js";

export interface WideDeepParams {
  hidden: number[];
  activation: HiddenActivation;
  dropout: number;
  l2: number;
}

export const signature: ArchSig = {
  kind: "arch",
  name: "wide_deep",
  tasks: ["binary", "multiclass", "regression", "recommendation"],
  params: [hiddenParam([64, 32]), activationParam, dropoutParam, l2Param],
  doc:
    "Wide & deep: the sum of a linear model (wide) and an MLP (deep) over the same inputs, then the task's head. " +
    "The wide part memorises crosses, the deep part generalises.",
};
