/** The planner's entry: a program that checked clean → its plan. Loads zod, so the check path does not import it. */
import type { CompileResult } from "../compile.js";
import { buildPlan } from "./lower.js";
import type { Plan } from "./schema.js";

export function planOf(result: CompileResult): Plan {
  if (result.hasErrors) throw new Error("planOf: the program has errors");
  return buildPlan(result.sem);
}
