import { afterAll, describe, expect, it } from "vitest";
import { loadColumns } from "../../runtime/data/load.js";
import { profileDataset } from "../../runtime/data/profile.js";
import { splitDataset } from "../../runtime/data/split.js";
import type { DatasetContract } from "../../compiler/plan/schema.js";
import { column, readQuarantine, tempDir, validatedCsv } from "./fixtures.js";

const dir = tempDir();
afterAll(() => dir.remove());

describe("enum columns (kept as DuckDB ENUMs)", () => {
  it("accept exactly the declared values, quoted and repeated ones included, and read back as text", async () => {
    const contract: DatasetContract = {
      columns: [
        column("id", "int"),
        // A repeated value and an empty one: both legal in a contract.
        { name: "tier", type: { kind: "enum", values: ["a", "it's", "a", ""] }, nulls: { allowed: true } },
      ],
    };
    const csv = "id,tier\n1,a\n2,it's\n3,\"\"\n4,b\n5,A\n6,\n7,a\n8,\" a\"\n";
    const result = await validatedCsv(dir, "tiers", csv, contract);
    try {
      expect([result.read, result.accepted, result.quarantined]).toEqual([8, 5, 3]);
      expect(readQuarantine(result.quarantinePath).map((q) => [q.row, q.reasons])).toEqual([
        [4, ['tier: "b" is not one of "a", "it\'s", "a", ""']],
        [5, ['tier: "A" is not one of "a", "it\'s", "a", ""']],
        [8, ['tier: " a" is not one of "a", "it\'s", "a", ""']],
      ]);
      const loaded = await loadColumns(result);
      expect(loaded).toEqual({ id: [1, 2, 3, 6, 7], tier: ["a", "it's", "", null, "a"] });
      const profile = await profileDataset(result);
      expect(profile.columns[1]).toMatchObject({
        nulls: 1,
        distinct: 3,
        histogram: { kind: "categorical", values: ["a", "it's", ""], counts: [2, 1, 1], otherCount: 0 },
      });
      const split = await splitDataset(result, { method: "stratified", test: 0.4, validation: 0, seed: 1, column: "tier" });
      expect([...split.train, ...split.test].sort((x, y) => x - y)).toEqual([1, 2, 3, 6, 7]);
      const test = await loadColumns(result, { part: "test" });
      expect(test["id"]!.length).toBe(split.test.length);
      const grouped = await splitDataset(result, { method: "group", test: 0.4, validation: 0, seed: 1, column: "tier" });
      expect(grouped.train.length + grouped.test.length).toBe(5);
    } finally {
      result.session.close();
    }
  });

  it("reads an enum column missing from the file as nulls", async () => {
    const contract: DatasetContract = {
      columns: [column("id", "int"), { name: "tier", type: { kind: "enum", values: ["a", "b"] }, nulls: { allowed: false } }],
    };
    const result = await validatedCsv(dir, "no-tier", "id\n1\n2\n", contract);
    try {
      expect(result.datasetViolations.map((v) => v.rule)).toEqual(["column_missing"]);
      expect(await loadColumns(result)).toEqual({ id: [1, 2], tier: [null, null] });
    } finally {
      result.session.close();
    }
  });
});
