import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { durationLiteral } from "../../text/duration-literal.js";

const SIZES: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

describe("durationLiteral", () => {
  it("writes a duration as the spec would", () => {
    expect(durationLiteral(86_400_000)).toBe("1d");
    expect(durationLiteral(5_400_000)).toBe("90m");
    expect(durationLiteral(250)).toBe("250ms");
    expect(durationLiteral(1_500)).toBe("1500ms");
  });

  it("reads back to the same number of milliseconds, in the largest unit that divides it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 ** 12 }), (ms) => {
        const m = /^(\d+)(d|h|m|s|ms)$/.exec(durationLiteral(ms))!;
        expect(Number(m[1]) * SIZES[m[2]!]!).toBe(ms);
        // no larger unit divides it
        const larger = Object.entries(SIZES).filter(([, size]) => size > SIZES[m[2]!]!);
        for (const [, size] of larger) expect(ms % size).not.toBe(0);
      }),
    );
  });
});
