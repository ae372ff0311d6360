/**
 * Diagnostics as text (a rustc-style code frame), JSON, and SARIF 2.1.0.
 */
import type { Diagnostic } from "./diagnostic.js";

const COLORS = { red: "\x1b[31m", yellow: "\x1b[33m", blue: "\x1b[34m", bold: "\x1b[1m", reset: "\x1b[0m" };

export function renderText(d: Diagnostic, opts: { color?: boolean } = {}): string {
  const c = opts.color
    ? COLORS
    : { red: "", yellow: "", blue: "", bold: "", reset: "" };
  const { line, column } = d.source.position(d.span.start);
  const end = d.source.position(d.span.end);
  const sevColor = d.severity === "error" ? c.red : c.yellow;
  const gutter = String(line).length;
  const pad = " ".repeat(gutter);
  const text = d.source.lineText(line);
  const caretEnd = end.line === line ? end.column : text.length + 1;
  const caretCount = Math.max(1, caretEnd - column);
  const out = [
    `${c.bold}${sevColor}${d.severity}[${d.code}]${c.reset}${c.bold}: ${d.message}${c.reset}`,
    `${pad}${c.blue}-->${c.reset} ${d.source.name}:${line}:${column}`,
    `${pad} ${c.blue}|${c.reset}`,
    `${c.blue}${line} |${c.reset} ${text}`,
    `${pad} ${c.blue}|${c.reset} ${" ".repeat(column - 1)}${sevColor}${"^".repeat(caretCount)}${d.label ? ` ${d.label}` : ""}${c.reset}`,
  ];
  for (const l of d.labels ?? []) {
    const p = l.source.position(l.span.start);
    out.push(`${pad} ${c.blue}= note:${c.reset} ${l.message} (${l.source.name}:${p.line}:${p.column})`);
  }
  if (d.help) out.push(`${pad} ${c.blue}= help:${c.reset} ${d.help}`);
  return out.join("\n");
}

export interface JsonDiagnostic {
  code: string;
  severity: "error" | "warning";
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  help: string | null;
}

export function toJson(d: Diagnostic): JsonDiagnostic {
  const s = d.source.position(d.span.start);
  const e = d.source.position(d.span.end);
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.source.name,
    line: s.line,
    column: s.column,
    endLine: e.line,
    endColumn: e.column,
    help: d.help ?? null,
  };
}

export function renderJson(ds: Diagnostic[]): string {
  return JSON.stringify({ diagnostics: ds.map(toJson) });
}

export function renderSarif(ds: Diagnostic[], toolVersion: string, ruleHelp: (code: string) => string | undefined): string {
  const codes = [...new Set(ds.map((d) => d.code))].sort();
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "mlspec",
            version: toolVersion,
            informationUri: "https://github.com/mlspec/mlspec/blob/main/spec/diagnostics.md",
            rules: codes.map((code) => ({
              id: code,
              shortDescription: { text: ruleHelp(code) ?? code },
              helpUri: `https://github.com/mlspec/mlspec/blob/main/spec/diagnostics.md#${code.toLowerCase()}`,
            })),
          },
        },
        results: ds.map((d) => {
          const j = toJson(d);
          return {
            ruleId: d.code,
            ruleIndex: codes.indexOf(d.code),
            level: d.severity === "error" ? "error" : "warning",
            message: { text: d.help ? `${d.message}\nhelp: ${d.help}` : d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: j.file },
                  region: { startLine: j.line, startColumn: j.column, endLine: j.endLine, endColumn: j.endColumn },
                },
              },
            ],
          };
        }),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
