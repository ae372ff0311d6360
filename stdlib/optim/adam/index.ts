/** The `adam` optimizer (spec/language.md#training). */
import type { OptimizerSig } from "../../signature.js";

export const signature: OptimizerSig = {
  kind: "optimizer",
  name: "adam",
  params: [
    { name: "lr", type: "float", default: 0.001, min: 0, tunable: true, doc: "Learning rate (step size)." },
    { name: "beta1", type: "float", default: 0.9, min: 0, max: 0.9999, tunable: true, doc: "Decay of the running mean of gradients." },
    { name: "beta2", type: "float", default: 0.999, min: 0, max: 0.99999, tunable: true, doc: "Decay of the running mean of squared gradients." },
    { name: "epsilon", type: "float", default: 1e-7, min: 0, doc: "Added to the denominator for numerical stability." },
  ],
  doc: "Adam (Kingma & Ba, 2015): per-weight step sizes from running moments of the gradient, with bias correction.",
};

export const loadTrainer = () => import("./train.js");
