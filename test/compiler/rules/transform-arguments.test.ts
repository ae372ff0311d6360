import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL } from "./harness.js";

/** DATA + a features block whose body is `body` (starting on line 16) + MODEL using it. */
const withFeatures = (body: string) => DATA + `\nfeatures f from customers {\n${body}\n}\n` + MODEL.replace("columns(customers, except = [customer_id, churned])", "f");

describe("transform-arguments (E0209, E0302, E0301, E0310)", () => {
  it("passes: arguments that go together", () => {
    const body = [
      "  a = bucketize(tenure, bins = 4)",
      "  b = bucketize(monthly, boundaries = [10, 50.5, 100])",
      "  c = impute(monthly, strategy = constant, value = 0) |> clip(0, 100)",
      '  d = impute(plan, strategy = constant, value = "basic") |> onehot',
      "  e = impute(plan, strategy = mode) |> onehot",
      "  g = monthly |> log1p |> impute(strategy = median)",
    ].join("\n");
    expect(diagnose(withFeatures(body))).toEqual([]);
  });

  it("fails E0209: bucketize with neither boundaries nor bins, or with both", () => {
    expect(diagnose(withFeatures("  a = bucketize(tenure)"))).toEqual(["E0209 16:7"]);
    expect(diagnose(withFeatures("  a = bucketize(tenure, bins = 4, boundaries = [1, 2])"))).toEqual(["E0209 16:35"]);
  });

  it("fails E0302: bucket edges that do not increase, at the first out of order", () => {
    expect(diagnose(withFeatures("  a = bucketize(tenure, boundaries = [10, 5, 20])"))).toEqual(["E0302 16:43"]);
  });

  it("fails E0209: impute's value without strategy constant, and the reverse", () => {
    expect(diagnose(withFeatures("  a = impute(monthly, value = 0)"))).toEqual(["E0209 16:23"]);
    expect(diagnose(withFeatures("  a = impute(monthly, strategy = constant)"))).toEqual(["E0209 16:23"]);
  });

  it("fails E0310: a mean of strings", () => {
    expect(diagnose(withFeatures("  p = impute(plan, strategy = median) |> onehot"))).toEqual(["E0310 16:31"]);
  });

  it("fails E0301: a fill value of the wrong type for its column", () => {
    expect(diagnose(withFeatures('  m = impute(monthly, strategy = constant, value = "none")'))).toEqual(["E0301 16:52"]);
    expect(diagnose(withFeatures("  p = impute(plan, strategy = constant, value = 0) |> onehot"))).toEqual(["E0301 16:49"]);
  });

  it("fails E0302: clip's low above its high", () => {
    expect(diagnose(withFeatures("  m = clip(monthly, 10, 1)"))).toEqual(["E0302 16:21"]);
  });
});
