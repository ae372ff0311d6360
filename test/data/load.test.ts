import { afterAll, describe, expect, it } from "vitest";
import { DataSpecError } from "../../runtime/data/errors.js";
import { loadColumns } from "../../runtime/data/load.js";
import { splitDataset } from "../../runtime/data/split.js";
import type { DatasetContract } from "../../compiler/plan/schema.js";
import { column, tempDir, validatedCsv } from "./fixtures.js";

const dir = tempDir();
afterAll(() => dir.remove());

const contract: DatasetContract = {
  columns: [
    column("n", "int", { nulls: { allowed: true } }),
    column("x", "float"),
    column("ok", "bool"),
    { name: "plan", type: { kind: "enum", values: ["basic", "pro"] }, nulls: { allowed: false } },
    column("name", "string"),
    column("at", "timestamp"),
    { name: "tier", type: { kind: "enum", values: ["x", "y"] }, nulls: { allowed: true } },
  ],
};
const csv = "n,x,ok,plan,name,at,tier\n" +
  "1,0.5,true,basic,ann,2024-03-01 10:00:00,y\n" +
  "bad,0.5,true,basic,bob,2024-03-01,x\n" +
  ",-2,false,pro,cat,2024-03-02T10:00:00.123+01:00,\n" +
  "9007199254740993,1e-3,1,pro,dan,2024-03-03,x\n";

describe("loadColumns", () => {
  it("returns typed column arrays of the accepted rows in row order", async () => {
    const result = await validatedCsv(dir, "types", csv, contract);
    try {
      expect(await loadColumns(result, { rowNumbersAs: "row" })).toEqual({
        n: [1, null, 9007199254740992],
        x: [0.5, -2, 0.001],
        ok: [true, false, true],
        plan: ["basic", "pro", "pro"],
        name: ["ann", "cat", "dan"],
        at: [Date.parse("2024-03-01T10:00:00.000Z"), Date.parse("2024-03-02T09:00:00.123Z"), Date.parse("2024-03-03T00:00:00.000Z")],
        tier: ["y", null, "x"],
        row: [1, 3, 4],
      });
    } finally {
      result.session.close();
    }
  });

  it("typed: numbers in Float64Arrays with NaN for null, everything else as without", async () => {
    const result = await validatedCsv(dir, "typed", csv, contract);
    try {
      const plain = await loadColumns(result, { rowNumbersAs: "row" });
      const typed = await loadColumns(result, { rowNumbersAs: "row", typed: true });
      for (const name of ["n", "x", "at", "row"]) {
        expect(typed[name]).toBeInstanceOf(Float64Array);
        expect([...typed[name]!]).toEqual((plain[name] as Array<number | null>).map((v) => v ?? NaN));
      }
      for (const name of ["ok", "plan", "name", "tier"]) expect(typed[name]).toEqual(plain[name]);
      await splitDataset(result, { method: "random", test: 0.34, validation: 0, seed: 5 });
      const part = await loadColumns(result, { part: "train", columns: ["x"], rowNumbersAs: "row", typed: true });
      const rows = [...part["row"]!] as number[];
      expect([...part["x"]!]).toEqual(rows.map((r) => plain["x"]![(plain["row"] as number[]).indexOf(r)]));
    } finally {
      result.session.close();
    }
  });

  it("selects columns, rows and split parts", async () => {
    const result = await validatedCsv(dir, "select", csv, contract);
    try {
      expect(await loadColumns(result, { columns: ["name", "x"], rows: [4, 1, 2] })).toEqual({ name: ["ann", "dan"], x: [0.5, 0.001] });
      const split = await splitDataset(result, { method: "random", test: 0.34, validation: 0, seed: 5 });
      const test = await loadColumns(result, { part: "test", columns: ["name"], rowNumbersAs: "row" });
      expect(test["row"]).toEqual(split.test);
      expect(test["name"]).toHaveLength(1);
      await expect(loadColumns(result, { columns: ["nope"] })).rejects.toThrow(DataSpecError);
    } finally {
      result.session.close();
    }
  });

  it("asks for a split before loading a part", async () => {
    const result = await validatedCsv(dir, "nosplit", csv, contract);
    try {
      await expect(loadColumns(result, { part: "train" })).rejects.toThrow("no split has been made for this dataset yet");
    } finally {
      result.session.close();
    }
  });
});
