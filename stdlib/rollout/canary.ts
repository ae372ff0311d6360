/**
 * The `canary` rollout strategy (spec/rollouts.md#canary): the candidate's
 * share steps through `steps`, one step per `interval`. Decision at the end of
 * each interval in which no guard failed: every guard passed and the candidate
 * answered `min_samples` requests → next step (after the last, success);
 * otherwise hold the step (inconclusive).
 */
import type { RolloutStrategySig } from "../signature.js";
import { list, num } from "./shared/params.js";
import type { RolloutStrategy } from "./shared/rollout-types.js";

export const signature: RolloutStrategySig = {
  kind: "rollout_strategy",
  name: "canary",
  params: [
    { name: "steps", type: { list: "percent" }, doc: "traffic shares, strictly increasing, ending at 100%" },
    { name: "interval", type: "duration", doc: "time at each step" },
    { name: "model", type: "model_ref", optional: true, doc: "the candidate (default: the served model @challenger)" },
    { name: "min_samples", type: "int", default: 100, min: 1, doc: "requests (and, for quality guards, outcomes) the candidate needs in a step before it advances" },
  ],
  doc: "The candidate takes a growing share of traffic, step by step, while the guards hold.",
};

function share(params: Record<string, unknown>, step: number): number {
  const steps = list<number>(params, "steps");
  return steps[Math.min(step, steps.length - 1)] ?? 1;
}

export const strategy: RolloutStrategy = {
  name: "canary",
  judgedArm: "candidate",
  intervalMs: (params) => num(params, "interval"),
  minSamples: (params) => num(params, "min_samples", 100),
  start(params, { step }) {
    const w = share(params, step);
    const weights: Record<string, number> = { candidate: Math.min(1, w), current: Math.max(0, 1 - w) };
    return { weights };
  },
  decide({ params, doc, measurements }) {
    const need = num(params, "min_samples", 100);
    const seen = measurements.candidate?.requests ?? 0;
    const pct = `${Math.round(share(params, doc.step) * 1000) / 10}%`;
    if (seen < need) return { kind: "hold", inconclusive: true, reason: `step ${doc.step + 1} (${pct}): the candidate answered ${seen} of the ${need} requests needed` };
    const steps = list<number>(params, "steps");
    if (doc.step + 1 >= steps.length) return { kind: "succeed", winner: doc.candidate!, reason: `every step passed; the last (${pct}) on ${seen} requests` };
    const next = doc.step + 1;
    return { kind: "advance", step: next, weights: this.start(params, { step: next, weights: {} }).weights, reason: `step ${doc.step + 1} (${pct}) held on ${seen} requests; on to ${Math.round(share(params, next) * 1000) / 10}%` };
  },
};
