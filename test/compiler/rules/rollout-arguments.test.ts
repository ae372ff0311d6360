import { describe, expect, it } from "vitest";
import { diagnose, SERVED } from "./harness.js";

const withRollout = (body: string) => SERVED + `rollout r for api {\n${body}\n}\n`;

describe("rollout-arguments (E1001, E1002, E1003)", () => {
  it("passes: two arms, a split strictly inside (0%, 100%), a full shadow, absolute bandit guards", () => {
    expect(diagnose(withRollout("  bandit(arms = [churn@champion, churn@challenger], reward = converted)\n  guard { error_rate < 1% }"))).toEqual([]);
    expect(diagnose(withRollout("  ab(churn@challenger, traffic = 10%, metric = converted)"))).toEqual([]);
    expect(diagnose(withRollout("  shadow(churn@challenger, sample = 100%, duration = 1h)"))).toEqual([]);
    expect(diagnose(withRollout("  canary(steps = [10%, 100%], interval = 10m)\n  guard { auc >= champion.auc - 0.01 }"))).toEqual([]);
  });

  it("fails E1001: a bandit over one arm, or the same arm twice, at the list", () => {
    expect(diagnose(withRollout("  bandit(arms = [churn@champion], reward = converted)"))).toEqual(["E1001 26:17"]);
    expect(diagnose(withRollout("  bandit(arms = [churn@champion, churn@champion], reward = converted)"))).toEqual(["E1001 26:17"]);
  });

  it("fails E1002: ab traffic of 0% or 100%, a shadow sample of 0%, at the value", () => {
    expect(diagnose(withRollout("  ab(churn@challenger, traffic = 100%, metric = converted)"))).toEqual(["E1002 26:34"]);
    expect(diagnose(withRollout("  ab(churn@challenger, traffic = 0%, metric = converted)"))).toEqual(["E1002 26:34"]);
    expect(diagnose(withRollout("  shadow(churn@challenger, sample = 0%, duration = 1h)"))).toEqual(["E1002 26:37"]);
  });

  it("fails E1003: a bandit guard relative to the champion, at its right side", () => {
    expect(diagnose(withRollout("  bandit(arms = [churn@champion, churn@challenger], reward = converted)\n  guard { auc >= champion.auc - 0.01 }"))).toEqual(["E1003 27:18"]);
  });
});
