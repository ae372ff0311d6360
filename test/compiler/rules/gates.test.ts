import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL } from "./harness.js";

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
});
