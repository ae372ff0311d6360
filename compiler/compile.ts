/**
 * The compiler's front door: a spec file → diagnostics, and a plan when there are
 * no errors. Loads no runtime library.
 */
import * as fs from "node:fs";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import { checkProgram } from "./check/index.js";
import { type CompilerHost, loadProgram, type Program } from "./check/program.js";
import { nodeRealPath } from "./check/project-boundary.js";
import type { Semantic } from "./check/semantic.js";

export const nodeHost: CompilerHost = {
  readFile(p) {
    try {
      return fs.readFileSync(p, "utf8");
    } catch {
      return undefined;
    }
  },
  readBytes(p) {
    try {
      return fs.readFileSync(p);
    } catch {
      return undefined;
    }
  },
  realPath: nodeRealPath,
  isDirectory(p) {
    try {
      return fs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  },
};

export interface CompileResult {
  program: Program;
  sem: Semantic;
  diagnostics: Diagnostic[];
  hasErrors: boolean;
}

export function compileFile(specPath: string, host: CompilerHost = nodeHost, opts: { allowRead?: readonly string[] } = {}): CompileResult {
  const program = loadProgram(specPath, host, opts.allowRead ? { allowRead: opts.allowRead } : {});
  const { sem, diagnostics, hasErrors } = checkProgram(program);
  return { program, sem, diagnostics, hasErrors };
}
