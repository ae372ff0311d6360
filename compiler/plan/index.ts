/** The planner's entry: a program that checked clean → its plan. Loads zod, so the check path does not import it. */
import type { CompileResult } from "../compile.js";
import { buildPlan } from "./lower.js";
import { PlanError } from "./plan-error.js";
import type { Plan } from "./schema.js";

export function planOf(result: CompileResult): Plan {
  if (result.hasErrors) throw new PlanError("the spec has errors; run `mlspec check` to see them");
  return buildPlan(result.sem);
}

export { PlanError } from "./plan-error.js";
export { buildPlan, serializePlan } from "./lower.js";
export { PlanSchema, planJsonSchema, PLAN_VERSION, type Plan, type Step, type StepKind, type StepOf } from "./schema.js";
