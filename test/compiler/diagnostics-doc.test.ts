/**
 * spec/diagnostics.md is the index of every diagnostic code. Each section's example
 * must raise its code and no other, print what the section shows, and the set of
 * sections must be exactly the set of codes the compiler can emit.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { diagnosticTitles } from "../../compiler/check/diagnostic-titles.js";
import { specifiedRules } from "../../compiler/check/index.js";
import { COMPILER_DIR, compileExample, loadDiagnosticsDoc, renderExample } from "./diagnostics-doc.js";

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

/** Every code literal in the compiler's sources, and the files it appears in. */
function codesInSources(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of tsFiles(COMPILER_DIR)) {
    for (const m of readFileSync(file, "utf8").matchAll(/"([EW]\d{4})"/g)) {
      out.set(m[1]!, [...(out.get(m[1]!) ?? []), path.relative(COMPILER_DIR, file)]);
    }
  }
  return out;
}

const { sections } = loadDiagnosticsDoc();
const GROUPS = ["Syntax", "Structure", "Names", "Types", "Features", "Models and gates", "Values", "Units", "Search", "Serve, rollout and monitor", "Graph", "Imported models", "Column groups", "Rollouts", "Monitoring", "Baselines", "Quarantine", "Warnings"];

describe("spec/diagnostics.md", () => {
  it("has one section per code, each under a known group, in code order", () => {
    const codes = sections.map((s) => s.code);
    expect(codes.every((c) => /^[EW]\d{4}$/.test(c)), `headings: ${codes.join(", ")}`).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
    for (const s of sections) expect(GROUPS, `${s.code} is under "${s.group}"`).toContain(s.group);
    const errors = codes.filter((c) => c.startsWith("E"));
    expect(errors).toEqual([...errors].sort());
  });

  it("documents every code the compiler emits, and no other", () => {
    const emitted = [...codesInSources().keys()].sort();
    const documented = sections.map((s) => s.code).sort();
    expect(documented).toEqual(emitted);
  });

  it("has a short title for every code (SARIF rule descriptions)", () => {
    expect(Object.keys(diagnosticTitles).sort()).toEqual(sections.map((s) => s.code).sort());
  });

  it("lists every code a rule reports in that rule's `codes`", () => {
    for (const rule of specifiedRules) {
      const file = path.join(COMPILER_DIR, "check", "rules", `${rule.name}.ts`);
      const text = readFileSync(file, "utf8");
      const reported = new Set([...text.matchAll(/(?:report|warn)\(\s*"([EW]\d{4})"/g)].map((m) => m[1]!));
      for (const code of reported) expect(rule.codes, `${rule.name} reports ${code}`).toContain(code);
    }
  });

  for (const section of sections) {
    describe(section.code, () => {
      it("explains the code and shows an example with its output", () => {
        expect(section.prose.length).toBeGreaterThan(40);
        expect(section.main, "an ```mlspec block").toBeDefined();
        expect(section.rendered, "a ```text block").toBeDefined();
      });

      it(`its example raises ${section.code} and nothing else`, () => {
        const diagnostics = compileExample(section);
        const codes = [...new Set(diagnostics.map((d) => d.code))];
        expect(codes).toEqual([section.code]);
        if (section.code.startsWith("W")) expect(diagnostics.every((d) => d.severity === "warning")).toBe(true);
        else expect(diagnostics.every((d) => d.severity === "error")).toBe(true);
      });

      it("shows what the compiler prints", () => {
        // out of date? run: npx tsx test/compiler/update-diagnostics-doc.ts
        expect(section.rendered?.body).toBe(renderExample(compileExample(section)));
      });
    });
  }
});
