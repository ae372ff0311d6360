/**
 * spec/language.md and spec/plan.md stay true to the code: generated tables are
 * current, every section the code cites exists, the EBNF has the parser's rules
 * with the same terminals and sub-rules, and the lexical tables match the lexer.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/index.js";
import { programFromText } from "../../compiler/check/program.js";
import { parse } from "../../compiler/language/parse.js";
import { CONSTRAINT_WORDS, mlspecParser } from "../../compiler/language/parser.js";
import * as T from "../../compiler/language/tokens.js";
import { renderBuiltins } from "../../spec/gen-builtins.js";
import { REPO } from "./plan-checks.js";

const languageDoc = readFileSync(path.join(REPO, "spec/language.md"), "utf8");
const planDoc = readFileSync(path.join(REPO, "spec/plan.md"), "utf8");

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(doc: string): Set<string> {
  const withoutFences = doc.replace(/^```[\s\S]*?^```/gm, "");
  return new Set([...withoutFences.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/`/g, "").replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-")));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return entry.endsWith(".ts") ? [full] : [];
  });
}

function fence(doc: string, info: string): string[] {
  return [...doc.matchAll(new RegExp("^```" + info + "\\n([\\s\\S]*?)^```", "gm"))].map((m) => m[1]!);
}

describe("spec/language.md", () => {
  it("has current built-in tables (run `npx tsx spec/gen-builtins.ts`)", () => {
    expect(renderBuiltins(languageDoc)).toBe(languageDoc);
  });

  it("has a heading for every section the sources cite", () => {
    const headings = { "spec/language.md": anchors(languageDoc), "spec/plan.md": anchors(planDoc) };
    const cited = new Set<string>();
    for (const dir of ["compiler", "stdlib", "runtime", "bin"]) {
      for (const file of sourceFiles(path.join(REPO, dir))) {
        for (const m of readFileSync(file, "utf8").matchAll(/(spec\/(?:language|plan)\.md)#([a-z0-9-]+)/g)) cited.add(`${m[1]}#${m[2]}`);
      }
    }
    // known-statements cites `spec/language.md#${kind}` for every block kind
    for (const kind of ["dataset", "features", "model", "search", "serve", "rollout", "monitor"]) cited.add(`spec/language.md#${kind}`);
    for (const a of ["version-header", "blocks", "names", "built-ins", "calls", "types-and-units", "contract", "gates", "imports", "lexical-structure", "grammar", "types"]) {
      cited.add(`spec/language.md#${a}`);
    }
    const missing = [...cited].filter((c) => {
      const [doc, anchor] = c.split("#") as [keyof typeof headings, string];
      return !headings[doc].has(anchor);
    });
    expect(missing).toEqual([]);
  });

  it("has an EBNF production for every parser rule, with the same terminals and sub-rules", () => {
    const ebnf = fence(languageDoc, "ebnf").join("\n").replace(/\(\*[\s\S]*?\*\)/g, "");
    const productions = new Map<string, string>();
    for (const p of ebnf.split(/;\s*$/m)) {
      const m = /^\s*([a-z_]+)\s*=\s*([\s\S]*)$/.exec(p);
      if (m) productions.set(m[1]!, m[2]!);
    }
    const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const symbol = (tok: { name: string; PATTERN?: unknown }): string => {
      if (tok.name === "Identifier") return "NAME";
      if (tok.name === "NumberLit") return "NUMBER";
      if (tok.name === "StringLit") return "STRING";
      const src = tok.PATTERN instanceof RegExp ? tok.PATTERN.source.replace(/^\(\?:(.*)\)$/, "$1").replace(/\\/g, "") : String(tok.PATTERN);
      return `"${src}"`;
    };
    const gast = mlspecParser().getGAstProductions();
    for (const [rule, production] of Object.entries(gast)) {
      const name = snake(rule);
      expect(productions.has(name), `EBNF has no production \`${name}\``).toBe(true);
      const expected = new Set<string>();
      const walk = (node: unknown) => {
        const n = node as { terminalType?: { name: string; PATTERN?: unknown }; nonTerminalName?: string; definition?: unknown[] };
        if (n.terminalType) expected.add(symbol(n.terminalType));
        else if (n.nonTerminalName) expected.add(snake(n.nonTerminalName));
        else if (Array.isArray(n.definition)) n.definition.forEach(walk);
      };
      production.definition.forEach(walk);
      // `block` spells its keyword alternatives out in a helper production
      const body = productions.get(name)! + (name === "block" ? ` ${productions.get("block_keyword")}` : "");
      const written = new Set([...body.matchAll(/"[^"]+"|[A-Za-z_]+/g)].map((m) => m[0]));
      written.delete("block_keyword");
      expect([...written].sort(), `symbols of \`${name}\``).toEqual([...expected].sort());
    }
  });

  it("lists the lexer's reserved and soft keywords", () => {
    const row = (kind: string) => {
      const line = languageDoc.split("\n").find((l) => l.startsWith(`| ${kind} |`))!;
      return [...line.matchAll(/`([a-z]+)`/g)].map((m) => m[1]).sort();
    };
    const keywords = T.allTokens.filter((t) => t.name.endsWith("Kw"));
    const soft = keywords.filter((t) => (t.CATEGORIES ?? []).includes(T.Identifier)).map((t) => String(t.PATTERN));
    const reserved = keywords.filter((t) => !(t.CATEGORIES ?? []).includes(T.Identifier)).map((t) => String(t.PATTERN));
    expect(row("soft")).toEqual(soft.sort());
    expect(row("reserved")).toEqual(reserved.sort());
  });

  it("lists the units the parser reads, each with its plan value", () => {
    const table = languageDoc.slice(languageDoc.indexOf("| unit | meaning |"));
    const rows = [...table.slice(0, table.indexOf("\n\n")).matchAll(/^\| `([^`]+)` \|.*`\d+[^`]*` → `[\d.]+` \|$/gm)];
    expect(rows.map((r) => r[1])).toEqual(["%", "ms", "s", "m", "h", "d"]);
    for (const unit of ["%", "ms", "s", "m", "h", "d"]) {
      const { file, diagnostics } = parse(`model m { x = 5${unit} }`);
      expect(diagnostics.items).toEqual([]);
      const st = file.blocks[0]!.body[0]!;
      expect(st.kind === "assign" && st.value.kind === "quantity" && st.value.unit).toBe(unit);
    }
  });

  it("names the parser's constraint words", () => {
    const line = languageDoc.split("\n").find((l) => l.includes("constraint words"))!;
    const next = languageDoc.split("\n")[languageDoc.split("\n").indexOf(line) + 1]!;
    const words = [...`${line} ${next}`.matchAll(/`([a-z]+)`/g)].map((m) => m[1]);
    expect(new Set(words.filter((w) => CONSTRAINT_WORDS.has(w!)))).toEqual(CONSTRAINT_WORDS);
  });

  it("cites only diagnostic codes that spec/diagnostics.md documents", () => {
    const documented = new Set([...readFileSync(path.join(REPO, "spec/diagnostics.md"), "utf8").matchAll(/^## ([EW]\d{4})$/gm)].map((m) => m[1]));
    const cited = new Set([...languageDoc.matchAll(/\b([EW]\d{4})\b/g)].map((m) => m[1]));
    expect([...cited].filter((c) => !documented.has(c))).toEqual([]);
  });

  it("opens with a complete example that checks clean", () => {
    const example = fence(languageDoc, "mlspec")[0]!;
    const result = checkProgram(programFromText(example));
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });
});
