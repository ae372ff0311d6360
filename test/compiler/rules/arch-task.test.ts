import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, only } from "./harness.js";

describe("arch-task (E0325)", () => {
  it("passes: architectures that learn the model's task", () => {
    expect(diagnose(DATA + MODEL)).toEqual([]);
    expect(diagnose(DATA + MODEL.replace("mlp(hidden = [16])", "linear()"))).toEqual([]);
    expect(diagnose(DATA + MODEL.replace("mlp(hidden = [16])", "wide_deep()"))).toEqual([]);
  });

  it("fails: matrix factorisation of a classifier, at the architecture, listing those that fit", () => {
    const d = only(DATA + MODEL.replace("mlp(hidden = [16])", "matrix_factorization()"));
    expect([d.code, d.source.position(d.span.start)]).toEqual(["E0325", { line: 18, column: 13 }]);
    expect(d.help).toBe("architectures for binary classification: `linear`, `mlp`, `wide_deep`");
  });

  it("fails: a linear recommender", () => {
    const spec = DATA.replace("label  = churned", "label  = monthly") + MODEL.replace("binary_classification(target = churned)", "recommendation(user = customer_id, item = plan, target = monthly)").replace("mlp(hidden = [16])", "linear").replace("metrics = [auc, accuracy]", "metrics = []");
    expect(diagnose(spec)).toEqual(["E0325 18:13"]);
    expect(diagnose(spec.replace("= linear", "= matrix_factorization"))).toEqual([]);
  });
});
