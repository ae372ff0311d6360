/**
 * The plans of the shipped examples: valid against both schemas, a DAG, equal
 * byte for byte to the golden files, deterministic, and unchanged by formatting.
 * `npm run golden` rewrites the golden files (test/golden.ts).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "../../compiler/language/parse.js";
import { printFile } from "../../compiler/language/printer.js";
import { expectGolden } from "../golden.js";
import { dagProblems, hashOfBody, planFile, REPO, schemaProblems } from "./plan-checks.js";

const EXAMPLES = ["churn", "housing", "movies", "iris", "credit"];
const specPath = (name: string) => path.join(REPO, "examples", name, `${name}.mlspec`);
const goldenPath = (name: string) => path.join(REPO, "test", "plan", "golden", `${name}.plan.json`);

describe.each(EXAMPLES)("example %s", (name) => {
  const { plan, json, warnings } = planFile(specPath(name));

  it("checks clean, without warnings", () => {
    expect(warnings).toEqual([]);
  });

  it("validates against the JSON Schema and the zod schema", () => {
    expect(schemaProblems(JSON.parse(json))).toEqual([]);
  });

  it("has steps that form a DAG in topological order", () => {
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(dagProblems(plan)).toEqual([]);
  });

  it("carries the sha256 of its body as specHash", () => {
    expect(plan.specHash).toBe(hashOfBody(JSON.parse(json)));
  });

  it("equals its golden file byte for byte", () => {
    expectGolden(goldenPath(name), json);
  });

  it("is the same when planned twice", () => {
    expect(planFile(specPath(name)).json).toBe(json);
  });

  it("is unchanged by formatting, comments and blank lines", () => {
    const text = readFileSync(specPath(name), "utf8");
    const formatted = printFile(parse(text).file);
    expect(planFile(specPath(name), formatted).json).toBe(json);
    const noisy = text.replace(/\n/g, "\n\n").replace(/^(\s*)(\w)/gm, "$1# note\n$1$2").replace(/ = /g, "   =   ");
    expect(planFile(specPath(name), noisy).json).toBe(json);
  });
});
