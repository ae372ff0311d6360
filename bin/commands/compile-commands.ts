/**
 * `mlspec check`, `mlspec plan`, `mlspec fmt`: the compile path. Nothing here loads
 * tfjs, onnxruntime or DuckDB.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { nodeHost } from "../../compiler/compile.js";
import { loadSpec, requireReadableSpec, SpecLoadError } from "../../compiler/load-spec.js";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { diagnosticTitle } from "../../compiler/check/diagnostic-titles.js";
import { renderJson, renderSarif, renderText } from "../../compiler/diagnostics/render.js";
import { formatFile } from "../../compiler/language/format.js";
import { CliError } from "../cli-error.js";

export type DiagnosticFormat = "text" | "json" | "sarif";

function summary(ds: Diagnostic[]): string {
  const errors = ds.filter((d) => d.severity === "error").length;
  const warnings = ds.length - errors;
  const part = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  return errors + warnings === 0 ? "no problems" : [errors ? part(errors, "error") : "", warnings ? part(warnings, "warning") : ""].filter(Boolean).join(", ");
}

export function printDiagnostics(ds: Diagnostic[], format: DiagnosticFormat, out: NodeJS.WritableStream, version: string): void {
  if (format === "json") out.write(renderJson(ds) + "\n");
  else if (format === "sarif") out.write(renderSarif(ds, version, diagnosticTitle) + "\n");
  else {
    const color = (out as NodeJS.WriteStream).isTTY === true && !process.env.NO_COLOR;
    for (const d of ds) out.write(renderText(d, { color }) + "\n\n");
  }
}

export function runCheck(files: string[], opts: { format: DiagnosticFormat; quiet?: boolean; allowRead?: string[] }, version: string): number {
  for (const f of files) requireReadableSpec(f);
  const all: Diagnostic[] = [];
  for (const f of files) all.push(...loadSpec(f, { allowRead: opts.allowRead ?? [] }).diagnostics);
  const shown = opts.quiet ? all.filter((d) => d.severity === "error") : all;
  printDiagnostics(shown, opts.format, process.stdout, version);
  if (opts.format === "text") {
    const names = files.length === 1 ? files[0] : `${files.length} files`;
    process.stderr.write(`${names}: ${summary(all)}\n`);
  }
  return all.some((d) => d.severity === "error") ? 1 : 0;
}

export async function runPlan(file: string, opts: { out?: string; allowRead?: string[] }, version: string): Promise<number> {
  // the planner (zod) loads only for this command
  const { loadPlan } = await import("../../compiler/plan/load-plan.js");
  const { serializePlan } = await import("../../compiler/plan/lower.js");
  let text: string;
  try {
    text = serializePlan(loadPlan(file, { allowRead: opts.allowRead ?? [] }).plan);
  } catch (e) {
    if (!(e instanceof SpecLoadError && e.problem === "errors" && e.compiled)) throw e;
    printDiagnostics(e.compiled.diagnostics.filter((d) => d.severity === "error"), "text", process.stderr, version);
    process.stderr.write(`${file}: ${summary(e.compiled.diagnostics)}; no plan\n`);
    return 1;
  }
  if (opts.out) {
    const tmp = `${opts.out}.tmp-${process.pid}`;
    try {
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, opts.out);
    } catch (e) {
      throw new CliError(`cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    process.stderr.write(`plan written to ${opts.out}\n`);
  } else process.stdout.write(text);
  return 0;
}

export function runFmt(files: string[], opts: { check?: boolean }, version: string): number {
  for (const f of files) requireReadableSpec(f);
  let changed = 0;
  let failed = 0;
  for (const f of files) {
    const text = nodeHost.readFile(path.resolve(f))!;
    // a file with any error is left as it is: the formatter prints the tree, and a
    // tree with a mistake in it is not what the author wrote (`maximize f(x)` → `?`)
    const result = loadSpec(f);
    if (result.hasErrors) {
      printDiagnostics(result.diagnostics.filter((d) => d.severity === "error"), "text", process.stderr, version);
      process.stderr.write(`${f}: not formatted, it has errors (${summary(result.diagnostics)})\n`);
      failed++;
      continue;
    }
    const formatted = formatFile(result.program.main);
    if (!formatted.ok) {
      process.stderr.write(`${f}: not formatted: ${formatted.reason}; this is a bug in mlspec fmt, please report it with the file\n`);
      failed++;
      continue;
    }
    if (formatted.text === text) continue;
    changed++;
    if (opts.check) {
      process.stdout.write(`${f}\n`);
      continue;
    }
    const tmp = `${f}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, formatted.text);
    fs.renameSync(tmp, f);
    process.stderr.write(`formatted ${f}\n`);
  }
  if (opts.check && changed > 0) process.stderr.write(`${changed} file${changed === 1 ? "" : "s"} would be reformatted\n`);
  return failed > 0 || (opts.check && changed > 0) ? 1 : 0;
}
