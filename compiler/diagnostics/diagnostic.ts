/**
 * Diagnostics are values, collected and never thrown for user mistakes
 * (spec/diagnostics.md). Codes are stable: tools and CI rely on them.
 */
import type { Source, Span } from "../language/source.js";

export type Severity = "error" | "warning";

export interface Label {
  source: Source;
  span: Span;
  message: string;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  source: Source;
  span: Span;
  /** Shown under the caret of the primary span. */
  label?: string;
  /** Secondary spans, e.g. the first declaration of a duplicate. */
  labels?: Label[];
  help?: string;
}

export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.items.push(d);
  }

  error(code: string, source: Source, span: Span, message: string, extra: Partial<Diagnostic> = {}): void {
    this.items.push({ code, severity: "error", message, source, span, ...extra });
  }

  warning(code: string, source: Source, span: Span, message: string, extra: Partial<Diagnostic> = {}): void {
    this.items.push({ code, severity: "warning", message, source, span, ...extra });
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }
}

/** Sorted by file, then position, so output is stable. */
export function sortDiagnostics(items: Diagnostic[]): Diagnostic[] {
  return [...items].sort(
    (a, b) => a.source.name.localeCompare(b.source.name) || a.span.start - b.span.start || a.code.localeCompare(b.code),
  );
}
