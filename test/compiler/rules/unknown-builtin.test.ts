import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, only } from "./harness.js";

describe("unknown-builtin (E0204)", () => {
  it("passes: known sources, splits, tasks, archs, optimizers, transforms", () => {
    const spec = DATA.replace("  label  = churned\n", "  label  = churned\n  split  = holdout(test = 20%, seed = 1)\n") + MODEL.replace("  metrics", "  train { optimizer = sgd(lr = 0.1) }\n  metrics");
    expect(diagnose(spec)).toEqual([]);
  });

  it("fails: a misspelt source, with a did-you-mean", () => {
    const d = only(DATA.replace("csv(", "cvs(") + MODEL);
    expect([d.code, d.source.position(d.span.start), d.help]).toEqual(["E0204", { line: 4, column: 12 }, "did you mean `csv`?"]);
  });

  it("fails: an unknown architecture lists the known ones", () => {
    const d = only(DATA + MODEL.replace("mlp(hidden = [16])", "transformer(layers = 2)"));
    expect([d.code, d.source.position(d.span.start)]).toEqual(["E0204", { line: 18, column: 13 }]);
    expect(d.help).toMatch(/`linear`.*`mlp`/);
  });

  it("fails: an unknown transform in a pipeline stage", () => {
    const spec = DATA + `
features f from customers {
  m = monthly |> log1p |> clamp(0, 1)
}
` + MODEL.replace("columns(customers, except = [customer_id, churned])", "f");
    expect(diagnose(spec)).toEqual(["E0204 16:27"]);
    expect(diagnose(spec.replace("clamp", "clip"))).toEqual([]);
  });

  it("fails: an unknown optimizer", () => {
    expect(diagnose(DATA + MODEL.replace("  metrics", "  train { optimizer = adamw(lr = 0.1) }\n  metrics"))).toEqual(["E0204 19:23"]);
  });
});
