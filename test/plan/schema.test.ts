/**
 * spec/plan.schema.json is generated from the zod schema and committed: the two
 * never drift apart. The JSON Schema is strict enough to reject what zod rejects.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { planSchemaText } from "../../spec/gen-plan-schema.js";
import { PLAN_SCHEMA_FILE, planFile, REPO, schemaProblems } from "./plan-checks.js";

describe("spec/plan.schema.json", () => {
  it("equals the schema generated from compiler/plan/schema.ts (run `npx tsx spec/gen-plan-schema.ts`)", () => {
    expect(readFileSync(PLAN_SCHEMA_FILE, "utf8")).toBe(planSchemaText());
  });

  it("is a draft 2020-12 schema with the plan's version in its $id", () => {
    const schema = JSON.parse(readFileSync(PLAN_SCHEMA_FILE, "utf8")) as Record<string, unknown>;
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe("https://mlspec.dev/schemas/plan-1.json");
  });

  const { json } = planFile(`${REPO}examples/churn/churn.mlspec`);
  const broken: Array<[string, (p: Record<string, any>) => void]> = [
    ["an unknown top-level field", (p) => (p.extra = 1)],
    ["a wrong plan version", (p) => (p.planVersion = 2)],
    ["a short specHash", (p) => (p.specHash = "abc")],
    ["an unknown step kind", (p) => (p.steps[0].kind = "deploy")],
    ["a step without dependsOn", (p) => delete p.steps[1].dependsOn],
    ["an extra step parameter", (p) => (p.steps[0].params.extra = true)],
    ["a split share above 1", (p) => (p.steps.find((s: any) => s.kind === "split").params.split.test = 1.5)],
    ["a fractional epoch count", (p) => (p.steps.find((s: any) => s.kind === "train").params.train.epochs = 2.5)],
    ["an enum without values", (p) => (p.steps[0].params.contract.columns.find((c: any) => c.type.kind === "enum").type.values = [])],
    ["an unknown on_fail", (p) => (p.rollouts[0].onFail = "ignore")],
  ];
  it.each(broken)("rejects %s in both schemas", (_what, breakIt) => {
    const plan = JSON.parse(json) as Record<string, any>;
    breakIt(plan);
    const problems = schemaProblems(plan);
    expect(problems.some((p) => p.startsWith("json schema:"))).toBe(true);
    expect(problems.some((p) => p.startsWith("zod:"))).toBe(true);
  });
});
