/**
 * Load and check a spec for a command: every command that reads a spec (check,
 * plan, fmt, run, serve, predict, monitor) starts here, so a missing or
 * unreadable file and a spec with errors read the same everywhere. The plan
 * commands go on through compiler/plan/load-plan.ts.
 */
import * as fs from "node:fs";
import { compileFile, type CompileResult } from "./compile.js";

/** What stops a command before it does anything; the CLI prints the message as one line. */
export class SpecLoadError extends Error {
  constructor(
    /** unreadable: no such file, not a file, no permission (exit 2); errors: the checker's (exit 1); plan: the planner refused it (exit 1). */
    readonly problem: "unreadable" | "errors" | "plan",
    message: string,
    /** The compile result of a spec with errors, for commands that print them all. */
    readonly compiled?: CompileResult,
  ) {
    super(message);
    this.name = "SpecLoadError";
  }

  get exitCode(): number {
    return this.problem === "unreadable" ? 2 : 1;
  }
}

/** Throws SpecLoadError("unreadable") unless `file` is a readable file. The compiler reads a missing file as an empty program. */
export function requireReadableSpec(file: string): void {
  const reason = unreadableReason(file);
  if (reason) throw new SpecLoadError("unreadable", `cannot read ${file}: ${reason}`);
}

function unreadableReason(file: string): string | undefined {
  try {
    if (!fs.statSync(file).isFile()) return "not a file";
    fs.accessSync(file, fs.constants.R_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? "no such file" : code === "EACCES" ? "permission denied" : (e as Error).message;
  }
}

/** A readable spec, compiled and checked; its diagnostics are the caller's to show (a spec with errors is returned, not thrown). */
export function loadSpec(file: string, opts: { allowRead?: readonly string[] } = {}): CompileResult {
  requireReadableSpec(file);
  return compileFile(file, undefined, opts.allowRead ? { allowRead: opts.allowRead } : {});
}

/** One line for a spec with errors: how many, and the first with its code and place. */
export function firstErrorLine(file: string, result: CompileResult): string {
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  const d = errors[0];
  if (!d) return `${file}: errors (run \`mlspec check ${file}\` for all)`;
  const at = d.source.position(d.span.start);
  return `${file}: ${errors.length} error${errors.length === 1 ? "" : "s"}, first error[${d.code}] at ${at.line}:${at.column}: ${d.message} (run \`mlspec check ${file}\` for all)`;
}
