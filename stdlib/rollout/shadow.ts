/** The `shadow` rollout strategy (spec/language.md#rollout). */
import type { RolloutStrategySig } from "../signature.js";

export const signature: RolloutStrategySig = {
  kind: "rollout_strategy",
  name: "shadow",
  params: [
    { name: "model", type: "model_ref", doc: "the candidate, e.g. churn_mlp@challenger" },
    { name: "sample", type: "percent", default: 1, doc: "share of requests mirrored" },
    { name: "duration", type: "duration", doc: "how long to shadow before deciding" },
  ],
  doc: "The candidate answers a copy of the traffic; only the current model's answers are returned.",
};
