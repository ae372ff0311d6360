/**
 * A spec → its plan, for the commands that run one (run, serve, predict,
 * monitor): loaded and checked by compiler/load-spec.ts; a spec with errors or
 * one the planner refuses is a SpecLoadError, never a crash.
 */
import { firstErrorLine, loadSpec, SpecLoadError } from "../load-spec.js";
import type { CompileResult } from "../compile.js";
import { planOf } from "./index.js";
import { PlanError } from "./plan-error.js";
import type { Plan } from "./schema.js";

export function loadPlan(file: string, opts: { allowRead?: readonly string[] } = {}): { compiled: CompileResult; plan: Plan } {
  const compiled = loadSpec(file, opts);
  if (compiled.hasErrors) throw new SpecLoadError("errors", firstErrorLine(file, compiled), compiled);
  try {
    return { compiled, plan: planOf(compiled) };
  } catch (e) {
    // the checker let through something a plan cannot hold: the user's spec, not a crash
    if (e instanceof PlanError) throw new SpecLoadError("plan", `${file}: ${e.message}`, compiled);
    throw e;
  }
}
