/** The `canary` rollout strategy (spec/language.md#rollout). */
import type { RolloutStrategySig } from "../signature.js";

export const signature: RolloutStrategySig = {
  kind: "rollout_strategy",
  name: "canary",
  params: [
    { name: "steps", type: { list: "percent" }, doc: "traffic shares, strictly increasing, ending at 100%" },
    { name: "interval", type: "duration", doc: "time at each step" },
    { name: "model", type: "model_ref", optional: true, doc: "the candidate (default: the served model @challenger)" },
  ],
  doc: "The candidate takes a growing share of traffic, step by step, while the guards hold.",
};
