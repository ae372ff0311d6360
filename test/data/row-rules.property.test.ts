/**
 * Row rules on every column kind, with the values most likely to slip through: bounds hit
 * exactly, one-sided ranges, NaN and infinities, overflow, text that casts loosely ("1.5" as
 * an int, hex), blanks, quoted empty strings, enum case. While reading, each column keeps its
 * typed value only where all its rules hold (the rules folded into its typing); the reasons are
 * worked out separately for the bad rows. Both must agree with a reference: a row is accepted
 * exactly when no cell is bad, with the expected typed values; a quarantined row lists one
 * reason per bad cell, its source row number and its raw text.
 */
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { validateDataset } from "../../runtime/data/contract.js";
import { loadColumns } from "../../runtime/data/load.js";
import type { DatasetContract } from "../../compiler/plan/schema.js";
import { readQuarantine, tempDir } from "./fixtures.js";

const dir = tempDir();
afterAll(() => dir.remove());

const contract: DatasetContract = {
  columns: [
    { name: "i1", type: { kind: "int" }, nulls: { allowed: false }, range: { min: 0, max: 100 } },
    { name: "i2", type: { kind: "int" }, nulls: { allowed: true }, range: { min: 10 } },
    { name: "f1", type: { kind: "float" }, nulls: { allowed: true }, range: { min: -1.5, max: 2.5 } },
    { name: "f2", type: { kind: "float" }, nulls: { allowed: false }, range: { max: 0 } },
    { name: "e", type: { kind: "enum", values: ["x", "y"] }, nulls: { allowed: true } },
    { name: "b", type: { kind: "bool" }, nulls: { allowed: false } },
    { name: "t", type: { kind: "timestamp" }, nulls: { allowed: true } },
  ],
};

/** A cell as written to the CSV: its text, whether it breaks a rule, the accepted value. */
interface Cell {
  text: string;
  bad: boolean;
  value?: number | string | boolean | null;
  /** The raw value as the quarantine reports it (default: the text; unquoted "" is null). */
  raw?: string | null;
}

const ok = (text: string, value: Cell["value"]): Cell => ({ text, bad: false, value });
const bad = (text: string, raw?: string | null): Cell => ({ text, bad: true, ...(raw !== undefined ? { raw } : {}) });

const cells: Record<string, fc.Arbitrary<Cell>> = {
  i1: fc.oneof(
    fc.integer({ min: 0, max: 100 }).map((n) => ok(String(n), n)),
    fc.constantFrom(ok("0", 0), ok("100", 100), ok("7.0", 7), ok("1e1", 10), ok(" 12 ", 12)),
    fc.constantFrom(bad("101"), bad("-1"), bad("1e3"), bad("1.5"), bad("0x1F"), bad("x"), bad(""), bad("  ")),
  ),
  i2: fc.oneof(
    fc.constantFrom(ok("10", 10), ok("999999999999", 999999999999), ok("", null), ok("  ", null)),
    fc.constantFrom(bad("9"), bad("-5"), bad("abc"), bad("10.5")),
  ),
  f1: fc.oneof(
    fc.double({ min: -1.5, max: 2.5, noNaN: true }).map((x) => ok(String(x), Object.is(x, -0) ? 0 : x)),
    fc.constantFrom(ok("-1.5", -1.5), ok("2.5", 2.5), ok("1e-3", 0.001), ok("", null)),
    fc.constantFrom(bad("2.50001"), bad("-1.6"), bad("nan"), bad("inf"), bad("-inf"), bad("1e400"), bad("1,5", "1,5")),
  ),
  f2: fc.oneof(
    fc.constantFrom(ok("0", 0), ok("-3.25", -3.25), ok("-1e300", -1e300)),
    fc.constantFrom(bad("0.1"), bad("nan"), bad("-inf"), bad("inf"), bad("")),
  ),
  e: fc.oneof(
    fc.constantFrom(ok("x", "x"), ok("y", "y"), ok("", null)),
    fc.constantFrom(bad("X"), bad("z"), bad('""', ""), bad(" x", " x")),
  ),
  b: fc.oneof(
    fc.constantFrom(ok("true", true), ok("0", false), ok("yes", true), ok("F", false)),
    fc.constantFrom(bad("maybe"), bad("")),
  ),
  t: fc.oneof(
    fc.constantFrom(
      ok("2024-01-01", Date.UTC(2024, 0, 1)),
      ok("2024-01-01T10:00:00+02:00", Date.UTC(2024, 0, 1, 8)),
      ok("2024-03-05 06:07:08", Date.UTC(2024, 2, 5, 6, 7, 8)),
      ok("", null),
    ),
    fc.constantFrom(bad("2024-13-01"), bad("noon")),
  ),
};
const names = contract.columns.map((c) => c.name);
const rowArbitrary = fc.tuple(...names.map((n) => cells[n]!));

/** The CSV field for a cell's text (quoted where it holds a comma). */
function field(text: string): string {
  return text.includes(",") ? `"${text}"` : text;
}

function rawOf(cell: Cell): string | null {
  if (cell.raw !== undefined) return cell.raw;
  return cell.text === "" ? null : cell.text;
}

describe("row rules folded into typing", () => {
  it("accept exactly the rows without a bad cell, and quarantine the others with one reason per bad cell (property)", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rowArbitrary, { minLength: 1, maxLength: 20 }), fc.constantFrom(1, 2), async (rows, threads) => {
        run++;
        const text = names.join(",") + "\n" + rows.map((r) => r.map((c) => field(c.text)).join(",")).join("\n") + "\n";
        const path = dir.file(`r${run}.csv`, text);
        const quarantinePath = join(dir.path, `r${run}.jsonl`);
        const result = await validateDataset({ format: "csv", path }, contract, { quarantinePath, threads });
        try {
          expect(result.read).toBe(rows.length);
          const good = rows.flatMap((r, i) => (r.some((c) => c.bad) ? [] : [i + 1]));
          expect(result.accepted).toBe(good.length);
          const records = readQuarantine(quarantinePath);
          expect(records.map((q) => q.row)).toEqual(rows.flatMap((r, i) => (r.some((c) => c.bad) ? [i + 1] : [])));
          for (const q of records) {
            const cellsOfRow = rows[q.row - 1]!;
            expect(q.reasons.length).toBe(cellsOfRow.filter((c) => c.bad).length);
            // Each reason names the column of a bad cell.
            const badColumns = names.filter((_, k) => cellsOfRow[k]!.bad);
            expect(q.reasons.map((reason) => reason.split(":")[0]).sort()).toEqual([...badColumns].sort());
            expect(q.values).toEqual(Object.fromEntries(names.map((n, k) => [n, rawOf(cellsOfRow[k]!)])));
          }
          const loaded = await loadColumns(result, { rowNumbersAs: "__row" });
          expect(loaded["__row"]).toEqual(good);
          names.forEach((n, k) => {
            expect(loaded[n]).toEqual(good.map((r) => rows[r - 1]![k]!.value));
          });
        } finally {
          result.session.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
