import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, only } from "./harness.js";

const withTask = (task: string, label = "churned") => DATA.replace("label  = churned", `label  = ${label}`) + MODEL.replace("binary_classification(target = churned)", task).replace("metrics = [auc, accuracy]", "metrics = []");

describe("task-label (E0320, E0321)", () => {
  it("passes: each task with a label of a fitting type", () => {
    expect(diagnose(withTask("binary_classification(target = churned)"))).toEqual([]);
    expect(diagnose(withTask("regression(target = monthly)", "monthly"))).toEqual([]);
    expect(diagnose(withTask("multiclass_classification(target = plan)", "plan"))).toEqual([]);
    expect(diagnose(withTask("regression(target = tenure)", "tenure"))).toEqual([]);
  });

  it("passes: binary classification of a two-valued enum", () => {
    expect(diagnose(withTask("binary_classification(target = plan)", "plan"))).toEqual([]);
  });

  it("fails E0320: binary classification of an int, at the target", () => {
    const d = only(withTask("binary_classification(target = tenure)", "tenure"));
    expect([d.code, d.source.position(d.span.start)]).toEqual(["E0320", { line: 16, column: 44 }]);
    expect(d.label).toBe("declared int in dataset `customers`");
  });

  it("fails E0320: regression of a string", () => {
    expect(diagnose(withTask("regression(target = customer_id)", "customer_id"))).toEqual(["E0320 16:33"]);
  });

  it("fails E0321: a target that is not the dataset's label", () => {
    expect(diagnose(withTask("regression(target = monthly)"))).toEqual(["E0321 16:33"]);
  });

  it("reports an unknown label once, as E0210", () => {
    expect(diagnose(withTask("binary_classification(target = churned)", "churn"))).toEqual(["E0210 5:12"]);
  });
});
