/**
 * A spec → its plan, for serving in process (loadServing without a plan), with
 * every problem as a one-line ServeError. Loads only the compiler
 * (compiler/plan/load-plan.ts), so a bad path or a spec with errors is reported
 * before onnxruntime and fastify are loaded.
 */
import { SpecLoadError } from "../../compiler/load-spec.js";
import { loadPlan } from "../../compiler/plan/load-plan.js";
import type { Plan } from "../../compiler/plan/schema.js";
import { ServeError } from "./errors.js";

export function planForServing(specPath: string, opts: { allowRead?: readonly string[] } = {}): Plan {
  try {
    return loadPlan(specPath, opts).plan;
  } catch (e) {
    if (e instanceof SpecLoadError) throw new ServeError(e.problem === "unreadable" ? "SPEC_NOT_FOUND" : "SPEC_ERRORS", e.message);
    throw e;
  }
}
