/** Label encoding and the check that a classifier's training labels hold more than one class. */
import { describe, expect, it } from "vitest";
import type { TaskSpec } from "../../compiler/plan/schema.js";
import { RunError } from "../../runtime/run/errors.js";
import { checkTrainingClasses, classLabels, encodeLabels } from "../../runtime/run/labels.js";

const binary: TaskSpec = { kind: "binary", target: "y", classes: [false, true] } as TaskSpec;
const multiclass: TaskSpec = { kind: "multiclass", target: "y" } as TaskSpec;
const regression: TaskSpec = { kind: "regression", target: "y" } as TaskSpec;

describe("labels", () => {
  it("encodes binary labels as 0/1 and multiclass labels by sorted class", () => {
    expect([...encodeLabels(binary, [true, false, true], classLabels(binary, []), "train").y]).toEqual([1, 0, 1]);
    const classes = classLabels(multiclass, ["b", "a", "c", "a"]);
    expect(classes).toEqual(["a", "b", "c"]);
    expect([...encodeLabels(multiclass, ["c", "a"], classes, "train").y]).toEqual([2, 0]);
  });

  it("rejects a class unseen in training and a missing label, as data errors", () => {
    expect(() => encodeLabels(multiclass, ["d"], ["a", "b"], "test")).toThrow(/label `d` in the test split is not one of the classes a, b/);
    try {
      encodeLabels(regression, [1, null], undefined, "validation");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RunError);
      expect((e as RunError).exitCode).toBe(4);
    }
    // a numeric label column loaded typed carries a null as NaN
    expect(() => encodeLabels(regression, Float64Array.of(1, NaN), undefined, "validation")).toThrow(/the validation split has a row without a label/);
    expect(classLabels(multiclass, Float64Array.of(2, NaN, 1))).toEqual(["1", "2"]);
  });

  it("rejects training labels of one class only", () => {
    expect(() => checkTrainingClasses(binary, Float32Array.of(1, 1, 1), ["false", "true"])).toThrow("the label `y` has one class only (true) in the training split");
    expect(() => checkTrainingClasses(multiclass, Float32Array.of(2, 2), ["a", "b", "c"])).toThrow("one class only (c)");
    expect(() => checkTrainingClasses(binary, Float32Array.of(0, 1), ["false", "true"])).not.toThrow();
    expect(() => checkTrainingClasses(regression, Float32Array.of(3, 3), undefined)).not.toThrow();
  });
});
