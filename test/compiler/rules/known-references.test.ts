import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, only, SERVED } from "./harness.js";

describe("known-references (E0202, E0203)", () => {
  it("passes: inputs, served models, rollout candidates and `using` all resolve", () => {
    const spec =
      SERVED +
      `
search s for churn {
  arch.dropout ~ uniform(0.0, 0.5)
  sampler   = random(trials = 4)
  objective = maximize val.auc
}
rollout r for api { shadow(churn@challenger, duration = 1d) }
monitor w for api {
  drift(features = all, test = psi, threshold = 0.2)
  retrain when drift, using s
}
`;
    expect(diagnose(spec)).toEqual([]);
  });

  it("fails E0202: a misspelt served model, with a did-you-mean", () => {
    const d = only(SERVED.replace("model = churn@champion", "model = chrun@champion"));
    expect([d.code, d.source.position(d.span.start), d.help]).toEqual(["E0202", { line: 23, column: 11 }, "did you mean `churn`?"]);
  });

  it("fails E0202: an unknown `inputs`", () => {
    expect(diagnose(DATA + MODEL.replace("columns(customers, except = [customer_id, churned])", "churn_features"))).toEqual(["E0202 17:13"]);
  });

  it("fails E0202: an unknown rollout candidate", () => {
    expect(diagnose(SERVED + "rollout r for api { shadow(churn2@challenger, duration = 1d) }\n")).toEqual(["E0202 25:28"]);
  });

  it("fails E0203: a block of the wrong kind", () => {
    expect(diagnose(SERVED.replace("model = churn@champion", "model = customers@champion"))).toEqual(["E0203 23:11"]);
    expect(diagnose(SERVED + "monitor w for churn { drift(features = all, test = psi, threshold = 0.2) }\n")).toEqual(["E0203 25:15"]);
  });

  it("fails E0203: `using` names a dataset", () => {
    const bad = SERVED + `monitor w for api {
  drift(features = all, test = psi, threshold = 0.2)
  retrain when drift, using customers
}
`;
    expect(diagnose(bad)).toEqual(["E0203 27:29"]);
  });
});
