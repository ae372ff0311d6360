import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimateDistinct, hyperLogLogEstimate, leadingZeroRank } from "../../runtime/data/distinct-estimate.js";
import { DataSession } from "../../runtime/data/session.js";

describe("leadingZeroRank", () => {
  it("is the position of the first 1 bit of a 50-bit value (property, against BigInt)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 50n - 1n }), (value) => {
        const bitLength = value === 0n ? 0 : value.toString(2).length;
        expect(leadingZeroRank(Number(value))).toBe(50 - bitLength + 1);
      }),
      { numRuns: 500 },
    );
    expect(leadingZeroRank(0)).toBe(51);
    expect(leadingZeroRank(1)).toBe(50);
    expect(leadingZeroRank(2 ** 49)).toBe(1);
    expect(leadingZeroRank(2 ** 32 - 1)).toBe(19);
    expect(leadingZeroRank(2 ** 32)).toBe(18);
  });
});

describe("hyperLogLogEstimate", () => {
  it("is 0 for empty registers and counts a few values exactly (linear counting)", () => {
    const registers = new Uint8Array(2 ** 14);
    expect(hyperLogLogEstimate(registers)).toBe(0);
    registers[5] = 3;
    registers[900] = 1;
    expect(hyperLogLogEstimate(registers)).toBe(2);
  });
});

describe("estimateDistinct", () => {
  it("estimates distinct counts of small and large columns within a few percent, nulls not counted", async () => {
    const session = await DataSession.open({ threads: 2 });
    try {
      await session.run(`
        CREATE TABLE t AS SELECT
          range AS unique_int,
          (range % 5000)::DOUBLE / 7 AS repeated_float,
          CASE WHEN range % 3 = 0 THEN NULL ELSE range % 40 END AS small_with_nulls,
          TIMESTAMP '2020-01-01' + INTERVAL (range) SECOND AS moment,
          NULL::BIGINT AS empty
        FROM range(300000)`);
      const estimates = await estimateDistinct(session, "t", ["unique_int", "repeated_float", "small_with_nulls", "moment", "empty"]);
      const within = (name: string, exact: number, tolerance: number) =>
        expect(Math.abs(estimates.get(name)! - exact) / exact).toBeLessThanOrEqual(tolerance);
      within("unique_int", 300_000, 0.03);
      within("repeated_float", 5000, 0.03);
      expect(estimates.get("small_with_nulls")).toBe(40);
      within("moment", 300_000, 0.03);
      expect(estimates.get("empty")).toBe(0);
      expect(await estimateDistinct(session, "t", [])).toEqual(new Map());
    } finally {
      session.close();
    }
  });
});
