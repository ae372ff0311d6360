/**
 * A spec → its plan, for serving, with every problem as a one-line ServeError.
 * Loads only the compiler, so a bad path or a spec with errors is reported
 * before onnxruntime and fastify are loaded.
 */
import { existsSync, statSync } from "node:fs";
import { compileFile, type CompileResult } from "../../compiler/compile.js";
import { planOf } from "../../compiler/plan/index.js";
import type { Plan } from "../../compiler/plan/schema.js";
import { ServeError } from "./errors.js";

function firstError(result: CompileResult): string {
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  const d = errors[0];
  if (!d) return "errors";
  const at = d.source.position(d.span.start);
  return `${errors.length} error${errors.length === 1 ? "" : "s"}, first error[${d.code}] at ${at.line}:${at.column}: ${d.message}`;
}

export function planForServing(specPath: string, opts: { allowRead?: readonly string[] } = {}): Plan {
  if (!existsSync(specPath)) throw new ServeError("SPEC_NOT_FOUND", `cannot read ${specPath}: no such file`);
  if (!statSync(specPath).isFile()) throw new ServeError("SPEC_NOT_FOUND", `cannot read ${specPath}: not a file`);
  const result = compileFile(specPath, undefined, opts.allowRead ? { allowRead: opts.allowRead } : {});
  if (result.hasErrors) {
    throw new ServeError("SPEC_ERRORS", `${specPath}: ${firstError(result)} (run \`mlspec check ${specPath}\` for all)`);
  }
  return planOf(result);
}
