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

// Serving loads onnxruntime and fastify: import them only when asked for.
import type { LoadServingOptions, Serving } from "./runtime/serve/index.js";
export type { LoadServingOptions, Serving, PredictResult, ModelDescription, RowPrediction } from "./runtime/serve/index.js";

/** Loads the models behind a spec's serve blocks, warm, for in-process `predict(rows)`. */
export async function loadServing(specPath: string, options?: LoadServingOptions): Promise<Serving> {
  return (await import("./runtime/serve/load-serving.js")).loadServing(specPath, options);
}

/** Serves a loaded `Serving` over HTTP, as `mlspec serve` does. */
export async function listenServing(...args: Parameters<typeof import("./runtime/serve/index.js").listenServing>) {
  return (await import("./runtime/serve/index.js")).listenServing(...args);
}
