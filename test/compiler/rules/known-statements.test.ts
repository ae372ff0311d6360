import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, SERVED } from "./harness.js";

describe("known-statements (E0104, E0105, E0106, E0107)", () => {
  it("passes: every block holding what its section lists", () => {
    expect(diagnose(SERVED)).toEqual([]);
    const full = SERVED.replace(
      "  model = churn@champion\n",
      "  model = churn@champion\n  http(port = 8080)\n  batching(max_batch = 8, max_wait = 2ms)\n  slo { p99_latency < 50ms }\n",
    );
    expect(diagnose(full)).toEqual([]);
  });

  it("fails E0104: a gate in a dataset", () => {
    const bad = DATA.replace("  label  = churned\n", "  label  = churned\n  require auc >= 0.8\n") + MODEL;
    expect(diagnose(bad)).toEqual(["E0104 6:3"]);
  });

  it("fails E0104: `==` where `=` was meant, with help saying so", () => {
    const bad = DATA + MODEL.replace("  metrics", "  train { epochs == 3 }\n  metrics");
    const ds = diagnose(bad);
    expect(ds).toEqual(["E0104 19:11"]);
  });

  it("fails E0105: a misspelt setting, with a did-you-mean", () => {
    const bad = DATA.replace("  label  =", "  lable  =") + MODEL;
    expect(diagnose(bad)).toEqual(["E0105 5:3"]);
  });

  it("fails E0105: an unknown call in serve and in train", () => {
    expect(diagnose(SERVED.replace("  model = churn@champion\n", "  model = churn@champion\n  htp(port = 1)\n"))).toEqual(["E0105 24:3"]);
    expect(diagnose(DATA + MODEL.replace("  metrics", "  train { stop_early(val.auc) }\n  metrics"))).toEqual(["E0105 19:11"]);
  });

  it("fails E0106: a dataset without source, at its name", () => {
    const bad = DATA.replace('  source = csv("customers.csv")\n', "") + MODEL;
    expect(diagnose(bad)).toEqual(["E0106 3:9"]);
  });

  it("fails E0106: a model with neither arch nor import, and a search that tunes nothing", () => {
    expect(diagnose(DATA + MODEL.replace("  arch    = mlp(hidden = [16])\n", ""))).toEqual(["E0106 15:7"]);
    const search = `
search s for churn {
  sampler   = random(trials = 4)
  objective = maximize val.auc
}
`;
    expect(diagnose(DATA + MODEL + search)).toEqual(["E0106 22:8"]);
    expect(diagnose(DATA + MODEL + search.replace("  sampler", "  arch.dropout ~ uniform(0.0, 0.5)\n  sampler"))).toEqual([]);
  });

  it("fails E0107: a setting set twice, at the second", () => {
    const bad = DATA + MODEL.replace("  arch    = mlp(hidden = [16])\n", "  arch    = mlp(hidden = [16])\n  arch    = linear()\n");
    expect(diagnose(bad)).toEqual(["E0107 19:3"]);
  });

  it("skips missing-setting checks on a block cut short by a syntax error", () => {
    // only the unclosed brace is reported, not the dataset's missing contract
    expect(diagnose('mlspec 1\n\ndataset d {\n  source = csv("d.csv")\n')).toEqual(["E0003 4:24"]);
  });

  it("reports a nested block without its name once", () => {
    expect(diagnose(DATA.replace("  contract {", "  {") + MODEL)).toEqual(["E0003 6:3"]);
  });
});
