/** The mlspec library: compile, plan and run specs in process. */
export { compileFile, nodeHost } from "./compiler/compile.js";
export { planOf } from "./compiler/plan/index.js";
export { loadProgram, programFromText } from "./compiler/check/program.js";
export { checkProgram, specifiedRules } from "./compiler/check/index.js";
export { parse } from "./compiler/language/parse.js";
export { printFile } from "./compiler/language/printer.js";
export { buildPlan, serializePlan } from "./compiler/plan/lower.js";
export { PlanSchema, planJsonSchema, type Plan, type Step } from "./compiler/plan/schema.js";
export { renderText, renderJson, renderSarif } from "./compiler/diagnostics/render.js";
export type { Diagnostic } from "./compiler/diagnostics/diagnostic.js";
export { runSpec, type RunSpecOptions } from "./runtime/run/run-spec.js";
