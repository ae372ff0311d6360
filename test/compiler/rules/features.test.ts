import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL } from "./harness.js";

/** DATA + a features block whose body is `body` (starting on line 16) + MODEL using it. */
const withFeatures = (body: string) =>
  DATA + `\nfeatures f from customers {\n${body}\n}\n` + MODEL.replace("columns(customers, except = [customer_id, churned])", "f");

describe("features (E0212, E0310, E0311, E0701)", () => {
  it("passes: columns, transforms, pipelines, features built on features", () => {
    const body = [
      "  t = standardize(tenure)",
      "  m = impute(monthly, strategy = median) |> log1p |> clip(0, 12)",
      "  m_z = m |> standardize",
      "  p = onehot(plan)",
      "  id = hash(customer_id, buckets = 64)",
      "  pc = cross(plan, customer_id, buckets = 32)",
      "  raw = monthly",
    ].join("\n");
    expect(diagnose(withFeatures(body))).toEqual([]);
  });

  it("fails E0212: a feature defined twice, at the second", () => {
    expect(diagnose(withFeatures("  t = standardize(tenure)\n  t = minmax(tenure)"))).toEqual(["E0212 17:3"]);
  });

  it("fails E0310: standardize of an enum, at the transform, with an encoding hint", () => {
    const bad = withFeatures("  p = standardize(plan)");
    expect(diagnose(bad)).toEqual(["E0310 16:7"]);
    expect(diagnose(bad.replace("standardize(plan)", "onehot(plan)"))).toEqual([]);
  });

  it("fails E0310: a later stage that cannot take the previous stage's output", () => {
    expect(diagnose(withFeatures("  p = onehot(plan) |> onehot"))).toEqual(["E0310 16:23"]);
  });

  it("fails E0310: a string column passed through untransformed", () => {
    expect(diagnose(withFeatures("  id = customer_id"))).toEqual(["E0310 16:8"]);
  });

  it("fails E0311: arithmetic is not a transform", () => {
    expect(diagnose(withFeatures("  years = tenure / 12"))).toEqual(["E0311 16:11"]);
  });

  it("fails E0311: a transform with no input column", () => {
    expect(diagnose(withFeatures("  t = standardize()"))).toEqual(["E0311 16:7"]);
  });

  it("fails E0311: cross of one column", () => {
    expect(diagnose(withFeatures("  c = cross(plan, buckets = 8)"))).toEqual(["E0311 16:7"]);
  });

  it("fails E0701: features that depend on each other", () => {
    const bad = withFeatures("  a = standardize(b)\n  b = clip(a, 0, 1)");
    expect(diagnose(bad)).toEqual(["E0701 16:3"]);
    expect(diagnose(bad.replace("standardize(b)", "standardize(tenure)"))).toEqual([]);
  });
});
