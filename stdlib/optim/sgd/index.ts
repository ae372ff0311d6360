/** The `sgd` optimizer (spec/language.md#training). */
import type { OptimizerSig } from "../../signature.js";

export const signature: OptimizerSig = {
  kind: "optimizer",
  name: "sgd",
  params: [
    { name: "lr", type: "float", default: 0.01, min: 0, tunable: true, doc: "Learning rate (step size)." },
    { name: "momentum", type: "float", default: 0, min: 0, max: 1, tunable: true, doc: "Momentum; 0 is plain gradient descent." },
    { name: "nesterov", type: "bool", default: false, doc: "Use Nesterov momentum (needs momentum > 0)." },
  ],
  doc: "Stochastic gradient descent, optionally with (Nesterov) momentum.",
};

export const loadTrainer = () => import("./train.js");
