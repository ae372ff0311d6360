/**
 * What every rule gets: the analysed program and a way to report. Rules never
 * throw for user mistakes; they report and move on.
 */
import type * as A from "../language/ast.js";
import type { Source, Span } from "../language/source.js";
import type { Diagnostic, DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { ColumnType, ParamSig } from "../../stdlib/signature.js";
import type { Decl } from "./program.js";
import type { ColumnInfo, DatasetInfo, Semantic } from "./semantic.js";

export interface CheckContext {
  sem: Semantic;
  diagnostics: DiagnosticBag;
  report(code: string, decl: Decl | Source, span: Span, message: string, extra?: Partial<Diagnostic>): void;
  warn(code: string, decl: Decl | Source, span: Span, message: string, extra?: Partial<Diagnostic>): void;
}

export interface Rule {
  /** File name without extension, e.g. "unknown-column". */
  name: string;
  /** The codes this rule reports. */
  codes: string[];
  /** The spec section it enforces. */
  section: string;
  check(ctx: CheckContext): void;
}

export function makeContext(sem: Semantic, diagnostics: DiagnosticBag): CheckContext {
  const src = (d: Decl | Source): Source => ("file" in d ? d.file.source : d);
  return {
    sem,
    diagnostics,
    report: (code, d, span, message, extra) => diagnostics.error(code, src(d), span, message, extra),
    warn: (code, d, span, message, extra) => diagnostics.warning(code, src(d), span, message, extra),
  };
}

export function describeColumnType(t: ColumnType): string {
  return t.kind === "enum" ? `enum(${t.values.map((v) => JSON.stringify(v)).join(", ")})` : t.kind;
}

/** "a float column", "an enum(...) column" */
export function aColumn(t: ColumnType): string {
  const d = describeColumnType(t);
  return `${/^[aeiou]/.test(d) ? "an" : "a"} ${d} column`;
}

export function columnOf(ds: DatasetInfo | undefined, name: string): ColumnInfo | undefined {
  return ds?.columns.get(name);
}

export type { A, ParamSig };
