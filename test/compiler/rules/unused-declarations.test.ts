import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, only } from "./harness.js";

const EXTRA_DATA = `
dataset old {
  source = csv("old.csv")
  contract { x : int }
}
`;

describe("unused-declarations (W0001)", () => {
  it("passes: every dataset and features block used", () => {
    expect(diagnose(DATA + MODEL)).toEqual([]);
  });

  it("passes: a spec with no model is a data contract, not unused data", () => {
    expect(diagnose(DATA + EXTRA_DATA)).toEqual([]);
  });

  it("passes: blocks imported from another file are there to be shared", () => {
    expect(diagnose(`mlspec 1\nimport "lib.mlspec"\n` + DATA.replace("mlspec 1\n", "") + MODEL, { "lib.mlspec": EXTRA_DATA })).toEqual([]);
  });

  it("fails: an unused dataset next to a model, a warning at its name", () => {
    const d = only(DATA + MODEL + EXTRA_DATA);
    expect([d.code, d.severity, d.source.position(d.span.start)]).toEqual(["W0001", "warning", { line: 22, column: 9 }]);
  });

  it("fails: an unused features block", () => {
    expect(diagnose(DATA + MODEL + "\nfeatures f from customers {\n  t = standardize(tenure)\n}\n")).toEqual(["W0001 22:10"]);
  });

  it("stays quiet when a reference is unresolved (that error explains it)", () => {
    expect(diagnose(DATA + MODEL.replace("columns(customers,", "columns(customer,"))).toEqual(["E0202 17:21"]);
  });
});
