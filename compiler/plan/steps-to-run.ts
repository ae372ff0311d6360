/**
 * Which of a plan's steps run on their own (spec/plan.md#train): a train step
 * that a search step depends on is that search's trial template, trained once
 * per trial by the search and never by itself.
 */
import type { Plan, Step, StepOf } from "./schema.js";

/** The train step whose settings each trial of `search` varies: its only dependency. */
export function trialTemplateOf(plan: Plan, search: StepOf<"search">): StepOf<"train"> {
  const id = search.dependsOn[0];
  const template = plan.steps.find((s): s is StepOf<"train"> => s.kind === "train" && s.id === id);
  if (!template) throw new Error(`plan: search step ${search.id} depends on ${id ?? "nothing"}, not on a train step`);
  return template;
}

/** The plan's steps in order, less the trial templates their searches own. */
export function stepsToRun(plan: Plan): Step[] {
  const owned = new Set(plan.steps.flatMap((s) => (s.kind === "search" ? [trialTemplateOf(plan, s).id] : [])));
  return plan.steps.filter((s) => !owned.has(s.id));
}
