/**
 * What `check` accepts, `plan` lowers (issue 9 item 4): every number of a
 * generated spec or an example is replaced with random numbers (huge, negative,
 * non-finite, percentages above 100%, durations of any sign), and calls are
 * mutated into bare names; whenever the result checks without errors, planning
 * must not throw and the plan must validate.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/index.js";
import { programFromText } from "../../compiler/check/program.js";
import { buildPlan, serializePlan } from "../../compiler/plan/lower.js";
import { REPO, schemaProblems } from "./plan-checks.js";
import { renderSpec, specConfig } from "./spec-arbitrary.js";

const EXAMPLES = ["churn/churn.mlspec", "housing/housing.mlspec", "iris/iris.mlspec", "movies/movies.mlspec"].map((p) => readFileSync(path.join(REPO, "examples", p), "utf8"));

/** A numeric literal with its unit, not part of a name, a string's word or a metric's `@k`. */
const NUMBER = /(?<![\w@."\/-])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?:ms|s|m|h|d|%)?(?![\w."])/g;

const magnitude = fc.oneof(
  fc.integer({ min: -5, max: 200 }).map(String),
  fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }).map(String),
  fc.constantFrom("0", "1", "-1", "0.5", "-0.5", "1e999", "-1e999", "1e308", "1e-999", "9007199254740991", "9007199254740992", "99999999999999999999", "9223372036854775808", "1.5", "2e3"),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => String(x)),
);
const unit = fc.constantFrom("", "", "", "%", "ms", "s", "m", "h", "d");
const literal = fc.tuple(magnitude, unit).map(([m, u]) => (u === "" ? m : m.startsWith("-") ? `-${m.slice(1)}${u}` : `${m}${u}`));

/** Replace the chosen literals of a text (by index among its literals). */
function replaceNumbers(text: string, choices: Array<{ at: number; value: string }>): string {
  const spots = [...text.matchAll(NUMBER)];
  if (spots.length === 0) return text;
  const byIndex = new Map(choices.map((c) => [c.at % spots.length, c.value]));
  let out = "";
  let last = 0;
  spots.forEach((m, i) => {
    const v = byIndex.get(i);
    if (v === undefined) return;
    out += text.slice(last, m.index) + v;
    last = m.index! + m[0].length;
  });
  return out + text.slice(last);
}

/** `name(args)` → `name` for the chosen calls: a call written as a bare name. */
function bareCalls(text: string, picks: number[]): string {
  const calls = [...text.matchAll(/\b([a-z_]+)\([^()\n]*\)/g)];
  if (calls.length === 0 || picks.length === 0) return text;
  const chosen = new Set(picks.map((p) => p % calls.length));
  let out = "";
  let last = 0;
  calls.forEach((m, i) => {
    if (!chosen.has(i)) return;
    out += text.slice(last, m.index) + m[1];
    last = m.index! + m[0].length;
  });
  return out + text.slice(last);
}

/** Planning a spec that checked without errors: what went wrong, or undefined. */
function planProblem(text: string): string | undefined {
  const checked = checkProgram(programFromText(text));
  if (checked.hasErrors) return undefined;
  try {
    const json = serializePlan(buildPlan(checked.sem));
    const problems = schemaProblems(JSON.parse(json));
    return problems.length > 0 ? problems.join("; ") : undefined;
  } catch (e) {
    return `plan threw: ${(e as Error).message}`;
  }
}

const mutation = fc.record({
  numbers: fc.array(fc.record({ at: fc.nat(), value: literal }), { minLength: 1, maxLength: 4 }),
  bare: fc.oneof(fc.constant([] as number[]), fc.array(fc.nat(), { minLength: 1, maxLength: 1 })),
});

describe("check accepts only what plan lowers", () => {
  it("the examples check clean as given (the mutations start from valid specs)", () => {
    for (const text of EXAMPLES) expect(checkProgram(programFromText(text)).hasErrors).toBe(false);
  });

  it("holds for the examples with random numbers and bare calls", () => {
    fc.assert(
      fc.property(fc.nat({ max: EXAMPLES.length - 1 }), mutation, (which, m) => {
        const text = bareCalls(replaceNumbers(EXAMPLES[which]!, m.numbers), m.bare);
        expect(planProblem(text), text).toBeUndefined();
      }),
      { numRuns: Number(process.env.RUNS ?? 300), seed: Number(process.env.SEED ?? 9004) },
    );
  });

  it("holds for generated specs with random numbers put into their numeric settings", () => {
    fc.assert(
      fc.property(specConfig, mutation, (config, m) => {
        // a few literals at a time, so that the rest stays valid and the changed ones decide
        const text = replaceNumbers(renderSpec(config), m.numbers);
        expect(planProblem(text), text).toBeUndefined();
      }),
      { numRuns: Number(process.env.RUNS ?? 300), seed: Number(process.env.SEED ?? 9004) },
    );
  });

  it("each value the issue named is an error with a code and a span", () => {
    const churn = EXAMPLES[0]!;
    const cases: Array<[string, string, string]> = [
      ["task   = binary_classification(target = churned)\n  inputs = churn_features\n  arch   = mlp", "task   = foo\n  inputs = churn_features\n  arch   = mlp", "E0204"],
      ["task   = binary_classification(target = churned)\n  inputs = churn_features\n  arch   = mlp", "task   = binary_classification\n  inputs = churn_features\n  arch   = mlp", "E0206"],
      ["range 0..120", "range 0..1e999", "E0330"],
      ["nulls <= 2%", "nulls <= 150%", "E0331"],
      ["max_wait = 2ms", "max_wait = -2ms", "E0332"],
      ["epochs    = 40", "epochs    = 99999999999999999999", "E0330"],
      ["seed      = 1\n", "seed      = 9223372036854775808\n", "E0330"],
      ["timeout = 250ms", "timeout = 1e999ms", "E0330"],
      ["require auc >= 0.78", "require auc >= 1e999", "E0330"],
      ["timeout = 250ms", "timeout = -250ms", "E0332"],
      ["interval = 10m", "interval = -10m", "E0332"],
      ['source = csv("data/customers.csv")', "source = csv", "E0206"],
      ["arch   = linear()", "import = onnx", "E0206"],
    ];
    for (const [from, to, code] of cases) {
      expect(churn.includes(from), from).toBe(true);
      const text = churn.replace(from, to);
      const errors = checkProgram(programFromText(text)).diagnostics.filter((d) => d.severity === "error");
      const at = text.indexOf(to);
      expect(errors.map((d) => d.code), to).toEqual([code]);
      // the span lies inside the replaced text
      expect(errors[0]!.span.start >= at && errors[0]!.span.end <= at + to.length, to).toBe(true);
    }
  });
});
