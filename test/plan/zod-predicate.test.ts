/**
 * predicateOf(schema) gives safeParse's verdict: on every kind of schema the plan
 * format uses, at their edges, and on plans and mutations of them (a value of
 * another type, out of range or not finite, a key removed or added).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { generateSpec } from "../../bench/generate-spec.js";
import { PlanSchema, type Plan } from "../../compiler/plan/schema.js";
import { predicateOf } from "../../compiler/plan/zod-predicate.js";
import { planText, REPO } from "./plan-checks.js";
import { renderSpec, specConfig } from "./spec-arbitrary.js";

function expectSameVerdict(schema: z.ZodType, value: unknown): void {
  expect(predicateOf(schema)(value), JSON.stringify(value)).toBe(schema.safeParse(value).success);
}

const EDGES: unknown[] = [undefined, null, true, false, 0, -0, 1, -1, 0.5, 1.5, 2 ** 53, -(2 ** 60), NaN, Infinity, -Infinity, "", "a", "abc", [], [1], ["a"], [undefined], {}, { a: 1 }, { kind: "a" }, { kind: "b", x: 1 }, new Date(0)];

describe("predicateOf", () => {
  it.each([
    ["string", z.string()],
    ["regex", z.string().regex(/^[0-9a-f]{4}$/)],
    ["number", z.number()],
    ["bounds", z.number().min(0).max(1)],
    ["int", z.number().int().min(1)],
    ["boolean", z.boolean()],
    ["literal", z.literal("a")],
    ["enum", z.enum(["a", "b"])],
    ["optional", z.string().optional()],
    ["array", z.array(z.number()).min(1)],
    ["record", z.record(z.string(), z.number())],
    ["custom", z.custom<unknown>((v) => typeof v === "number" && v > 0)],
    ["object", z.object({ a: z.number(), b: z.string().optional() })],
    ["strict object", z.strictObject({ a: z.number(), b: z.string().optional() })],
    ["object with a catchall", z.object({ a: z.number() }).catchall(z.union([z.number(), z.boolean()]))],
    ["union", z.union([z.string(), z.number().int()])],
    ["discriminated union", z.discriminatedUnion("kind", [z.strictObject({ kind: z.literal("a") }), z.strictObject({ kind: z.literal("b"), x: z.number() })])],
  ] as const)("gives safeParse's verdict for %s", (_, schema) => {
    for (const v of EDGES) expectSameVerdict(schema, v);
    expectSameVerdict(z.array(z.number()), [1, , 2]); // a hole
    expectSameVerdict(z.strictObject({ a: z.number().optional() }), { a: undefined });
    expectSameVerdict(z.strictObject({ a: z.number() }), { a: 1, extra: undefined });
    expectSameVerdict(z.strictObject({ a: z.number() }), {});
    const rest = z.object({ a: z.number() }).catchall(z.number());
    for (const v of [{ a: 1, b: 2 }, { a: 1, b: "2" }, { a: 1, b: undefined }, { b: 2 }]) expectSameVerdict(rest, v);
  });

  it("refuses a schema it cannot check exactly", () => {
    expect(() => predicateOf(z.date())).toThrow(/no predicate for zod type date/);
    expect(() => predicateOf(z.string().email())).toThrow(/no predicate for the check/);
  });
});

const isPlan = predicateOf(PlanSchema);

function plans(): Array<{ name: string; plan: Plan }> {
  const out = ["churn/churn.mlspec", "housing/housing.mlspec", "iris/iris.mlspec", "movies/movies.mlspec"].map((p) => {
    const { plan, errors } = planText(readFileSync(path.join(REPO, "examples", p), "utf8"));
    expect(errors).toEqual([]);
    return { name: p, plan: plan! };
  });
  out.push({ name: "generated", plan: planText(generateSpec(300, 5)).plan! });
  return out;
}

/** Every object and array in a value, with a way to change it. */
function containers(v: unknown, out: Array<Record<string, unknown> | unknown[]> = []): Array<Record<string, unknown> | unknown[]> {
  if (v && typeof v === "object") {
    out.push(v as Record<string, unknown>);
    for (const x of Object.values(v)) containers(x, out);
  }
  return out;
}

describe("the plan predicate", () => {
  const PLANS = plans();

  it.each(PLANS)("passes the plan of $name", ({ plan }) => {
    expect(isPlan(plan)).toBe(true);
  });

  it("passes generated plans", () => {
    fc.assert(
      fc.property(specConfig, (config) => {
        const { plan } = planText(renderSpec(config));
        expect(isPlan(plan)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("gives safeParse's verdict on mutated plans", () => {
    const replacement = fc.constantFrom(...EDGES, -5, 3, 1e9, "x", ["x"], { kind: "alert", params: {} });
    fc.assert(
      fc.property(fc.nat({ max: PLANS.length - 1 }), fc.nat(), fc.nat(), replacement, fc.constantFrom("replace", "delete", "add"), (p, at, keyAt, value, how) => {
        const plan = structuredClone(PLANS[p]!.plan);
        const all = containers(plan);
        const target = all[at % all.length]!;
        const keys = Object.keys(target);
        if (how === "add" || keys.length === 0) (target as Record<string, unknown>)[Array.isArray(target) ? target.length : "extra"] = value;
        else {
          const key = keys[keyAt % keys.length]!;
          if (how === "delete") delete (target as Record<string, unknown>)[key];
          else (target as Record<string, unknown>)[key] = value;
        }
        expectSameVerdict(PlanSchema, plan);
      }),
      { numRuns: 3000 },
    );
  });
});
