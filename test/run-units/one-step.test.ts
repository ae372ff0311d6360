/** `mlspec step`'s pieces: what a step reads back (its dependency closure) and when it counts as done before (its content key). */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { planOf } from "../../compiler/plan/index.js";
import { dependencyClosure } from "../../runtime/run/executor.js";
import { RunError } from "../../runtime/run/errors.js";
import { stepDoneKey, stepToRun } from "../../runtime/run/one-step.js";
import { binaryProject, removeTempDirs } from "../run/fixtures.js";

const REPO = path.resolve(import.meta.dirname, "../..");
afterAll(() => removeTempDirs());

describe("dependencyClosure", () => {
  const plan = planOf(compileFile(path.join(REPO, "examples/churn/churn.mlspec")));
  const step = (id: string) => plan.steps.find((s) => s.id === id)!;

  it("register reads back everything before it, the dataset's profile included (its monitoring reference stores it)", () => {
    expect([...dependencyClosure(plan, step("register:churn_logreg"))].sort()).toEqual(
      ["validate:customers", "profile:customers", "split:customers", "fit_features:churn_features", "train:churn_logreg", "evaluate:churn_logreg", "gate:churn_logreg", "export:churn_logreg"].sort(),
    );
  });

  it("a search reads what its trial template reads; the first step reads nothing", () => {
    const search = plan.steps.find((s) => s.kind === "search")!;
    expect(dependencyClosure(plan, search)).toContain("fit_features:churn_features");
    expect(dependencyClosure(plan, step("validate:customers")).size).toBe(0);
  });

  it("a trial template or an unknown id is no step to run, with the reason", () => {
    const template = plan.steps.find((s) => s.kind === "search")!.dependsOn[0]!;
    expect(() => stepToRun(plan, template)).toThrow(RunError);
    expect(() => stepToRun(plan, template)).toThrow(/trial template of search:churn_search/);
    expect(() => stepToRun(plan, "nope")).toThrow(/no step "nope"/);
    expect(stepToRun(plan, "train:churn_logreg").kind).toBe("train");
  });
});

describe("stepDoneKey", () => {
  it("changes with the data a step reads, the step, and the backend; not with data it does not read", () => {
    const p = binaryProject();
    const plan = planOf(compileFile(p.spec));
    const train = plan.steps.find((s) => s.kind === "train")!;
    const validate = plan.steps.find((s) => s.kind === "validate")!;
    const before = stepDoneKey(plan, train, p.dir, "cpu");
    expect(stepDoneKey(plan, train, p.dir, "cpu")).toBe(before);
    expect(stepDoneKey(plan, train, p.dir, "wasm")).not.toBe(before);
    expect(stepDoneKey(plan, validate, p.dir, "cpu")).not.toBe(before);
    writeFileSync(path.join(p.dir, "other.csv"), "a\n1\n");
    expect(stepDoneKey(plan, train, p.dir, "cpu")).toBe(before);
    writeFileSync(p.data, "id,x1,x2,color,label\nr0,1,1,red,true\n");
    expect(stepDoneKey(plan, train, p.dir, "cpu")).not.toBe(before);
  });
});
