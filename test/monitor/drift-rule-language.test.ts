/** `auto` is the default drift test and `wasserstein` a distance over numeric columns (spec/language.md#monitor). */
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/index.js";
import { programFromText } from "../../compiler/check/program.js";
import { buildPlan } from "../../compiler/plan/lower.js";
import { diagnose, SERVED } from "../compiler/rules/harness.js";

const withMonitor = (body: string) => SERVED + `monitor w for api {\n${body}\n}\n`;

describe("drift tests auto and wasserstein in a spec", () => {
  it("passes: auto takes a threshold, a p-value or both; without `test` the rule is auto", () => {
    expect(diagnose(withMonitor("  drift(features = all, test = auto, threshold = 0.1, p_value < 0.01)"))).toEqual([]);
    // before auto was the default, the default psi refused a p-value (E0606)
    expect(diagnose(withMonitor("  drift(features = all, p_value < 0.01)"))).toEqual([]);
    expect(diagnose(withMonitor("  drift(features = [tenure], test = wasserstein, threshold = 0.1)"))).toEqual([]);
  });

  it("fails E0606: wasserstein with a p-value, or on a categorical column", () => {
    expect(diagnose(withMonitor("  drift(features = [tenure], test = wasserstein, p_value < 0.01)"))).toEqual(["E0606 26:50"]);
    expect(diagnose(withMonitor("  drift(features = [plan], test = wasserstein, threshold = 0.1)"))).toEqual(["E0606 26:21"]);
  });

  it("the plan names auto when the rule names no test", () => {
    const checked = checkProgram(programFromText(withMonitor("  drift(features = all, window = 1h)")));
    expect(checked.hasErrors).toBe(false);
    const plan = buildPlan(checked.sem);
    expect(plan.monitors[0]!.drift[0]!.test).toBe("auto");
  });
});
