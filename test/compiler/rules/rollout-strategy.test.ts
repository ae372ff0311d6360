import { describe, expect, it } from "vitest";
import { diagnose, SERVED } from "./harness.js";

const withRollout = (body: string) => SERVED + `rollout r for api {\n${body}\n}\n`;

describe("rollout-strategy (E0603)", () => {
  it("passes: each strategy alone", () => {
    expect(diagnose(withRollout("  canary(steps = [10%, 100%], interval = 10m)"))).toEqual([]);
    expect(diagnose(withRollout("  shadow(churn@challenger, sample = 50%, duration = 1d)"))).toEqual([]);
    expect(diagnose(withRollout("  bandit(arms = [churn@champion, churn@challenger], reward = converted)"))).toEqual([]);
  });

  it("fails: no strategy, at the rollout's name", () => {
    expect(diagnose(withRollout("  on_fail = rollback"))).toEqual(["E0603 25:9"]);
  });

  it("fails: two strategies, at the second", () => {
    expect(diagnose(withRollout("  canary(steps = [10%, 100%], interval = 10m)\n  shadow(churn@challenger, duration = 1d)"))).toEqual(["E0603 27:3"]);
  });

  it("reports a misspelt strategy once, as an unknown call", () => {
    expect(diagnose(withRollout("  canery(steps = [10%, 100%], interval = 10m)"))).toEqual(["E0105 26:3"]);
  });
});
