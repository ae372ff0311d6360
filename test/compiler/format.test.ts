/**
 * compiler/language/format.ts: `mlspec fmt` writes a file only when its output
 * parses back to the same tree (positions aside) with the same comments; and,
 * over a corpus of fuzzed inputs, every input that checks without errors formats
 * to text that means the same and still checks clean.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/index.js";
import { programFromText } from "../../compiler/check/program.js";
import { formatFile, sameTree } from "../../compiler/language/format.js";
import { parse } from "../../compiler/language/parse.js";
import { MlspecLexer } from "../../compiler/language/tokens.js";
import { validSpec } from "./arbitraries.js";

const CHURN = readFileSync(new URL("./fixtures/churn.mlspec", import.meta.url), "utf8");

const hasErrors = (text: string) => checkProgram(programFromText(text)).diagnostics.some((d) => d.severity === "error");

describe("sameTree", () => {
  it("ignores positions, the source and comments, and nothing else", () => {
    const a = parse("model m {\n  x = 1 # one\n}\n").file;
    const b = parse("model   m {  x   =   1 }").file;
    expect(sameTree(a, b)).toBe(true);
    expect(sameTree(a, parse("model m {\n  x = 2\n}\n").file)).toBe(false);
    expect(sameTree(a, parse("model m {\n  x = 1.0\n}\n").file)).toBe(false); // raw text differs
    expect(sameTree(parse("mlspec 1y\n").file, parse("mlspec  1y").file)).toBe(true); // NaN equals NaN
  });
});

describe("formatFile", () => {
  it("refuses a tree the printer cannot write back", () => {
    // an unknown retrain clause keeps only its words: printed, it would lose its values
    const { file } = parse(CHURN.replace("at most 1 per 1d", "at mostz1 per 1d"));
    const result = formatFile(file);
    expect(result.ok).toBe(false);
  });

  it("formats the churn example to itself, formatted", () => {
    const result = formatFile(parse(CHURN).file);
    expect(result.ok).toBe(true);
    if (result.ok) expect(formatFile(parse(result.text).file)).toEqual(result);
  });
});

describe("fmt over a fuzz corpus", () => {
  const tokens = MlspecLexer.tokenize(CHURN).tokens.map((t) => ({ start: t.startOffset, end: t.startOffset + t.image.length, image: t.image }));
  const index = fc.nat({ max: tokens.length - 1 });
  const WORDS = ["1", "1y", "1e999", "(", ")", "[", "]", "=", ",", "maximize", "x", "f(", "-", "not", "at", "most", "per", "using", '"s"', "\n", "#c\n"];
  const corpus = fc.oneof(
    index.map((i) => CHURN.slice(0, tokens[i]!.start) + CHURN.slice(tokens[i]!.end)),
    fc.tuple(index, fc.constantFrom(...WORDS)).map(([i, w]) => CHURN.slice(0, tokens[i]!.start) + w + CHURN.slice(tokens[i]!.end)),
    fc.tuple(index, fc.constantFrom(...WORDS)).map(([i, w]) => CHURN.slice(0, tokens[i]!.end) + " " + w + CHURN.slice(tokens[i]!.end)),
    validSpec,
  );

  it("an input without errors formats to the same tree, which checks clean; fmt refuses the rest", () => {
    fc.assert(
      fc.property(corpus, (text) => {
        if (hasErrors(text)) return;
        const { file } = parse(text);
        const result = formatFile(file);
        expect(result.ok, text).toBe(true);
        if (!result.ok) return;
        expect(sameTree(parse(result.text).file, file)).toBe(true);
        expect(hasErrors(result.text), result.text).toBe(false);
      }),
      { numRuns: 200, seed: 8 },
    );
  });
});
