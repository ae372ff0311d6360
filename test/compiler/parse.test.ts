/**
 * The parser: syntax errors are diagnostics with the right code and place, and
 * recovery keeps one mistake to one message, so independent mistakes are each
 * reported once.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/index.js";
import { programFromText } from "../../compiler/check/program.js";
import type { Expr } from "../../compiler/language/ast.js";
import { parse } from "../../compiler/language/parse.js";
import { printExpr } from "../../compiler/language/printer.js";

/** A copy of examples/churn/churn.mlspec, frozen so that positions below stay put. */
const CHURN = readFileSync(new URL("./fixtures/churn.mlspec", import.meta.url), "utf8");

/** Every diagnostic, parse and check, as `CODE line:column`. */
function diagnose(text: string): string[] {
  return checkProgram(programFromText(text)).diagnostics.map((d) => {
    const p = d.source.position(d.span.start);
    return `${d.code} ${p.line}:${p.column}`;
  });
}

/** The churn example with one piece of text replaced (which must occur once). */
function churnWith(from: string, to: string): string {
  expect(CHURN.split(from).length, `"${from}" occurs once in the fixture`).toBe(2);
  return CHURN.replace(from, to);
}

describe("parse", () => {
  it("reads the churn example without a diagnostic", () => {
    const { file, diagnostics } = parse(CHURN, "churn.mlspec");
    expect(diagnostics.items).toEqual([]);
    expect(file.version?.value).toBe(1);
    expect(file.blocks.map((b) => `${b.kind} ${b.name.name}${b.relation ? ` ${b.relation.word} ${b.relation.target.name}` : ""}`)).toEqual([
      "dataset customers",
      "features churn_features from customers",
      "model churn_mlp",
      "model churn_logreg",
      "search churn_search for churn_mlp",
      "serve churn_api",
      "rollout churn_rollout for churn_api",
      "monitor churn_watch for churn_api",
    ]);
    expect(file.blocks.some((b) => b.recovered)).toBe(false);
    expect(file.comments.map((c) => c.text)).toEqual([
      "# Customer churn: will a customer leave this quarter?",
      "# gate: no registration below this",
      "# and no big step back from the champion",
    ]);
  });

  it("gives operators their precedence", () => {
    const value = (src: string): Expr => {
      const { file, diagnostics } = parse(`model m {\n  x = ${src}\n}\n`);
      expect(diagnostics.items).toEqual([]);
      const st = file.blocks[0]!.body[0]!;
      if (st.kind !== "assign") throw new Error(st.kind);
      return st.value;
    };
    const shape = (e: Expr): string => {
      switch (e.kind) {
        case "binary":
          return `(${shape(e.left)} ${e.op} ${shape(e.right)})`;
        case "unary":
          return `(${e.op} ${shape(e.operand)})`;
        case "pipe":
          return `(${shape(e.input)} |> ${shape(e.stage)})`;
        case "range":
          return `(${shape(e.low)}..${shape(e.high)})`;
        default:
          return printExpr(e);
      }
    };
    expect(shape(value("a - b - c"))).toBe("((a - b) - c)");
    expect(shape(value("a + b * c"))).toBe("(a + (b * c))");
    expect(shape(value("auc >= champion.auc - 0.01"))).toBe("(auc >= (champion.auc - 0.01))");
    expect(shape(value("drift or performance and not x"))).toBe("(drift or (performance and (not x)))");
    expect(shape(value("-1..-2"))).toBe("((- 1)..(- 2))");
    expect(shape(value("f(a) |> g |> h(1)"))).toBe("((f(a) |> g) |> h(1))");
  });

  it("reads numbers with units, and a unit that is none as E0004", () => {
    const { file } = parse("model m {\n  a = 5%\n  b = 250ms\n  c = 1e-3\n  d = .5\n}\n");
    const values = file.blocks[0]!.body.map((s) => (s.kind === "assign" ? s.value : undefined));
    expect(values.map((v) => v && v.kind)).toEqual(["quantity", "quantity", "number", "number"]);
    expect(values.map((v) => (v?.kind === "number" || v?.kind === "quantity" ? v.value : undefined))).toEqual([5, 250, 0.001, 0.5]);
  });
});

describe("lexer errors", () => {
  it("E0001: a character outside the language, at that character", () => {
    expect(diagnose(churnWith("label  = churned", "label  = churned $"))).toEqual(["E0001 6:20"]);
  });

  it("E0001: `&&` is one diagnostic whose help says `and`", () => {
    const ds = checkProgram(programFromText(churnWith("require auc >= 0.75", "require auc >= 0.75 && accuracy >= 0.7"))).diagnostics;
    expect(ds.map((d) => [d.code, d.message, d.help])).toEqual([["E0001", "unexpected characters `&&`", "write `and`"]]);
  });

  it("E0002: an unterminated string is one diagnostic, spanning the rest of its line", () => {
    const ds = checkProgram(programFromText(churnWith('csv("data/customers.csv")', 'csv("data/customers.csv)'))).diagnostics;
    expect(ds.map((d) => d.code)).toEqual(["E0002"]);
    const p = ds[0]!.source.position(ds[0]!.span.start);
    const e = ds[0]!.source.position(ds[0]!.span.end);
    expect([p.line, p.column, e.line, e.column]).toEqual([5, 16, 5, 36]);
  });

  it("E0005: an invalid escape", () => {
    expect(diagnose(churnWith('csv("data/customers.csv")', 'csv("data\\customers.csv")'))).toEqual(["E0005 5:16"]);
  });

  it("reports several lexer errors on different lines, each once", () => {
    const text = churnWith("label  = churned", "label  = churned $").replace("epochs    = 40", "epochs    = 40 ?");
    expect(diagnose(text)).toEqual(["E0001 6:20", "E0001 35:20"]);
  });
});

describe("one typo, one diagnostic", () => {
  const cases: Array<[string, string, string, string]> = [
    ["a missing `=`", "label  = churned", "label  churned", "E0003 6:10"],
    ["a missing `,` between arguments", "hidden = [32, 16], activation", "hidden = [32, 16] activation", "E0003 32:35"],
    ["a missing `)` at a line end", "interval = 10m)", "interval = 10m", "E0003 73:54"],
    ["a missing `]` at a line end", "metrics = [auc, accuracy, logloss, f1]", "metrics = [auc, accuracy, logloss, f1", "E0003 40:40"],
    ["a missing `}` before the next block", "    rows >= 500\n  }\n", "    rows >= 500\n", "E0003 20:1"],
    ["an extra `)`", "standardize(tenure)", "standardize(tenure))", "E0003 22:35"],
    ["a misspelt block kind", "model churn_logreg", "modle churn_logreg", "E0003 45:1"],
    ["`:` for `=`", "epochs    = 40", "epochs    : 40", "E0003 35:17"],
    ["`==` for `=`", "epochs    = 40", "epochs    == 40", "E0104 35:5"],
    ["a `//` comment", "# gate: no registration below this", "// gate: no registration below this", "E0003 41:44"],
    ["an unknown unit", "interval = 10m", "interval = 10min", "E0004 73:53"],
    ["a misspelt setting", "fallback = churn_logreg@champion", "fallbak = churn_logreg@champion", "E0105 65:3"],
    ["a misspelt column", "standardize(tenure)", "standardize(tenur)", "E0210 22:28"],
    ["a missing value", "timeout  = 250ms", "timeout  =", "E0003 68:13"],
    ["single quotes", 'csv("data/customers.csv")', "csv('data/customers.csv')", "E0001 5:16"],
    ["a space before `%`", "test = 20%", "test = 20 %", "E0001 7:30"],
    ["a reserved word as a name", "model churn_logreg {", "model for {", "E0003 45:7"],
    ["a block without `{`", "model churn_logreg {", "model churn_logreg", "E0003 45:19"],
    ["text after a block", "  on_fail = rollback\n}", "  on_fail = rollback\n} extra", "E0003 76:3"],
    ["a list without commas", "[5%, 25%, 50%, 100%]", "[5% 25% 50% 100%]", "E0003 73:22"],
  ];
  for (const [what, from, to, expected] of cases) {
    it(what, () => {
      expect(diagnose(churnWith(from, to))).toEqual([expected]);
    });
  }

  it("a missing `}` at the end of the file", () => {
    const text = CHURN.trimEnd().replace(/\}$/, "");
    expect(diagnose(text)).toEqual(["E0003 82:74"]);
  });
});

describe("independent mistakes", () => {
  it("three mistakes in three blocks are three diagnostics, and no others", () => {
    const text = churnWith("label  = churned", "label  churned")
      .replace("hidden = [32, 16], activation", "hidden = [32, 16] activation")
      .replace("interval = 10m)", "interval = 10m");
    expect(diagnose(text)).toEqual(["E0003 6:10", "E0003 32:35", "E0003 73:54"]);
  });

  it("a syntax error, a name error and a type error in three blocks are each reported", () => {
    const text = churnWith("interval = 10m)", "interval = 10m")
      .replace("standardize(support_calls)", "standardize(suport_calls)")
      .replace("epochs = 60", 'epochs = "60"');
    expect(diagnose(text)).toEqual(["E0210 26:28", "E0301 49:49", "E0003 73:54"]);
  });

  it("what else seems wrong in a block with a syntax error waits until it is fixed", () => {
    // the dataset's `label` line is broken, so its columns are not trusted either
    const text = churnWith("label  = churned", "label  churned").replace("standardize(support_calls)", "standardize(suport_calls)");
    expect(diagnose(text)).toEqual(["E0003 6:10"]);
    expect(diagnose(text.replace("label  churned", "label  = churned"))).toEqual(["E0210 26:28"]);
  });
});

describe("a byte order mark", () => {
  it("is skipped, and positions count from the text after it", () => {
    const withBom = parse(`\uFEFF${CHURN}`, "churn.mlspec");
    const without = parse(CHURN, "churn.mlspec");
    expect(withBom.diagnostics.items).toEqual([]);
    expect(withBom.file.blocks).toEqual(without.file.blocks);
    expect(withBom.file.comments).toEqual(without.file.comments);
    expect(diagnose(`\uFEFF${CHURN}`)).toEqual([]);
  });

  it("leaves a mistake's position where it is without the mark", () => {
    const broken = churnWith("arch    = mlp(", "arch    = mlp((");
    expect(diagnose(`\uFEFF${broken}`)).toEqual(diagnose(broken));
    expect(diagnose(broken).length).toBeGreaterThan(0);
  });

  it("is read only at the start: elsewhere it is a character of no token (E0001)", () => {
    expect(diagnose(churnWith("arch    = mlp(", "arch    = \uFEFFmlp("))[0]).toMatch(/^E0001 /);
  });
});

describe("what the formatter used to lose (issue 9)", () => {
  it("`maximize` of a call is a syntax error, not a silent hole in the tree", () => {
    const text = churnWith("objective = maximize val.auc", "objective = maximize van(warmup = 3)");
    expect(diagnose(text)).toEqual(["E0003 59:24"]);
  });

  it("a version that is no number is named as written", () => {
    for (const raw of ["1y", "1e999"]) {
      const ds = checkProgram(programFromText(churnWith("mlspec 1\n", `mlspec ${raw}\n`))).diagnostics;
      expect(ds.map((d) => `${d.code} ${d.message}`)).toEqual([`E0102 unsupported language version ${raw}`]);
    }
  });
});

describe("one mistake, one message (issue 8)", () => {
  it("a syntax error inside a guard is its E0003 only, not also a bound at 1:1", () => {
    expect(diagnose(churnWith("auc >= champion.auc - 0.01 }", "auc > = champion.auc - 0.01 }"))).toEqual(["E0003 74:54"]);
  });

  it("a dataset without a contract is its E0106 only, not also each column named against it", () => {
    const start = CHURN.indexOf("  contract {");
    const end = CHURN.indexOf("  }\n", start) + 4;
    expect(diagnose(CHURN.slice(0, start) + CHURN.slice(end))).toEqual(["E0106 4:9"]);
  });

  it("a `{` typed twice is one E0003, not also a `}` missing at the next block", () => {
    expect(diagnose(churnWith("model churn_mlp {", "model churn_mlp { {"))).toEqual(["E0003 29:19"]);
  });

  it("a block whose name is lost is one E0003, not also every reference to it", () => {
    expect(diagnose(churnWith("model churn_mlp {", "model {"))).toEqual(["E0003 29:7"]);
    expect(diagnose(churnWith("model churn_mlp {", "model model churn_mlp {"))).toEqual(["E0003 29:13"]);
  });

  it("a word typed twice is one error on its line", () => {
    expect(diagnose(churnWith("standardize(tenure)", "standardize standardize(tenure)"))).toEqual(["E0210 22:16"]);
  });
});

describe("a `}` missing above a block loses no name", () => {
  it("an unknown block name elsewhere is still reported", () => {
    const text = churnWith("    rows >= 500\n  }\n}", "    rows >= 500\n  }").replace("model    = churn_mlp@champion", "model    = churn_mpl@champion");
    expect(diagnose(text)).toEqual(["E0003 20:1", "E0202 63:14"]);
  });
});
