import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, SERVED } from "./harness.js";

describe("rule test harness", () => {
  it("its building blocks are clean and as long as documented", () => {
    expect(diagnose(DATA)).toEqual([]);
    expect(diagnose(DATA + MODEL)).toEqual([]);
    expect(diagnose(SERVED)).toEqual([]);
    expect(DATA.split("\n").length - 1).toBe(13);
    expect((DATA + MODEL).split("\n").length - 1).toBe(20);
    expect(SERVED.split("\n").length - 1).toBe(24);
  });
});
