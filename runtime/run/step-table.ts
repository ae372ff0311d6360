/**
 * Every kind of run step, one line each: the kind as the plan names it and the
 * file that runs it (runtime/run/steps/). Each loads when a plan first needs it,
 * so a plan without a search never loads the search code, nor one without an
 * import onnxruntime's import path.
 */
import type { Step, StepKind } from "../../compiler/plan/schema.js";
import type { StepContext, StepOutput, StepRunner } from "./step-context.js";

type StepTable = { [K in StepKind]: () => Promise<StepRunner<K>> };

export const STEP_TABLE: StepTable = {
  validate: async () => (await import("./steps/validate-step.js")).validateStep,
  profile: async () => (await import("./steps/profile-step.js")).profileStep,
  split: async () => (await import("./steps/split-step.js")).splitStep,
  fit_features: async () => (await import("./steps/fit-features-step.js")).fitFeaturesStep,
  train: async () => (await import("./steps/train-step.js")).trainStep,
  search: async () => (await import("./steps/search-step.js")).searchStep,
  import_model: async () => (await import("./steps/import-step.js")).importStep,
  evaluate: async () => (await import("./steps/evaluate-step.js")).evaluateStep,
  gate: async () => (await import("./steps/gate-step.js")).gateStep,
  export: async () => (await import("./steps/export-step.js")).exportStep,
  register: async () => (await import("./steps/register-step.js")).registerStep,
};

/** Runs one step with the runner its kind names in the table. */
export async function runStep(step: Step, ctx: StepContext): Promise<StepOutput> {
  const runner = await (STEP_TABLE[step.kind] as () => Promise<StepRunner<StepKind>>)();
  return runner.run(step, ctx);
}
