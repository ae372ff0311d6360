import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { validateDataset } from "../../runtime/data/contract.js";
import type { DatasetContract } from "../../compiler/plan/schema.js";
import { readQuarantine, tempDir } from "./fixtures.js";

const dir = tempDir();
afterAll(() => dir.remove());

const contract: DatasetContract = {
  columns: [
    { name: "name", type: { kind: "string" }, nulls: { allowed: false } },
    { name: "age", type: { kind: "int" }, nulls: { allowed: false }, range: { min: 0, max: 120 } },
    { name: "score", type: { kind: "float" }, nulls: { allowed: true } },
    { name: "tier", type: { kind: "enum", values: ["a", "b"] }, nulls: { allowed: false } },
  ],
};

/** A cell as written to the CSV, and how many reasons it must produce (0 or 1). */
interface Cell {
  text: string;
  bad: number;
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
const nameCell = fc.oneof(
  fc.string({ unit: fc.constantFrom("a", "b", "z", " ", ",", '"', "\n", "é"), minLength: 1, maxLength: 6 })
    .map((s): Cell => ({ text: quote(s), bad: 0 })),
  fc.constant<Cell>({ text: "", bad: 1 }), // null, not allowed
);
const ageCell = fc.oneof(
  fc.integer({ min: 0, max: 120 }).map((n): Cell => ({ text: String(n), bad: 0 })),
  fc.integer({ min: 121, max: 10_000 }).map((n): Cell => ({ text: String(n), bad: 1 })),
  fc.integer({ min: -500, max: -1 }).map((n): Cell => ({ text: String(n), bad: 1 })),
  fc.constantFrom<Cell>({ text: "x", bad: 1 }, { text: "1.5", bad: 1 }, { text: "", bad: 1 }),
);
const scoreCell = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x): Cell => ({ text: String(x), bad: 0 })),
  fc.constant<Cell>({ text: "", bad: 0 }), // null, allowed
  fc.constantFrom<Cell>({ text: "nan", bad: 1 }, { text: '"1,5"', bad: 1 }, { text: "--1", bad: 1 }),
);
const tierCell = fc.oneof(
  fc.constantFrom<Cell>({ text: "a", bad: 0 }, { text: "b", bad: 0 }),
  fc.constantFrom<Cell>({ text: "c", bad: 1 }, { text: "A", bad: 1 }, { text: "", bad: 1 }),
);
const row = fc.oneof(
  { weight: 9, arbitrary: fc.tuple(nameCell, ageCell, scoreCell, tierCell).map((cells) => ({ cells, malformed: false })) },
  { weight: 1, arbitrary: fc.constantFrom("only,three,fields", "1,2,3,4,5").map((text) => ({ cells: [{ text, bad: 0 }], malformed: true })) },
);

describe("every row is accepted or quarantined", () => {
  it("read = accepted + quarantined, and the quarantined rows are exactly the bad ones, with one reason per bad cell", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 0, maxLength: 25 }), async (rows) => {
        run++;
        const text = "name,age,score,tier\n" + rows.map((r) => r.cells.map((c) => c.text).join(",")).join("\n") + (rows.length ? "\n" : "");
        const path = dir.file(`p${run}.csv`, text);
        const quarantinePath = join(dir.path, `p${run}.jsonl`);
        const result = await validateDataset({ format: "csv", path }, contract, { quarantinePath });
        try {
          expect(result.read).toBe(rows.length);
          expect(result.accepted + result.quarantined).toBe(result.read);
          const expectedBad = rows.flatMap((r, i) =>
            r.malformed ? [[i + 1, 1]] : r.cells.some((c) => c.bad) ? [[i + 1, r.cells.reduce((n, c) => n + c.bad, 0)]] : []);
          const records = readQuarantine(quarantinePath);
          expect(records.map((q) => [q.row, q.reasons.length])).toEqual(expectedBad);
          const accepted = await result.session.rows("SELECT __row FROM accepted ORDER BY __row");
          const expectedGood = rows.flatMap((r, i) => (!r.malformed && !r.cells.some((c) => c.bad) ? [i + 1] : []));
          expect(accepted.map((a) => a["__row"])).toEqual(expectedGood);
        } finally {
          result.session.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
