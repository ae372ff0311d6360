/**
 * parse()'s fast path (clean-lexer.ts, clean-parser.ts) against the chevrotain
 * lexer and the recovering parser: on any input, parse() gives exactly what the
 * recovering parser and AST builder give (the same AST, spans and `undefined`
 * fields included, and the same diagnostics), the fast lexer reads the tokens
 * the chevrotain lexer reads, and on clean input the fast path answers by itself.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateSpec } from "../../bench/generate-spec.js";
import { KIND_TYPES, lexClean } from "../../compiler/language/clean-lexer.js";
import { parseClean } from "../../compiler/language/clean-parser.js";
import { parse, parseRecovering } from "../../compiler/language/parse.js";
import { Source } from "../../compiler/language/source.js";
import { MlspecLexer, UnterminatedString } from "../../compiler/language/tokens.js";
import { validSpec } from "./arbitraries.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

function specFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name.startsWith(".") || name === "node_modules") return [];
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return specFiles(p);
    return name.endsWith(".mlspec") ? [p] : [];
  });
}

const FILES = [...specFiles(path.join(REPO, "examples")), ...specFiles(path.join(REPO, "test/compiler"))].map((p) => ({
  name: path.relative(REPO, p),
  text: readFileSync(p, "utf8"),
}));

/** The fast path alone: its AST, or undefined where it leaves the input to the recovering parser. */
function fastOnly(text: string) {
  return parseClean(new Source("<input>", text));
}

/** The fast lexer reads what chevrotain's reads, or gives up where that one reports an error or an unterminated string. */
function expectSameTokens(text: string): void {
  const slow = MlspecLexer.tokenize(text);
  const fast = lexClean(text);
  if (!fast) {
    expect(slow.errors.length > 0 || slow.tokens.some((t) => t.tokenType === UnterminatedString), JSON.stringify(text)).toBe(true);
    return;
  }
  expect(slow.errors).toEqual([]);
  const fastTokens = Array.from({ length: fast.count }, (_, i) => `${KIND_TYPES[fast.kinds[i]!]!.name} ${fast.starts[i]}-${fast.ends[i]} line ${fast.lines[i]}`);
  const slowTokens = slow.tokens.map((t) => `${t.tokenType.name} ${t.startOffset}-${t.startOffset + t.image.length} line ${t.startLine}`);
  expect(fastTokens, JSON.stringify(text)).toEqual(slowTokens);
  expect(fast.comments).toEqual((slow.groups["comments"] ?? []).map((c) => ({ text: c.image, span: { start: c.startOffset, end: c.startOffset + c.image.length } })));
}

function expectSameParse(text: string): void {
  expectSameTokens(text);
  const slow = parseRecovering(text);
  const fast = parse(text);
  expect(fast.file).toStrictEqual(slow.file);
  expect(fast.diagnostics.items).toStrictEqual(slow.diagnostics.items);
  // the fast path answers only where the recovering parser finds nothing to say
  if (fastOnly(text) !== undefined) expect(slow.diagnostics.items).toEqual([]);
}

describe("the fast path", () => {
  it.each(FILES)("answers for $name with the recovering parser's AST", ({ text }) => {
    const clean = parseRecovering(text).diagnostics.items.length === 0;
    expect(fastOnly(text) !== undefined).toBe(clean);
    expectSameParse(text);
  });

  it("answers for the benchmark's generated spec", () => {
    const text = generateSpec(600, 3);
    expect(fastOnly(text)).toBeDefined();
    expectSameParse(text);
  });

  it("answers for generated valid specs", () => {
    fc.assert(
      fc.property(validSpec, (text) => {
        expect(fastOnly(text)).toBeDefined();
        expectSameParse(text);
      }),
      { numRuns: 100 },
    );
  });

  it("covers every expression form, spans and precedence included", () => {
    const text = [
      "mlspec 1",
      'import "lib.mlspec"',
      "model m {",
      "  a = -x.y@z * 2 / (3 - -4) + f(1, k = [1, 2,], ) |> g |> h(2)",
      "  b = not a < b and c >= d or not not e == (f .. g)",
      "  c = (maximize val.auc)",
      "  d = ndcg@10 + \"s\\u0041\" - true * false",
      "  e ~ uniform(0, 1) when train.optimizer == sgd",
      "  f ~ choice([1], [2, 3])",
      "  rows >= 5% ; ; p99 < 50ms",
      "  require auc >= champion.auc - 0.01 and (x)",
      "  require auc >= legacy@champion.auc - 0.01 and m@champion.val.auc < ndcg@10.x",
      "  retrain when drift or performance, at most 1 per 1d, using s, at least 2 per 3h, other words 4",
      "  x : enum(\"a\", \"b\",) unique range -1..(2) nulls <= 1% mean 0 in [1, 2] std 1",
      "  mlspec : int unique",
      "  nested { inner { deep = 1 } }",
      "  call()",
      "  call2(a, b = 2)",
      "}",
      "features f from d { x = 1 }",
      "rollout r for s { }",
      "# a comment",
    ].join("\n");
    expect(fastOnly(text)).toBeDefined();
    expectSameParse(text);
  });

  it("reads another model's alias metric as a reference with members, as the recovering parser does", () => {
    const text = "mlspec 1\nmodel m {\n  require auc >= legacy@champion.auc - 0.01\n}\n";
    const ref = (fastOnly(text)!.blocks[0]!.body[0] as { expr: { right: { left: unknown } } }).expr.right.left;
    expect(ref).toMatchObject({ kind: "ref", path: [{ name: "legacy" }], alias: { name: "champion" }, member: [{ name: "auc" }], span: { start: 36, end: 55 } });
    expectSameParse(text);
    // a dot with no name after it is a syntax error, which the fast path leaves alone
    const broken = text.replace("champion.auc", "champion.");
    expect(fastOnly(broken)).toBeUndefined();
    expectSameParse(broken);
    expect(parse(broken).diagnostics.items.map((d) => d.code)).toContain("E0003");
  });

  it("leaves everything with a mistake to the recovering parser", () => {
    for (const text of [
      "model m { x = 10min }",
      'model m { x = "a\\q" }',
      'model m { x = "open }',
      "model m { x = }",
      "model m { x =\n y = 1 }",
      "model m { x ~\n y = 1 }",
      "modle m { x = 1 }",
      "model m { x = maximize f(x) }",
      "model m { a < b < c = 1 }",
      "model m { x = 1 ",
      "model m { x = 1 }}",
      "model m { { x = 1 } }",
      "model m { , }",
      "model m { x = 1 \n model n { } }",
      "mlspec",
      "mlspec 1 mlspec 1",
      "model m { x = a $ b }",
      "model m { x = [1, , 2] }",
      "model m { x = f(a b) }",
    ]) {
      expect(fastOnly(text), text).toBeUndefined();
      expectSameParse(text);
    }
  });
});

describe("the fast lexer", () => {
  it("reads what the chevrotain lexer reads", () => {
    const chars = fc.constantFrom(..." \t\n\r\r\n#\"\\'%$&|!<>=.,:;@~+-*/{}()[]_aZz09eE5.1..e+3u\u2028\u00e9\u0007".split(""), "model", "from", "for_x", "1e-3", "2ms", "10min", ".5", "1..5", "|>", "\\n", "\\q", "#c\r\n");
    fc.assert(fc.property(fc.array(chars, { maxLength: 60 }), (parts) => expectSameTokens(parts.join(""))), { numRuns: 3000 });
  });

  it("reads more tokens than its first arrays hold", () => {
    const text = `model m {\n  x = [${"1, ".repeat(40_000)}]\n}\n`;
    expect(lexClean(text)!.count).toBeGreaterThan(80_000);
    expectSameTokens(text);
  });

  it("counts lines as chevrotain does, CR and CRLF included", () => {
    for (const text of ["a\r\nb\rc\n\nd", "# c\r\nx", '"a\rb" c\r\r\nd', "a\n\rb"]) expectSameTokens(text);
  });
});

describe("parse() is the recovering parser", () => {
  it("on token soup", () => {
    const WORDS = ["mlspec", "1", "import", '"x.mlspec"', "dataset", "features", "model", "search", "serve", "rollout", "monitor", "d", "m", "from", "for", "{", "}", "(", ")", "[", "]", "=", "~", ":", ",", ".", "..", "@", "|>", "<", ">=", "==", "+", "-", "*", "/", "5%", "10m", "10min", "0.5", '"s"', '"open', "true", "and", "or", "not", "require", "retrain", "when", "maximize", "contract", "train", "x", "int", "range", "unique", "csv", "at", "most", "per", "using", "\n", "#c\n", "$"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 60 }), (words) => expectSameParse(words.join(" "))),
      { numRuns: 400 },
    );
  });

  it("on valid-looking statements", () => {
    const name = fc.constantFrom("a", "b", "model", "x.y", "unique", "range", "at", "most", "per", "using", "mlspec");
    const value = fc.constantFrom("1", "5%", "-2", "a", "f(x)", "[1, 2]", "m@champion", "x .. y", "not a", "a and b", "(a)", "\"s\"", "maximize a", "a |> f");
    const op = fc.constantFrom(" = ", " ~ ", " : ", " < ", " >= ", " ", " when ", ", ", " .. ", "\n");
    const piece = fc.oneof(name, value, op, fc.constantFrom("{", "}", "(", ")", "require ", "retrain when ", "\n"));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => expectSameParse(`model m {\n${pieces.join("")}\n}`)),
      { numRuns: 400 },
    );
  });

  describe.each(FILES.filter((f) => f.name.startsWith("examples")))("on mutations of $name", ({ text }) => {
    const tokens = MlspecLexer.tokenize(text).tokens.map((t) => ({ start: t.startOffset, end: t.startOffset + t.image.length, image: t.image }));
    const index = fc.nat({ max: tokens.length - 1 });
    const mutation = fc.oneof(
      index.map((i) => text.slice(0, tokens[i]!.start) + text.slice(tokens[i]!.end)),
      index.map((i) => text.slice(0, tokens[i]!.end) + " " + tokens[i]!.image + text.slice(tokens[i]!.end)),
      index.map((i) => text.slice(0, tokens[i]!.start) + "\n" + text.slice(tokens[i]!.start)),
      fc.tuple(index, index).map(([a, b]) => {
        const [i, j] = a < b ? [a, b] : [b, a];
        if (i === j) return text;
        const ti = tokens[i]!;
        const tj = tokens[j]!;
        return text.slice(0, ti.start) + tj.image + text.slice(ti.end, tj.start) + ti.image + text.slice(tj.end);
      }),
      fc.nat({ max: text.length }).map((n) => text.slice(0, n)),
    );
    it("delete, duplicate, break before or swap a token, or truncate", () => {
      fc.assert(fc.property(mutation, expectSameParse), { numRuns: 40 });
    });
  });

  it("on each one-token deletion of the every-form fixture", () => {
    const text = readFileSync(path.join(REPO, "test/compiler/fixtures/every-form.mlspec"), "utf8");
    for (const t of MlspecLexer.tokenize(text).tokens) expectSameParse(text.slice(0, t.startOffset) + text.slice(t.startOffset + t.image.length));
  });
});
