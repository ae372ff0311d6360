/** The `bandit` rollout strategy (spec/language.md#rollout). */
import type { RolloutStrategySig } from "../signature.js";

export const signature: RolloutStrategySig = {
  kind: "rollout_strategy",
  name: "bandit",
  params: [
    { name: "arms", type: { list: "model_ref" }, doc: "the competing models" },
    { name: "policy", type: { oneOf: ["thompson", "ucb", "epsilon_greedy"] }, default: "thompson", doc: "how arms are chosen" },
    { name: "reward", type: "column", doc: "the outcome that rewards an arm" },
    { name: "epsilon", type: "float", default: 0.1, min: 0, max: 1, doc: "exploration rate of epsilon_greedy" },
  ],
  doc: "Traffic follows a multi-armed bandit over the arms, rewarding the better model.",
};
