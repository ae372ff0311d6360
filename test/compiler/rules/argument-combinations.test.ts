import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL } from "./harness.js";

const withSplit = (split: string) => DATA.replace("  label  = churned\n", `  label  = churned\n  split  = ${split}\n`) + MODEL;
const withOptimizer = (opt: string) => DATA + MODEL.replace("  metrics", `  train { optimizer = ${opt} }\n  metrics`);

describe("argument-combinations (E0209, E0302)", () => {
  it("passes: shares that leave training rows, Nesterov with momentum", () => {
    expect(diagnose(withSplit("holdout(test = 20%, validation = 10%, stratify = churned)"))).toEqual([]);
    expect(diagnose(withSplit("holdout(test = 45%, validation = 45%)"))).toEqual([]);
    expect(diagnose(withOptimizer("sgd(lr = 0.1, momentum = 0.9, nesterov = true)"))).toEqual([]);
  });

  it("passes: several split keys (group wins, then order_by, then stratify)", () => {
    expect(diagnose(withSplit("holdout(stratify = churned, group = customer_id)"))).toEqual([]);
  });

  it("fails E0302: test and validation that take every row", () => {
    expect(diagnose(withSplit("holdout(test = 60%, validation = 40%)"))).toEqual(["E0302 6:45"]);
    expect(diagnose(withSplit("holdout(test = 90%)"))).toEqual(["E0302 6:27"]);
  });

  it("fails E0209: Nesterov momentum without momentum", () => {
    expect(diagnose(withOptimizer("sgd(lr = 0.1, nesterov = true)"))).toEqual(["E0209 19:37"]);
  });
});
