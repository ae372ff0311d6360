/**
 * The `shadow` rollout strategy (spec/rollouts.md#shadow): the candidate
 * answers a copy of `sample` of the requests after the current model's answer
 * is sent; the guards judge the `shadow` arm against `current` over the whole
 * `duration`. Decision: every guard holds and the shadow saw `min_samples`
 * requests → success; too few → hold another `duration` (inconclusive).
 */
import type { RolloutStrategySig } from "../signature.js";
import { num } from "./shared/params.js";
import type { RolloutStrategy } from "./shared/rollout-types.js";

export const signature: RolloutStrategySig = {
  kind: "rollout_strategy",
  name: "shadow",
  params: [
    { name: "model", type: "model_ref", doc: "the candidate, e.g. churn_mlp@challenger" },
    { name: "sample", type: "percent", default: 1, doc: "share of requests mirrored" },
    { name: "duration", type: "duration", doc: "how long to shadow before deciding" },
    { name: "min_samples", type: "int", default: 100, min: 1, doc: "mirrored requests (and, for quality guards, outcomes) needed to decide" },
  ],
  doc: "The candidate answers a copy of the traffic; only the current model's answers are returned.",
};

export const strategy: RolloutStrategy = {
  name: "shadow",
  judgedArm: "shadow",
  intervalMs: (params) => num(params, "duration"),
  minSamples: (params) => num(params, "min_samples", 100),
  start: (params) => ({ weights: { current: 1 }, shadow: { slot: "shadow", sample: num(params, "sample", 1) } }),
  decide({ params, measurements, doc }) {
    const need = num(params, "min_samples", 100);
    const seen = measurements.shadow?.requests ?? 0;
    if (seen < need) return { kind: "hold", inconclusive: true, reason: `the shadow answered ${seen} of the ${need} requests needed` };
    return { kind: "succeed", winner: doc.candidate!, reason: `the shadow answered ${seen} requests over the duration and every guard held` };
  },
};
