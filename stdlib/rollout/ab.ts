/** The `ab` rollout strategy (spec/language.md#rollout). */
import type { RolloutStrategySig } from "../signature.js";

export const signature: RolloutStrategySig = {
  kind: "rollout_strategy",
  name: "ab",
  params: [
    { name: "model", type: "model_ref", doc: "the candidate" },
    { name: "traffic", type: "percent", default: 0.5, doc: "share sent to the candidate" },
    { name: "sticky_by", type: "column", optional: true, doc: "a request field that keeps one user on one arm" },
    { name: "metric", type: "column", doc: "the outcome compared between arms" },
    { name: "min_samples", type: "int", default: 1000, min: 1, doc: "samples per arm before a decision" },
    { name: "alpha", type: "float", default: 0.05, min: 0, max: 1, doc: "significance level" },
  ],
  doc: "A fixed split between the current model and the candidate, decided by a test on a metric.",
};
