/** The `rmsprop` optimizer (spec/language.md#training). */
import type { OptimizerSig } from "../../signature.js";

export const signature: OptimizerSig = {
  kind: "optimizer",
  name: "rmsprop",
  params: [
    { name: "lr", type: "float", default: 0.001, min: 0, tunable: true, doc: "Learning rate (step size)." },
    { name: "rho", type: "float", default: 0.9, min: 0, max: 1, tunable: true, doc: "Decay of the running mean of squared gradients." },
    { name: "momentum", type: "float", default: 0, min: 0, max: 1, tunable: true, doc: "Momentum applied to the scaled step." },
    { name: "epsilon", type: "float", default: 1e-7, min: 0, doc: "Added inside the square root for numerical stability." },
  ],
  // tfjs's centered variant takes sqrt(ms - (mg² + eps)), which is NaN for weights with near-constant gradients, so it is not offered
  doc: "RMSprop (Hinton): gradient scaled by a running root mean square of recent gradients.",
};

export const loadTrainer = () => import("./train.js");
