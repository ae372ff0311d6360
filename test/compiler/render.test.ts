/**
 * The three renderings of diagnostics, against golden files (regenerate them with
 * `npm run golden`, then review the diff; see test/golden.ts):
 * the rustc-style text frame, the JSON a tool reads, and SARIF 2.1.0 for code
 * scanning. golden/report.mlspec holds several mistakes and a warning.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { diagnosticTitle } from "../../compiler/check/diagnostic-titles.js";
import { checkProgram } from "../../compiler/check/index.js";
import { programFromText } from "../../compiler/check/program.js";
import { renderJson, renderSarif, renderText } from "../../compiler/diagnostics/render.js";
import { expectGolden } from "../golden.js";

const golden = (name: string) => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));

function matchesGolden(name: string, actual: string): void {
  expectGolden(golden(name), actual);
}

const SPEC = readFileSync(golden("report.mlspec"), "utf8");
const diagnostics = checkProgram(programFromText(SPEC, "report.mlspec")).diagnostics;

describe("golden report.mlspec", () => {
  it("raises the diagnostics the golden files show", () => {
    expect(diagnostics.map((d) => d.code)).toEqual(["E0201", "W0001", "E0104", "E0401", "E0003", "E0003"]);
  });
});

describe("renderText", () => {
  it("prints code frames with gutters, carets, labels, notes and help", () => {
    matchesGolden("report.txt", diagnostics.map((d) => renderText(d)).join("\n\n") + "\n");
  });

  it("colours severity, gutter and help only when asked", () => {
    const plain = renderText(diagnostics[0]!);
    const color = renderText(diagnostics[0]!, { color: true });
    expect(plain).not.toContain("\x1b[");
    expect(color).toContain("\x1b[31m");
    expect(color.replace(/\x1b\[\d+m/g, "")).toBe(plain);
    matchesGolden("report.color.txt", diagnostics.map((d) => renderText(d, { color: true })).join("\n\n") + "\n");
  });

  it("puts a caret under a zero-width span and stops a multi-line span at its line's end", () => {
    const [first] = diagnostics;
    const text = renderText({ ...first!, span: { start: first!.span.start, end: first!.span.start }, labels: undefined, label: undefined });
    expect(text.split("\n")[4]).toBe("   |         ^");
    const multi = renderText(diagnostics[2]!);
    expect(multi.split("\n").slice(3, 5)).toEqual(["25 |   guard {", "   |   ^^^^^^^"]);
  });
});

describe("renderJson", () => {
  const parsed = JSON.parse(renderJson(diagnostics)) as { diagnostics: Array<Record<string, unknown>> };

  it("has exactly the documented shape, 1-based, help null when absent", () => {
    expect(Object.keys(parsed)).toEqual(["diagnostics"]);
    for (const d of parsed.diagnostics) {
      expect(Object.keys(d)).toEqual(["code", "severity", "message", "file", "line", "column", "endLine", "endColumn", "help"]);
      expect(typeof d["code"]).toBe("string");
      expect(["error", "warning"]).toContain(d["severity"]);
      for (const k of ["line", "column", "endLine", "endColumn"]) expect(d[k] as number).toBeGreaterThanOrEqual(1);
      expect(d["help"] === null || typeof d["help"] === "string").toBe(true);
    }
    expect(JSON.parse(renderJson([{ ...diagnostics[0]!, help: undefined }])).diagnostics[0].help).toBeNull();
  });

  it("gives the span's start and end", () => {
    expect(parsed.diagnostics[0]).toMatchObject({ code: "E0201", file: "report.mlspec", line: 13, column: 9, endLine: 13, endColumn: 18 });
    expect(parsed.diagnostics[2]).toMatchObject({ code: "E0104", line: 25, column: 3, endLine: 27, endColumn: 4 });
    expect(parsed.diagnostics[5]).toMatchObject({ code: "E0003", line: 44, column: 13, endLine: 44, endColumn: 14, help: null });
  });

  it("matches the golden file", () => {
    matchesGolden("report.json", renderJson(diagnostics) + "\n");
  });

  it("renders no diagnostics as an empty list", () => {
    expect(renderJson([])).toBe('{"diagnostics":[]}');
  });
});

describe("renderSarif", () => {
  const text = renderSarif(diagnostics, "0.1.0", diagnosticTitle);
  const sarif = JSON.parse(text) as {
    version: string;
    $schema: string;
    runs: Array<{
      tool: { driver: { name: string; version: string; rules: Array<{ id: string; shortDescription: { text: string }; helpUri: string }> } };
      results: Array<{
        ruleId: string;
        ruleIndex: number;
        level: string;
        message: { text: string };
        locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }>;
      }>;
    }>;
  };

  it("is SARIF 2.1.0 with one run of the mlspec tool", () => {
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]!.tool.driver).toMatchObject({ name: "mlspec", version: "0.1.0" });
  });

  it("lists each code once as a rule, and each result points at its rule", () => {
    const { rules } = sarif.runs[0]!.tool.driver;
    const results = sarif.runs[0]!.results;
    expect(rules.map((r) => r.id)).toEqual(["E0003", "E0104", "E0201", "E0401", "W0001"]);
    expect(rules.find((r) => r.id === "E0201")!.shortDescription.text).toBe("block name declared twice");
    expect(rules.find((r) => r.id === "E0003")!.shortDescription.text).toBe("syntax error");
    expect(JSON.parse(renderSarif(diagnostics, "0.1.0", () => undefined)).runs[0].tool.driver.rules[0].shortDescription.text).toBe("E0003");
    for (const r of rules) expect(r.helpUri).toMatch(new RegExp(`diagnostics\\.md#${r.id.toLowerCase()}$`));
    expect(results).toHaveLength(diagnostics.length);
    for (const r of results) expect(rules[r.ruleIndex]!.id).toBe(r.ruleId);
  });

  it("maps severities to levels and spans to 1-based regions", () => {
    const results = sarif.runs[0]!.results;
    expect(results.map((r) => r.level)).toEqual(["error", "warning", "error", "error", "error", "error"]);
    expect(results[0]!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "report.mlspec" },
      region: { startLine: 13, startColumn: 9, endLine: 13, endColumn: 18 },
    });
    expect(results[0]!.message.text).toBe("`customers` is declared twice\nhelp: block names share one namespace across a spec and its imports: rename one of them");
  });

  it("matches the golden file", () => {
    matchesGolden("report.sarif.json", text + "\n");
  });
});
