import { describe, expect, it } from "vitest";
import { onnxFile } from "../model-files.js";
import { DATA, diagnose, MODEL } from "./harness.js";

/** DATA + MODEL + a search whose first sampled line is line 22. */
const withSearch = (samples: string, objective = "maximize val.auc") =>
  DATA + MODEL + `search s for churn {\n${samples}\n  sampler   = tpe(trials = 8, seed = 1)\n  objective = ${objective}\n}\n`;

describe("search-space (E0501–E0505)", () => {
  it("passes: architecture, optimizer and training parameters with fitting distributions", () => {
    const samples = [
      "  arch.hidden ~ choice([16], [32, 16])",
      "  arch.dropout ~ uniform(0.0, 0.5)",
      "  train.optimizer ~ choice(adam, sgd)",
      "  train.optimizer.lr ~ loguniform(1e-4, 1e-1)",
      "  train.optimizer.momentum ~ uniform(0.0, 0.9) when train.optimizer == sgd",
      "  train.epochs ~ int(5, 50)",
      "  train.batch ~ choice(32, 64, 128)",
    ].join("\n");
    expect(diagnose(withSearch(samples))).toEqual([]);
    expect(diagnose(withSearch("  arch.dropout ~ uniform(0.0, 0.5)", "minimize val.loss"))).toEqual([]);
  });

  it("fails E0501: a path that is no hyperparameter, with a did-you-mean", () => {
    const bad = withSearch("  arch.hiden ~ choice([8], [16])");
    expect(diagnose(bad)).toEqual(["E0501 22:3"]);
    expect(diagnose(bad.replace("arch.hiden", "arch.hidden"))).toEqual([]);
  });

  it("fails E0502: an int parameter from loguniform, at the distribution", () => {
    expect(diagnose(withSearch("  train.epochs ~ loguniform(5, 50)"))).toEqual(["E0502 22:18"]);
  });

  it("fails E0502: a choice option of the wrong type, at the option", () => {
    expect(diagnose(withSearch("  arch.hidden ~ choice([8], 16)"))).toEqual(["E0502 22:29"]);
  });

  it("fails E0502: a value that is no distribution", () => {
    expect(diagnose(withSearch("  arch.dropout ~ 0.3"))).toEqual(["E0502 22:18"]);
  });

  it("fails E0503: bounds in the wrong order, a non-positive loguniform bound, outside the parameter's range", () => {
    expect(diagnose(withSearch("  arch.dropout ~ uniform(0.5, 0.1)"))).toEqual(["E0503 22:18"]);
    expect(diagnose(withSearch("  train.optimizer.lr ~ loguniform(0, 0.1)"))).toEqual(["E0503 22:24"]);
    expect(diagnose(withSearch("  arch.dropout ~ uniform(0.1, 1.5)"))).toEqual(["E0503 22:18"]);
  });

  it("fails E0504: an objective without a direction", () => {
    expect(diagnose(withSearch("  arch.dropout ~ uniform(0.0, 0.5)", "val.auc"))).toEqual(["E0504 24:15"]);
  });

  it("fails E0504: an objective whose direction picks the worst trial", () => {
    expect(diagnose(withSearch("  arch.dropout ~ uniform(0.0, 0.5)", "maximize val.loss"))).toEqual(["E0504 24:15"]);
    expect(diagnose(withSearch("  arch.dropout ~ uniform(0.0, 0.5)", "minimize val.auc"))).toEqual(["E0504 24:15"]);
  });

  it("fails E0504: a condition on a parameter that is not sampled, or on an option the choice lacks", () => {
    expect(diagnose(withSearch("  train.optimizer.momentum ~ uniform(0.0, 0.9) when train.optimizer == sgd"))).toEqual(["E0504 22:53"]);
    const bad = withSearch("  train.optimizer ~ choice(adam, sgd)\n  train.optimizer.momentum ~ uniform(0.0, 0.9) when train.optimizer == sdg");
    expect(diagnose(bad)).toEqual(["E0504 23:72"]);
  });

  it("fails E0505: a parameter sampled twice, at the second", () => {
    expect(diagnose(withSearch("  arch.dropout ~ uniform(0.0, 0.5)\n  arch.dropout ~ uniform(0.1, 0.2)"))).toEqual(["E0505 23:3"]);
  });

  it("fails E0323: an objective on the test split", () => {
    expect(diagnose(withSearch("  arch.dropout ~ uniform(0.0, 0.5)", "maximize test.auc"))).toEqual(["E0323 24:24"]);
  });

  it("fails E0501: a search of an imported model, at its target", () => {
    const spec = DATA + MODEL.replace("arch    = mlp(hidden = [16])", 'import  = onnx("churn.onnx")') + "search s for churn {\n  train.epochs ~ int(1, 5)\n  sampler   = random(trials = 2)\n  objective = maximize val.auc\n}\n";
    const churnOnnx = onnxFile({ tenure: { type: "float" }, monthly: { type: "float" }, plan: { type: "string" } }, { probabilities: { type: "float", dims: ["N", 2] } });
    expect(diagnose(spec, { "churn.onnx": churnOnnx })).toEqual(["E0501 21:14"]);
  });

  it("fails E0506: a second search of the same model, at its target", () => {
    const search = (name: string) => `search ${name} for churn {\n  arch.dropout ~ uniform(0.0, 0.5)\n  sampler   = random(trials = 2)\n  objective = maximize val.auc\n}\n`;
    expect(diagnose(DATA + MODEL + search("a") + search("b"))).toEqual(["E0506 26:14"]);
    expect(diagnose(DATA + MODEL + search("a"))).toEqual([]);
  });
});
