import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL } from "./harness.js";

/** DATA + a features block whose body is `body` (starting on line 16) + MODEL using it. */
const withFeatures = (body: string, task = "binary_classification(target = churned)") =>
  DATA +
  `\nfeatures f from customers {\n${body}\n}\n` +
  MODEL.replace("columns(customers, except = [customer_id, churned])", "f").replace("binary_classification(target = churned)", task);

describe("label-leakage (E0312)", () => {
  it("passes: features from other columns", () => {
    expect(diagnose(withFeatures("  t = standardize(tenure)\n  p = onehot(plan)"))).toEqual([]);
  });

  it("fails: the target passed through as a feature, at the column", () => {
    const bad = withFeatures("  t = standardize(tenure)\n  lost = churned");
    expect(diagnose(bad)).toEqual(["E0312 17:10"]);
    expect(diagnose(bad.replace("  lost = churned", ""))).toEqual([]);
  });

  it("fails: the target as the input of a transform or of a cross", () => {
    expect(diagnose(withFeatures("  c = onehot(churned)"))).toEqual(["E0312 16:14"]);
    expect(diagnose(withFeatures("  c = cross(plan, churned, buckets = 8)"))).toEqual(["E0312 16:19"]);
  });

  it("passes: a column that is another model's target is no leak for this one", () => {
    const spec = withFeatures("  t = standardize(tenure)\n  c = onehot(churned)", "regression(target = monthly)").replace("label  = churned", "label  = monthly").replace("metrics = [auc, accuracy]", "metrics = [rmse]");
    expect(diagnose(spec)).toEqual([]);
  });
});
