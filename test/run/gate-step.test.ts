/** evaluateGates alone: each `require` against absolute and alias-relative bounds. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GateSpec } from "../../compiler/plan/schema.js";
import { evaluateGates } from "../../runtime/run/steps/gate-step.js";

const gate = (text: string, metric: string, op: GateSpec["op"], bound: GateSpec["bound"], split: GateSpec["split"] = "test"): GateSpec => ({ text, metric, op, bound, split });
const none = () => undefined;

describe("evaluateGates", () => {
  it("holds exactly when `value op bound` does (property)", () => {
    const ops = ["<", "<=", ">", ">="] as const;
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.constantFrom(...ops), (value, bound, op) => {
        const { passed } = evaluateGates([gate("g", "m", op, { kind: "value", value: bound })], { m: value }, none);
        const want = op === "<" ? value < bound : op === "<=" ? value <= bound : op === ">" ? value > bound : value >= bound;
        expect(passed).toBe(want);
      }),
    );
  });

  it("fails a missing or NaN metric, and names it", () => {
    const g = gate("auc >= 0.8", "auc", ">=", { kind: "value", value: 0.8 });
    expect(evaluateGates([g], {}, none)).toEqual({ passed: false, reasons: ["auc >= 0.8: auc is missing, needs >= 0.8000"] });
    expect(evaluateGates([g], { auc: NaN }, none)).toEqual({ passed: false, reasons: ["auc >= 0.8: auc is NaN, needs >= 0.8000"] });
  });

  it("reads validation gates from the val. metrics", () => {
    const g = gate("val.auc >= 0.8", "auc", ">=", { kind: "value", value: 0.8 }, "validation");
    expect(evaluateGates([g], { auc: 0.5, "val.auc": 0.9 }, none).passed).toBe(true);
    expect(evaluateGates([g], { auc: 0.9, "val.auc": 0.5 }, none).passed).toBe(false);
  });

  it("compares with the alias's metric plus the offset", () => {
    const g = gate("auc >= champion.auc - 0.01", "auc", ">=", { kind: "alias", alias: "champion", metric: "auc", offset: -0.01 });
    const champion = (alias: string) => (alias === "champion" ? { auc: 0.9 } : undefined);
    expect(evaluateGates([g], { auc: 0.895 }, champion)).toEqual({ passed: true, reasons: ["auc >= champion.auc - 0.01: 0.8950 >= 0.8900"] });
    expect(evaluateGates([g], { auc: 0.85 }, champion)).toEqual({ passed: false, reasons: ["auc >= champion.auc - 0.01: auc is 0.8500, needs >= 0.8900"] });
  });

  it("passes a relative bound with no alias yet, or an alias without that metric, and says which", () => {
    const g = gate("f1 >= champion.f1", "f1", ">=", { kind: "alias", alias: "champion", metric: "f1", offset: 0 });
    expect(evaluateGates([g], { f1: 0.1 }, none)).toEqual({ passed: true, reasons: ["f1 >= champion.f1: no @champion to compare with yet; passes"] });
    expect(evaluateGates([g], { f1: 0.1 }, () => ({ auc: 0.9 }))).toEqual({ passed: true, reasons: ["f1 >= champion.f1: @champion has no f1 to compare with; passes"] });
  });

  it("keeps only the failing gates' reasons when any fails", () => {
    const gates = [gate("auc >= 0.5", "auc", ">=", { kind: "value", value: 0.5 }), gate("logloss <= 0.1", "logloss", "<=", { kind: "value", value: 0.1 })];
    expect(evaluateGates(gates, { auc: 0.9, logloss: 0.3 }, none)).toEqual({ passed: false, reasons: ["logloss <= 0.1: logloss is 0.3000, needs <= 0.1000"] });
  });

  it("compares with another model's version when the bound names the model", () => {
    const g = gate("auc >= legacy@champion.auc - 0.01", "auc", ">=", { kind: "alias", alias: "champion", metric: "auc", offset: -0.01, model: "legacy" });
    const asked: Array<[string, string | undefined]> = [];
    const versions = (alias: string, model?: string) => (asked.push([alias, model]), model === "legacy" ? { auc: 0.8 } : { auc: 0.99 });
    expect(evaluateGates([g], { auc: 0.795 }, versions)).toEqual({ passed: true, reasons: ["auc >= legacy@champion.auc - 0.01: 0.7950 >= 0.7900"] });
    expect(asked).toEqual([["champion", "legacy"]]);
    expect(evaluateGates([g], { auc: 0.7 }, versions).passed).toBe(false);
    expect(evaluateGates([g], { auc: 0.7 }, none)).toEqual({ passed: true, reasons: ["auc >= legacy@champion.auc - 0.01: no legacy@champion to compare with yet; passes"] });
  });
});
