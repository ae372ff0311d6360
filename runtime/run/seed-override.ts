/**
 * `mlspec run --seed N`: every seed of the plan set to N (each dataset's split, each model's
 * training, each search's sampler), so one number reruns the whole spec under other random
 * draws. The run records N as its seed, and the overridden training settings in its params.
 */
import type { Plan } from "../../compiler/plan/schema.js";

export function withSeed(plan: Plan, seed: number): Plan {
  const steps = plan.steps.map((step) => {
    switch (step.kind) {
      case "split":
        return { ...step, params: { ...step.params, split: { ...step.params.split, seed } } };
      case "train":
        return { ...step, params: { ...step.params, train: { ...step.params.train, seed } } };
      case "search":
        return { ...step, params: { ...step.params, sampler: { ...step.params.sampler, seed } } };
      default:
        return step;
    }
  });
  return { ...plan, steps };
}
