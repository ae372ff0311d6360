import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, SERVED } from "./harness.js";

const FEATURES = `
features f from customers {
  tenure_z = standardize(tenure)
}

model m {
  task   = binary_classification(target = churned)
  inputs = f
  arch   = linear()
}
`;

describe("block-relation (E0103)", () => {
  it("passes: features from a dataset, search/rollout/monitor for their targets", () => {
    expect(diagnose(DATA + FEATURES)).toEqual([]);
    expect(
      diagnose(
        SERVED +
          `
search s for churn {
  arch.dropout ~ uniform(0.0, 0.5)
  sampler   = random(trials = 4)
  objective = maximize val.auc
}
rollout r for api { canary(steps = [50%, 100%], interval = 10m) }
monitor w for api { drift(features = all, test = psi, threshold = 0.2) }
`,
      ),
    ).toEqual([]);
  });

  it("fails: features with `for` instead of `from`, at the relation", () => {
    const bad = DATA + FEATURES.replace("from customers", "for customers");
    expect(diagnose(bad)).toEqual(["E0103 15:12"]);
    expect(diagnose(bad.replace("for customers", "from customers"))).toEqual([]);
  });

  it("fails: a search with no `for`, at its name", () => {
    const bad = DATA + MODEL + `
search s {
  arch.dropout ~ uniform(0.0, 0.5)
  sampler   = random(trials = 4)
  objective = maximize val.auc
}
`;
    expect(diagnose(bad)).toEqual(["E0103 22:8"]);
    expect(diagnose(bad.replace("search s {", "search s for churn {"))).toEqual([]);
  });

  it("fails: a dataset takes no relation", () => {
    const bad = DATA.replace("dataset customers {", "dataset customers from raw {") + MODEL;
    expect(diagnose(bad)).toEqual(["E0103 3:19"]);
  });
});
