/**
 * Properties over generated small valid specs: they check without errors, and
 * planning never throws, always validates against both schemas, always gives a DAG,
 * is deterministic, and does not depend on formatting.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../../compiler/language/parse.js";
import { printFile } from "../../compiler/language/printer.js";
import { serializePlan } from "../../compiler/plan/lower.js";
import { dagProblems, hashOfBody, planText, schemaProblems } from "./plan-checks.js";
import { renderSpec, specConfig } from "./spec-arbitrary.js";

describe("planning generated specs", () => {
  it("checks clean, plans, validates, forms a DAG and is stable under formatting", () => {
    fc.assert(
      fc.property(specConfig, (config) => {
        const text = renderSpec(config);
        const { plan, errors } = planText(text);
        expect(errors, text).toEqual([]);
        const json = serializePlan(plan!);
        expect(schemaProblems(JSON.parse(json)), text).toEqual([]);
        expect(dagProblems(plan!), text).toEqual([]);
        expect(plan!.specHash).toBe(hashOfBody(plan!));
        expect(serializePlan(planText(text).plan!)).toBe(json);
        const formatted = printFile(parse(text).file);
        expect(serializePlan(planText(formatted).plan!)).toBe(json);
      }),
      { numRuns: 60 },
    );
  });

  it("gives different hashes to specs that differ in meaning", () => {
    fc.assert(
      fc.property(specConfig, fc.integer({ min: 1, max: 1000 }), (config, seed) => {
        const text = renderSpec(config);
        const changed = text.replace(/^(model \w+ \{)$/m, `$1\n  train { seed = ${seed} }`);
        fc.pre(!config.train && changed !== text);
        expect(planText(changed).plan!.specHash).not.toBe(planText(text).plan!.specHash);
      }),
      { numRuns: 20 },
    );
  });
});
