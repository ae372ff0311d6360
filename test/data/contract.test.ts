import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { validateDataset, type ValidationResult } from "../../runtime/data/contract.js";
import { DataSourceError, DataSpecError } from "../../runtime/data/errors.js";
import type { DatasetContract, SourceSpec } from "../../compiler/plan/schema.js";
import { column, customers, readQuarantine, tempDir } from "./fixtures.js";

const dir = tempDir();
const open: ValidationResult[] = [];
afterAll(() => {
  for (const r of open) r.session.close();
  dir.remove();
});

let counter = 0;
async function validate(
  content: string | Buffer,
  contract: DatasetContract = customers,
  source: Partial<SourceSpec> = {},
): Promise<ValidationResult & { records: ReturnType<typeof readQuarantine> }> {
  counter++;
  const format = source.format ?? "csv";
  const path = dir.file(`data-${counter}.${format}`, content);
  const quarantinePath = join(dir.path, `quarantine-${counter}.jsonl`);
  const result = await validateDataset({ format, path, ...source }, contract, { quarantinePath });
  open.push(result);
  return { ...result, records: readQuarantine(quarantinePath) };
}

const HEADER = "customer_id,tenure,monthly,plan,churned\n";

describe("row rules", () => {
  it("quarantines each kind of row violation with its reason and source row number", async () => {
    const r = await validate(
      HEADER +
        "c1,10,50.5,basic,true\n" + //   1 ok
        "c2,130,50,pro,false\n" + //     2 range
        "c3,abc,50,pro,false\n" + //     3 int type
        "c4,10,cheap,pro,false\n" + //   4 float type
        "c5,10,50,gold,false\n" + //     5 enum
        "c6,10,50,pro,maybe\n" + //      6 bool type
        "c7,,50,pro,false\n" + //        7 null not allowed
        "c8,1.5,50,pro,false\n" + //     8 int with a fraction
        "c9,10,inf,pro,false\n" + //     9 non-finite float
        "c10,-1,,basic,no\n", //         10 range (below); monthly null is allowed
    );
    expect(r.read).toBe(10);
    expect(r.accepted).toBe(1);
    expect(r.quarantined).toBe(9);
    expect(r.records.map((q) => [q.row, q.reasons])).toEqual([
      [2, ["tenure: 130 is outside range 0..120"]],
      [3, ['tenure: "abc" is not a valid int']],
      [4, ['monthly: "cheap" is not a valid float']],
      [5, ['plan: "gold" is not one of "basic", "pro", "enterprise"']],
      [6, ['churned: "maybe" is not a valid bool']],
      [7, ["tenure: missing value (nulls are not allowed)"]],
      [8, ['tenure: "1.5" is not a valid int']],
      [9, ['monthly: "inf" is not a valid float']],
      [10, ["tenure: -1 is outside range 0..120"]],
    ]);
    expect(r.records[0]!.values).toEqual({ customer_id: "c2", tenure: "130", monthly: "50", plan: "pro", churned: "false" });
    expect(r.records[5]!.values["tenure"]).toBeNull();
  });

  it("lists every reason of a row that breaks several rules, in contract order", async () => {
    const r = await validate(HEADER + ",500,-3,gold,perhaps\n");
    expect(r.records).toHaveLength(1);
    expect(r.records[0]!.reasons).toEqual([
      "customer_id: missing value (nulls are not allowed)",
      "tenure: 500 is outside range 0..120",
      "monthly: -3 is outside range 0..10000",
      'plan: "gold" is not one of "basic", "pro", "enterprise"',
      'churned: "perhaps" is not a valid bool',
    ]);
  });

  it("accepts the usual spellings of each type and types the accepted table", async () => {
    const contract: DatasetContract = {
      columns: [
        column("i", "int"),
        column("f", "float"),
        column("b", "bool"),
        column("t", "timestamp"),
        column("s", "string"),
      ],
    };
    const r = await validate(
      "i,f,b,t,s\n" +
        "7,1.5,true,2024-01-02,x\n" +
        "-3,2e3,F,2024-01-02T03:04:05Z,\"\"\n" +
        "1e3,.5,yes,2024-01-02 03:04:05+02:00,y\n" +
        "7.0,-0,0,2024-01-02T03:04:05.250,z\n",
      contract,
    );
    expect(r.quarantined).toBe(0);
    const rows = await r.session.rows("SELECT i, f, b, strftime(t, '%Y-%m-%dT%H:%M:%S.%g') AS t FROM accepted ORDER BY __row");
    expect(rows).toEqual([
      { i: 7, f: 1.5, b: true, t: "2024-01-02T00:00:00.000" },
      { i: -3, f: 2000, b: false, t: "2024-01-02T03:04:05.000" },
      { i: 1000, f: 0.5, b: true, t: "2024-01-02T01:04:05.000" },
      { i: 7, f: -0, b: false, t: "2024-01-02T03:04:05.250" },
    ]);
  });

  it("treats a blank value as null for typed columns but as a value for strings", async () => {
    const contract: DatasetContract = {
      columns: [column("n", "int", { nulls: { allowed: true } }), column("s", "string")],
    };
    const r = await validate('n,s\n"  ",""\n5,"  "\n', contract);
    expect(r.quarantined).toBe(0);
    const rows = await r.session.rows("SELECT n, s FROM accepted ORDER BY __row");
    expect(rows[0]!["n"]).toBeNull();
    expect(rows[1]).toEqual({ n: 5, s: "  " });
  });
});

describe("reading", () => {
  it("numbers rows around malformed CSV lines and quarantines them with the text read", async () => {
    const r = await validate(HEADER + "c1,1,1,basic,true\nc2,2\nc3,3,3,pro,true,extra\nc4,4,4,pro,false\n");
    expect(r.read).toBe(4);
    expect(r.accepted).toBe(2);
    expect(r.records.map((q) => [q.row, q.reasons, q.line])).toEqual([
      [2, ["malformed CSV row: expected 5 fields, found 2"], "c2,2"],
      [3, ["malformed CSV row: expected 5 fields, found 6"], "c3,3,3,pro,true,extra"],
    ]);
    expect(await r.session.rows("SELECT __row, customer_id FROM accepted ORDER BY __row")).toEqual([
      { __row: 1, customer_id: "c1" },
      { __row: 4, customer_id: "c4" },
    ]);
  });

  it("numbers rows correctly past many malformed lines (the ASOF path)", async () => {
    const lines: string[] = [];
    for (let i = 1; i <= 900; i++) lines.push(i % 3 === 0 ? `c${i},broken` : `c${i},1,1,basic,true`);
    const r = await validate(HEADER + lines.join("\n") + "\n");
    expect([r.read, r.accepted, r.quarantined]).toEqual([900, 600, 300]);
    expect(r.records.map((q) => q.row)).toEqual(Array.from({ length: 300 }, (_, k) => 3 * (k + 1)));
    const accepted = await r.session.rows("SELECT __row, customer_id FROM accepted ORDER BY __row");
    expect(accepted.every((a) => a["customer_id"] === `c${a["__row"]}`)).toBe(true);
  });

  it("quarantines JSON Lines with bad text encoding and keeps numbering the lines after them", async () => {
    const good = (id: string) => Buffer.from(`{"customer_id":"${id}","tenure":1,"monthly":1,"plan":"pro","churned":true}\n`);
    const content = Buffer.concat([good("c1"), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), good("c3")]);
    const r = await validate(content, customers, { format: "jsonl" });
    expect([r.read, r.accepted, r.quarantined]).toEqual([3, 2, 1]);
    expect(r.records.map((q) => [q.row, q.reasons[0]!.startsWith("line is not valid JSON text")])).toEqual([[2, true]]);
    expect(await r.session.rows("SELECT __row, customer_id FROM accepted ORDER BY __row")).toEqual([
      { __row: 1, customer_id: "c1" },
      { __row: 3, customer_id: "c3" },
    ]);
  });

  it("handles column names with spaces, quotes and non-ASCII letters", async () => {
    const contract: DatasetContract = {
      columns: [column("first name", "string"), column('say "hi"', "int", { range: { max: 5 } }), column("größe", "float")],
    };
    const r = await validate('first name,"say ""hi""",größe\nann,1,1.5\nbob,9,2\n', contract);
    expect(r.datasetViolations).toEqual([]);
    expect(r.records.map((q) => [q.row, q.reasons, q.values])).toEqual([
      [2, ['say "hi": 9 is outside range <= 5'], { "first name": "bob", 'say "hi"': "9", "größe": "2" }],
    ]);
    expect(await r.session.rows('SELECT "first name", "größe" FROM accepted')).toEqual([{ "first name": "ann", "größe": 1.5 }]);
  });

  it("counts a quoted field spanning lines as one row", async () => {
    const r = await validate(HEADER + 'c1,1,1,basic,true\n"c\n2",200,1,pro,true\nc3,3,3,pro,false\n');
    expect(r.read).toBe(3);
    expect(r.records.map((q) => [q.row, q.values["customer_id"]])).toEqual([[2, "c\n2"]]);
  });

  it("reports contract columns missing from the file as dataset violations and ignores extra ones", async () => {
    const r = await validate("customer_id,Tenure,monthly,plan,churned,note\nc1,1,1,basic,true,hello\nc2,2,2,pro,oops,bye\n");
    expect(r.datasetViolations.filter((v) => v.rule === "column_missing")).toEqual([
      {
        rule: "column_missing",
        column: "tenure",
        message: `column "tenure" is missing from ${r.source.path} (the file has "Tenure"; column names are case-sensitive)`,
        observed: null,
        expected: 'a column named "tenure"',
      },
    ]);
    expect(r.extraColumns).toEqual(["Tenure", "note"]);
    expect(r.accepted).toBe(1);
    expect(r.records[0]!.values).toEqual({ customer_id: "c2", Tenure: "2", monthly: "2", plan: "pro", churned: "oops", note: "bye" });
  });

  it("reads an empty file as no rows, with one dataset violation", async () => {
    const r = await validate("");
    expect([r.read, r.accepted, r.quarantined]).toEqual([0, 0, 0]);
    expect(r.datasetViolations).toEqual([{ rule: "rows", message: "no rows were accepted", observed: 0, expected: ">= 1" }]);
    expect(r.records).toEqual([]);
  });

  it("reads a header-only file as no rows", async () => {
    const r = await validate(HEADER);
    expect([r.read, r.accepted, r.quarantined]).toEqual([0, 0, 0]);
    expect(r.datasetViolations.map((v) => v.rule)).toEqual(["rows"]);
  });

  it("fails clearly on a missing file, a directory and a binary file", async () => {
    const quarantinePath = join(dir.path, "never.jsonl");
    await expect(validateDataset({ format: "csv", path: join(dir.path, "nope.csv") }, customers, { quarantinePath }))
      .rejects.toThrow(new DataSourceError(`data file not found: ${join(dir.path, "nope.csv")}`));
    await expect(validateDataset({ format: "csv", path: dir.path }, customers, { quarantinePath }))
      .rejects.toThrow(/is a directory, not a data file/);
    const binary = dir.file("binary.csv", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe, 0x00]));
    await expect(validateDataset({ format: "csv", path: binary }, customers, { quarantinePath }))
      .rejects.toThrow(/does not look like a CSV file: it contains binary data/);
    const notParquet = dir.file("fake.parquet", "a,b\n1,2\n");
    await expect(validateDataset({ format: "parquet", path: notParquet }, customers, { quarantinePath }))
      .rejects.toThrow(/is not a Parquet file/);
    expect(existsSync(quarantinePath)).toBe(false);
  });

  it("quarantines every row when none is valid", async () => {
    const r = await validate(HEADER + "c1,x,1,basic,true\nc2,y,1,basic,true\nc3,z,1,basic,true\n");
    expect([r.read, r.accepted, r.quarantined]).toEqual([3, 0, 3]);
    expect(r.records.map((q) => q.row)).toEqual([1, 2, 3]);
    expect(r.datasetViolations.map((v) => v.rule)).toEqual(["rows"]);
  });

  it("honours a delimiter and a file without header (columns by contract order)", async () => {
    const r = await validate("c1;5;1.5;pro;true\nc2;7;2;basic;false\n", customers, { delimiter: ";", header: false });
    expect(r.accepted).toBe(2);
    expect(await r.session.rows("SELECT customer_id, tenure FROM accepted ORDER BY __row")).toEqual([
      { customer_id: "c1", tenure: 5 },
      { customer_id: "c2", tenure: 7 },
    ]);
  });

  it("reads JSON Lines: typed JSON values, missing keys as null, bad lines quarantined by line number", async () => {
    const content = [
      '{"customer_id":"c1","tenure":5,"monthly":1.5,"plan":"pro","churned":true}',
      "",
      '{"customer_id":"c2","tenure":"7","plan":"basic","churned":false}',
      "{not json",
      "[1,2]",
      '{"customer_id":"c6","tenure":500,"monthly":null,"plan":"pro","churned":false,"extra":[1,2]}',
    ].join("\n") + "\n";
    const r = await validate(content, customers, { format: "jsonl" });
    expect([r.read, r.accepted, r.quarantined]).toEqual([5, 2, 3]);
    expect(r.records.map((q) => [q.row, q.reasons])).toEqual([
      [4, ["line is not valid JSON"]],
      [5, ["line is JSON but not an object"]],
      [6, ["tenure: 500 is outside range 0..120"]],
    ]);
    expect(r.records[2]!.values).toEqual({
      customer_id: "c6", tenure: "500", monthly: null, plan: "pro", churned: "false", extra: "[1,2]",
    });
    expect(await r.session.rows("SELECT __row, tenure, monthly, churned FROM accepted ORDER BY __row")).toEqual([
      { __row: 1, tenure: 5, monthly: 1.5, churned: true },
      { __row: 3, tenure: 7, monthly: null, churned: false },
    ]);
  });

  it("refuses JSON keys that differ only in case", async () => {
    await expect(validate('{"a":1,"A":2}\n', { columns: [column("a", "int")] }, { format: "jsonl" }))
      .rejects.toThrow('keys "a" and "A" differ only in case; rename one');
  });

  it("reads Parquet written by DuckDB, numbering rows by position", async () => {
    const r0 = await validate(HEADER + "c0,1,1,basic,true\n");
    const parquet = join(dir.path, "customers.parquet");
    const session = (await validateDataset({ format: "csv", path: r0.source.path }, customers, {
      quarantinePath: join(dir.path, "q-parquet-src.jsonl"),
    })).session;
    await session.run(`COPY (
      SELECT * FROM (VALUES ('c1', 5, 1.5, 'pro', true), ('c2', 130, 2.0, 'basic', false), ('c3', 7, NULL, 'gold', true))
        t(customer_id, tenure, monthly, plan, churned)
    ) TO '${parquet}' (FORMAT parquet)`);
    session.close();
    const quarantinePath = join(dir.path, "q-parquet.jsonl");
    const r = await validateDataset({ format: "parquet", path: parquet }, customers, { quarantinePath });
    const rows = await r.session.rows("SELECT __row, customer_id, tenure, monthly FROM accepted ORDER BY __row");
    r.session.close();
    expect(rows).toEqual([{ __row: 1, customer_id: "c1", tenure: 5, monthly: 1.5 }]);
    expect(readQuarantine(quarantinePath).map((q) => [q.row, q.reasons])).toEqual([
      [2, ["tenure: 130 is outside range 0..120"]],
      [3, ['plan: "gold" is not one of "basic", "pro", "enterprise"']],
    ]);
  });
});

describe("dataset rules", () => {
  it("checks row count, null fraction, uniqueness, mean and std on accepted rows", async () => {
    const contract: DatasetContract = {
      columns: [
        column("id", "string", { unique: true }),
        column("x", "float", { nulls: { allowed: true, maxFraction: 0.25 }, mean: { min: 10 }, std: { max: 1 } }),
      ],
      rows: { min: 10 },
    };
    const r = await validate("id,x\na,1\nb,\nc,3\na,\nbad,zz\n", contract);
    expect(r.accepted).toBe(4);
    expect(r.datasetViolations).toEqual([
      { rule: "rows", message: "4 rows were accepted; the contract requires at least 10", observed: 4, expected: ">= 10" },
      {
        rule: "unique", column: "id", message: 'id: 1 accepted row repeats an earlier value, e.g. "a" (2 times)',
        observed: 1, expected: "0 duplicate values",
      },
      {
        rule: "nulls", column: "x", message: "x: 50% of accepted values are null; at most 25% allowed",
        observed: 0.5, expected: "<= 0.25",
      },
      { rule: "mean", column: "x", message: "x: mean 2 is outside >= 10", observed: 2, expected: ">= 10" },
      {
        rule: "std", column: "x", message: "x: standard deviation 1.41421 is outside <= 1",
        observed: Math.SQRT2, expected: "<= 1",
      },
    ]);
  });

  it("checks the maximum row count", async () => {
    const r = await validate("id\na\nb\nc\nd\n", { columns: [column("id", "string")], rows: { max: 3 } });
    expect(r.datasetViolations).toEqual([
      { rule: "rows", message: "4 rows were accepted; the contract allows at most 3", observed: 4, expected: "<= 3" },
    ]);
  });

  it("reports nothing when every rule holds", async () => {
    const contract: DatasetContract = {
      columns: [column("id", "string", { unique: true }), column("x", "int", { mean: { min: 1, max: 3 }, std: { min: 0.5 } })],
      rows: { min: 3, max: 3 },
    };
    const r = await validate("id,x\na,1\nb,2\nc,3\n", contract);
    expect(r.datasetViolations).toEqual([]);
  });

  it("rejects contracts it cannot apply", async () => {
    const bad = (contract: DatasetContract) =>
      validateDataset({ format: "csv", path: dir.file("x.csv", "a\n1\n") }, contract, { quarantinePath: join(dir.path, "q.jsonl") });
    await expect(bad({ columns: [column("a", "int"), column("a", "float")] })).rejects.toThrow(DataSpecError);
    await expect(bad({ columns: [column("a", "string", { range: { min: 0 } })] }))
      .rejects.toThrow('column "a": range applies to int and float columns, not string');
    await expect(bad({ columns: [column("a", "int", { range: { min: 5, max: 1 } })] })).rejects.toThrow(/greater than maximum/);
  });
});

describe("outputs", () => {
  it("writes the quarantine file atomically, leaving no temporary file", async () => {
    const r = await validate(HEADER + "c1,999,1,basic,true\n");
    expect(r.quarantined).toBe(1);
    expect(readdirSync(dir.path).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("gives the same data hash on every run and any thread count, and a new one when data changes", async () => {
    const content = HEADER + "c1,1,1.25,basic,true\nc2,2,,pro,false\nc3,oops,1,pro,false\n";
    const path = dir.file("hash.csv", content);
    const hashes: string[] = [];
    for (const threads of [1, 2, 4]) {
      const r = await validateDataset({ format: "csv", path }, customers, { quarantinePath: join(dir.path, "qh.jsonl"), threads });
      hashes.push(r.dataHash);
      r.session.close();
    }
    expect(new Set(hashes).size).toBe(1);
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
    const changedValue = await validate(content.replace("1.25", "1.5"));
    const changedQuarantineOnly = await validate(content.replace("oops", "nope"));
    const reordered = await validate(HEADER + "c2,2,,pro,false\nc1,1,1.25,basic,true\nc3,oops,1,pro,false\n");
    expect(changedValue.dataHash).not.toBe(hashes[0]);
    expect(changedQuarantineOnly.dataHash).toBe(hashes[0]);
    expect(reordered.dataHash).not.toBe(hashes[0]);
  });
});


describe("openSource", () => {
  it("gives every file column as text with the source row number", async () => {
    const { DataSession } = await import("../../runtime/data/session.js");
    const { openSource } = await import("../../runtime/data/read.js");
    const session = await DataSession.open();
    try {
      const raw = await openSource(session, { format: "csv", path: dir.file("open.csv", "a,b\n1,x\n2\n3,\n") });
      expect(raw).toMatchObject({ columns: ["a", "b"], parsedRows: 2, rejectedRows: 1, empty: false });
      expect(await session.describe("raw")).toEqual([
        { name: "__row", type: "BIGINT" },
        { name: "a", type: "VARCHAR" },
        { name: "b", type: "VARCHAR" },
      ]);
      expect(await session.rows("SELECT * FROM raw ORDER BY __row")).toEqual([
        { __row: 1, a: "1", b: "x" },
        { __row: 3, a: "3", b: null },
      ]);
    } finally {
      session.close();
    }
  });
});
