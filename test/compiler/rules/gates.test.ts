import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, only } from "./harness.js";

const withGate = (gate: string) => DATA + MODEL.replace("  metrics = [auc, accuracy]\n", `  metrics = [auc, accuracy]\n  ${gate}\n`);

describe("gates (E0323, E0324)", () => {
  it("passes: bounds on produced metrics, the champion, the test split", () => {
    expect(diagnose(withGate("require auc >= 0.8"))).toEqual([]);
    expect(diagnose(withGate("require auc >= champion.auc - 0.02"))).toEqual([]);
    expect(diagnose(withGate("require test.accuracy > 0.7"))).toEqual([]);
    expect(diagnose(withGate("require loss <= 0.5"))).toEqual([]);
  });

  it("fails E0323: a gate on a metric the model does not compute", () => {
    const bad = withGate("require f1 >= 0.5");
    expect(diagnose(bad)).toEqual(["E0323 20:11"]);
    expect(diagnose(bad.replace("[auc, accuracy]", "[auc, accuracy, f1]"))).toEqual([]);
  });

  it("passes `require beats_baseline`; fails E1201 on a model that lists no metrics", () => {
    expect(diagnose(withGate("require beats_baseline"))).toEqual([]);
    const none = withGate("require beats_baseline").replace("  metrics = [auc, accuracy]\n", "");
    expect(diagnose(none)).toEqual(["E1201 19:11"]);
  });

  it("fails E0323: an unknown qualifier", () => {
    expect(diagnose(withGate("require best.auc >= 0.8"))).toEqual(["E0323 20:11"]);
  });

  it("fails E0324: a gate that compares nothing, or compares the wrong way round", () => {
    expect(diagnose(withGate("require auc"))).toEqual(["E0324 20:11"]);
    expect(diagnose(withGate("require 0.8 <= auc"))).toEqual(["E0324 20:11"]);
    expect(diagnose(withGate("require auc == 0.8"))).toEqual(["E0324 20:11"]);
  });

  it("fails E0323: early stopping on the test split", () => {
    const bad = DATA + MODEL.replace("  metrics", "  train { early_stop(test.auc, patience = 2) }\n  metrics");
    expect(diagnose(bad)).toEqual(["E0323 19:22"]);
    expect(diagnose(bad.replace("test.auc", "val.auc"))).toEqual([]);
  });

  it("passes: constant arithmetic in a bound", () => {
    expect(diagnose(withGate("require auc >= 0.7 + 0.05"))).toEqual([]);
    expect(diagnose(withGate("require auc >= (champion.auc - 0.02) * 1"))).toEqual([]);
  });

  it("fails E0324: a bound that is another metric, or a scaled alias metric", () => {
    expect(diagnose(withGate("require auc >= accuracy"))).toEqual(["E0324 20:18"]);
    expect(diagnose(withGate("require auc >= champion.auc * 0.9"))).toEqual(["E0324 20:18"]);
    expect(diagnose(withGate("require auc >= champion.auc - challenger.auc"))).toEqual(["E0324 20:18"]);
  });

  describe("another model's version (`legacy@champion.auc`)", () => {
    const LEGACY = "\nmodel legacy {\n  task    = binary_classification(target = churned)\n  inputs  = columns(customers, except = [customer_id, churned])\n  arch    = linear()\n  metrics = [auc]\n}\n";

    it("passes: a model of the spec on the same dataset that lists the metric", () => {
      expect(diagnose(withGate("require auc >= legacy@champion.auc - 0.01") + LEGACY)).toEqual([]);
      expect(diagnose(withGate("require auc >= legacy@challenger.auc") + LEGACY)).toEqual([]);
      // the model's own version is its champion
      expect(diagnose(withGate("require auc >= churn@champion.auc"))).toEqual([]);
    });

    it("fails E0202: a model not in the spec, at its name", () => {
      expect(diagnose(withGate("require auc >= legacy@champion.auc"))).toEqual(["E0202 20:18"]);
    });

    it("fails E0323: a metric the other model does not list, at the metric", () => {
      const d = only(withGate("require accuracy >= legacy@champion.accuracy") + LEGACY);
      expect([d.code, d.message]).toEqual(["E0323", "this gate uses `accuracy` of model `legacy`, which that model does not compute"]);
      expect(diagnose(withGate("require accuracy >= legacy@champion.accuracy") + LEGACY)).toEqual(["E0323 20:39"]);
    });

    it("fails E0324: not an alias, or on the gate's left side", () => {
      expect(diagnose(withGate("require auc >= legacy@v3.auc") + LEGACY)).toEqual(["E0324 20:18"]);
      expect(diagnose(withGate("require legacy@champion.auc <= auc") + LEGACY)).toEqual(["E0324 20:11"]);
    });

    it("fails E0326: a model on another dataset (another test split)", () => {
      const other = LEGACY.replace("columns(customers, except = [customer_id, churned])", "columns(others, except = [churned])");
      const ds = "\ndataset others {\n  source = csv(\"others.csv\")\n  label  = churned\n  contract {\n    tenure  : int\n    churned : bool\n  }\n}\n";
      expect(diagnose(withGate("require auc >= legacy@champion.auc") + other + ds)).toEqual(["E0326 20:18"]);
    });

    it("fails E0327: two models gated against each other", () => {
      const back = LEGACY.replace("  metrics = [auc]\n", "  metrics = [auc]\n  require auc >= churn@champion.auc\n");
      expect(diagnose(withGate("require auc >= legacy@champion.auc") + back)).toEqual(["E0327 28:18"]);
    });

    it("fails E0323: another model's metric outside a gate", () => {
      expect(diagnose(DATA + MODEL.replace("  metrics = [auc, accuracy]\n", "  metrics = [auc, accuracy]\n  train {\n    early_stop(legacy@champion.auc)\n  }\n") + LEGACY)).toContain("E0323 21:16");
    });
  });
});
