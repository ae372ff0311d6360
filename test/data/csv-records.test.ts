/**
 * CSV records are split by the declared dialect, not sniffed: one bad line is quarantined with
 * its reason and never stops the read, and every row keeps its number (the data-record index).
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { DataSourceError } from "../../runtime/data/errors.js";
import type { DatasetContract } from "../../compiler/plan/schema.js";
import { column, readQuarantine, tempDir, validatedCsv } from "./fixtures.js";

const dir = tempDir();
afterAll(() => dir.remove());
let counter = 0;

async function read(csv: string | Buffer, contract: DatasetContract) {
  const name = `r${counter++}`;
  const result = await validatedCsv(dir, name, csv as string, contract);
  try {
    const accepted = await result.session.rows("SELECT * FROM accepted ORDER BY __row");
    return { result, accepted, quarantine: readQuarantine(result.quarantinePath) };
  } finally {
    result.session.close();
  }
}

const idx: DatasetContract = { columns: [column("id", "string"), column("x", "int", { range: { max: 100 } })] };

describe("CSV records", () => {
  it("numbers rows after a blank line by their data-record index (issue example)", async () => {
    const { accepted, quarantine } = await read("id,x\nz,1\n\ny,1\nc,2,3\nd,999\ne,4\n", idx);
    expect(accepted.map((r) => [r["__row"], r["id"]])).toEqual([[1, "z"], [2, "y"], [5, "e"]]);
    expect(quarantine.map((q) => [q.row, q.values["id"] ?? q.line])).toEqual([[3, "c,2,3"], [4, "d"]]);
  });

  it("quarantines a CRLF line in an LF file, an unclosed quote and text after a quote, and reads on", async () => {
    const { result, accepted, quarantine } = await read('id,x\na,1\nb,2\r\ne,"5"x\nc,"3\nd,4\nf,6\n', idx);
    expect(accepted.map((r) => [r["__row"], r["id"]])).toEqual([[1, "a"], [2, "b"], [5, "d"], [6, "f"]]);
    expect(quarantine.map((q) => [q.row, q.reasons, q.line])).toEqual([
      [3, ["malformed CSV row: text after the closing quote of a field"], 'e,"5"x'],
      [4, ["malformed CSV row: a quoted field is never closed (no closing quote before the end of the file)"], 'c,"3'],
    ]);
    expect([result.read, result.accepted, result.quarantined]).toEqual([6, 4, 2]);
  });

  it("uses the declared delimiter, skips a byte order mark, and takes CRLF files as they are", async () => {
    const contract: DatasetContract = { columns: [column("id", "string"), column("x", "string")] };
    const path = dir.file("semi.csv", "\ufeffid;x\r\na;1,5\r\n\r\nb;\"2;\r\n3\"\r\n");
    const { validateDataset } = await import("../../runtime/data/contract.js");
    const r = await validateDataset({ format: "csv", path, delimiter: ";" }, contract, { quarantinePath: `${path}.q.jsonl` });
    try {
      expect(await r.session.rows("SELECT * FROM accepted ORDER BY __row")).toEqual([
        { __row: 1, id: "a", x: "1,5" },
        { __row: 2, id: "b", x: "2;\r\n3" },
      ]);
    } finally {
      r.session.close();
    }
  });

  it("refuses a header that names a column twice, naming both positions", async () => {
    await expect(read("id,x,id\na,1,2\n", idx)).rejects.toThrow(DataSourceError);
    await expect(read("id,x,id\na,1,2\n", idx)).rejects.toThrow(/the header names column "id" twice \(fields 1 and 3\)/);
    await expect(read("id,x,X\na,1,2\n", idx)).rejects.toThrow(/columns "x" \(field 2\) and "X" \(field 3\), which differ only in case/);
  });

  it("numbers rows by their data-record index for any blank lines, quoted newlines and line ends (property)", async () => {
    const record = fc.record({
      kind: fc.constantFrom("good", "multiline", "short", "long", "range"),
      blanks: fc.integer({ min: 0, max: 2 }),
      crlf: fc.boolean(),
    });
    const contract: DatasetContract = {
      columns: [column("id", "int"), column("s", "string"), column("y", "int", { range: { max: 100 } })],
    };
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 25 }), fc.boolean(), async (records, headerCrlf) => {
        let csv = `id,s,y${headerCrlf ? "\r\n" : "\n"}`;
        records.forEach((r, i) => {
          const k = i + 1;
          const end = r.crlf ? "\r\n" : "\n";
          csv += end.repeat(r.blanks);
          const text = {
            good: `${k},plain,5`,
            multiline: `${k},"two${end}lines, ""quoted""",5`,
            short: `${k},x`,
            long: `${k},x,1,2`,
            range: `${k},x,999`,
          }[r.kind];
          csv += text + end;
        });
        const { result, accepted, quarantine } = await read(csv, contract);
        const goods = records.flatMap((r, i) => (r.kind === "good" || r.kind === "multiline" ? [i + 1] : []));
        const bads = records.flatMap((r, i) => (r.kind === "good" || r.kind === "multiline" ? [] : [i + 1]));
        expect(result.read).toBe(records.length);
        expect(accepted.map((a) => a["__row"])).toEqual(goods);
        expect(accepted.map((a) => a["id"])).toEqual(goods);
        expect(quarantine.map((q) => q.row)).toEqual(bads);
        for (const q of quarantine) expect(q.line ?? q.values["id"]).toMatch(new RegExp(`^${q.row}(,|$)`));
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
