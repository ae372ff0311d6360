import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { DataSession } from "../../runtime/data/session.js";

let session: DataSession;
beforeAll(async () => {
  session = await DataSession.open({ threads: 1 });
});
afterAll(() => session.close());

describe("DataSession.typedColumns", () => {
  it("reads DOUBLE and INTEGER columns into typed arrays over many chunks, others as columns does", async () => {
    const sql = `SELECT i::DOUBLE / 4 AS d, (i * 3 - 7)::INTEGER AS n, 'r' || i AS s,
                 CASE WHEN i % 7 = 0 THEN NULL ELSE i::DOUBLE END AS holes
                 FROM range(5000) t(i) ORDER BY i`;
    const plain = await session.columns(sql);
    const typed = await session.typedColumns(sql);
    expect(typed["d"]).toBeInstanceOf(Float64Array);
    expect(typed["n"]).toBeInstanceOf(Int32Array);
    expect([...typed["d"]!]).toEqual(plain["d"]);
    expect([...typed["n"]!]).toEqual(plain["n"]);
    expect(typed["s"]).toEqual(plain["s"]);
    // a vector with nulls is read value by value, the nulls as NaN
    expect([...typed["holes"]!]).toEqual((plain["holes"] as Array<number | null>).map((v) => v ?? NaN));
  });

  it("agrees with columns on any doubles", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 40 }), async (values) => {
        const list = values.length === 0 ? "SELECT 1.0::DOUBLE AS v WHERE false" : `SELECT v FROM (VALUES ${values.map((v, i) => `(${i}, ${v === 0 && Object.is(v, -0) ? "-0.0" : v.toString()}::DOUBLE)`).join(", ")}) t(i, v) ORDER BY i`;
        const typed = await session.typedColumns(list);
        const plain = await session.columns(list);
        expect([...typed["v"]!]).toEqual(plain["v"]);
      }),
      { numRuns: 30 },
    );
  });
});
