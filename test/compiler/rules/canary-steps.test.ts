import { describe, expect, it } from "vitest";
import { diagnose, SERVED } from "./harness.js";

const withSteps = (steps: string) => SERVED + `rollout r for api { canary(steps = ${steps}, interval = 10m) }\n`;

describe("canary-steps (E0601, E0602)", () => {
  it("passes: increasing percentages ending at 100%", () => {
    expect(diagnose(withSteps("[5%, 25%, 50%, 100%]"))).toEqual([]);
    expect(diagnose(withSteps("[100%]"))).toEqual([]);
  });

  it("fails E0601: a step that does not increase, at that step", () => {
    expect(diagnose(withSteps("[5%, 50%, 25%, 100%]"))).toEqual(["E0601 25:46"]);
    expect(diagnose(withSteps("[5%, 5%, 100%]"))).toEqual(["E0601 25:41"]);
  });

  it("fails E0331 (value-bounds), not E0601: a step above 100%", () => {
    // (150% is also not a last step of 100%: one mistake, one message)
    expect(diagnose(withSteps("[50%, 150%]"))).toEqual(["E0331 25:42"]);
  });

  it("fails E0602: steps that stop short of 100%, at the last step", () => {
    expect(diagnose(withSteps("[5%, 25%, 50%]"))).toEqual(["E0602 25:46"]);
  });

  it("fails E0602: no steps", () => {
    expect(diagnose(withSteps("[]"))).toEqual(["E0602 25:36"]);
  });
});
