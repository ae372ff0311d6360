import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { DataSpecError } from "../../runtime/data/errors.js";
import { loadColumns } from "../../runtime/data/load.js";
import { splitDataset, splitRowKey, stratumSizes, type DataSplit } from "../../runtime/data/split.js";
import type { DatasetContract, SplitSpec } from "../../compiler/plan/schema.js";
import { column, tempDir, validatedCsv } from "./fixtures.js";

const dir = tempDir();
afterAll(() => dir.remove());

const contract: DatasetContract = {
  columns: [
    column("id", "int"),
    column("label", "string"),
    column("user", "string"),
    column("at", "timestamp"),
  ],
};

/** n rows: label "a" for 70%, "b" 25%, "c" 5%; users of 1 to 9 rows; times shuffled. */
function dataset(n: number): string {
  const lines = ["id,label,user,at"];
  let user = 0;
  let left = 0;
  for (let i = 0; i < n; i++) {
    if (left === 0) {
      user++;
      left = 1 + ((user * 7) % 9);
    }
    left--;
    const label = i % 20 === 0 ? "c" : i % 4 === 1 ? "b" : "a";
    const minutes = (i * 7919) % n;
    lines.push(`${i},${label},u${user},${new Date(Date.UTC(2024, 0, 1) + minutes * 60_000).toISOString()}`);
  }
  return lines.join("\n") + "\n";
}

let counter = 0;
async function split(spec: SplitSpec, n = 400, threads?: number): Promise<{ split: DataSplit; columns: Record<string, unknown[]> }> {
  const result = await validatedCsv(dir, `s${counter++}`, dataset(n), contract, threads);
  try {
    const made = await splitDataset(result, spec);
    const columns = await loadColumns(result, { rowNumbersAs: "row" });
    return { split: made, columns };
  } finally {
    result.session.close();
  }
}

function expectPartition(s: DataSplit, n: number): void {
  const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  for (const part of [s.train, s.validation, s.test]) expect([...part].sort((a, b) => a - b)).toEqual(part);
}

describe("splitDataset", () => {
  it("random: exact sizes, a partition of the rows, the same for the same seed and thread count", async () => {
    const spec: SplitSpec = { method: "random", test: 0.2, validation: 0.1, seed: 7 };
    const a = await split(spec, 400, 1);
    const b = await split(spec, 400, 4);
    const c = await split({ ...spec, seed: 8 });
    expectPartition(a.split, 400);
    expect([a.split.test.length, a.split.validation.length, a.split.train.length]).toEqual([80, 40, 280]);
    expect(b.split).toEqual(a.split);
    expect(c.split.test).not.toEqual(a.split.test);
  });

  it("random: SQL orders rows by the same key as splitRowKey in JS", async () => {
    for (const seed of [0, 7, -3, 123456789]) {
      const { split: s } = await split({ method: "random", test: 0.25, validation: 0.25, seed }, 200);
      const byKey = Array.from({ length: 200 }, (_, i) => i + 1).sort((a, b) => splitRowKey(seed, a) - splitRowKey(seed, b));
      expect(s.test).toEqual(byKey.slice(0, 50).sort((a, b) => a - b));
      expect(s.validation).toEqual(byKey.slice(50, 100).sort((a, b) => a - b));
    }
  });

  it("splitRowKey is a bijection on 32-bit row numbers (no ties)", () => {
    fc.assert(fc.property(fc.integer(), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed, a, b) => {
      expect(splitRowKey(seed, a) === splitRowKey(seed, b)).toBe(a === b);
    }));
  });

  it("random: validation 0 leaves validation empty", async () => {
    const { split: s } = await split({ method: "random", test: 0.25, validation: 0, seed: 1 }, 100);
    expect(s.validation).toEqual([]);
    expect(s.test).toHaveLength(25);
    expect(s.train).toHaveLength(75);
  });

  it("stratified: every class keeps the test and validation proportions", async () => {
    const { split: s, columns } = await split({ method: "stratified", test: 0.2, validation: 0.1, seed: 3, column: "label" }, 1000);
    expectPartition(s, 1000);
    const labelOf = new Map((columns["row"] as number[]).map((r, i) => [r, columns["label"]![i] as string]));
    for (const label of ["a", "b", "c"]) {
      const total = [...labelOf.values()].filter((l) => l === label).length;
      const count = (rows: number[]) => rows.filter((r) => labelOf.get(r) === label).length;
      expect(count(s.test)).toBe(Math.round(total * 0.2));
      expect(count(s.validation)).toBe(Math.round(total * 0.1));
    }
  });

  it("stratified: sizes are exact overall, 569 rows of 357 + 212 give round(569 * 20%) = 114 test rows", async () => {
    const csv = "id,label\n" + Array.from({ length: 569 }, (_, i) => `${i},${i < 357 ? "benign" : "malignant"}`).join("\n") + "\n";
    const result = await validatedCsv(dir, "wdbc", csv, { columns: [column("id", "int"), column("label", "string")] });
    try {
      const s = await splitDataset(result, { method: "stratified", test: 0.2, validation: 0.1, seed: 5, column: "label" });
      expectPartition(s, 569);
      expect([s.test.length, s.validation.length]).toEqual([114, 57]);
      const malignant = (rows: number[]) => rows.filter((r) => r > 357).length;
      // 357 * 20% = 71.4 and 212 * 20% = 42.4: one class gets its share rounded up
      expect([s.test.length - malignant(s.test), malignant(s.test)]).toEqual([72, 42]);
    } finally {
      result.session.close();
    }
  });

  it("stratified: per-class sizes add up to round(n * fraction), each its share rounded down or up (property)", () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 12 }),
      fc.integer({ min: 0, max: 90 }),
      fc.integer({ min: 0, max: 90 }),
      (classes, t, v) => {
        fc.pre(t + v < 100);
        const [test, validation] = [t / 100, v / 100];
        const n = classes.reduce((a, b) => a + b, 0);
        const sizes = stratumSizes(classes, test, validation);
        expect(sizes.test.reduce((a, b) => a + b, 0)).toBe(Math.round(n * test));
        expect(sizes.validation.reduce((a, b) => a + b, 0)).toBe(Math.round(n * validation));
        classes.forEach((size, c) => {
          expect(Math.abs(sizes.test[c]! - size * test)).toBeLessThan(1);
          expect(sizes.validation[c]!).toBeGreaterThanOrEqual(0);
          expect(sizes.test[c]! + sizes.validation[c]!).toBeLessThanOrEqual(size);
        });
      },
    ), { numRuns: 500 });
  });

  it("stratified: a split of random class counts has exactly round(n * fraction) rows per part (property)", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 99 }), async (classes, seed) => {
        const labels = classes.flatMap((size, c) => Array.from({ length: size }, () => `k${c}`));
        const csv = "id,label\n" + labels.map((l, i) => `${i},${l}`).join("\n") + "\n";
        const result = await validatedCsv(dir, `st${run++}`, csv, { columns: [column("id", "int"), column("label", "string")] });
        try {
          const s = await splitDataset(result, { method: "stratified", test: 0.3, validation: 0.15, seed, column: "label" });
          expectPartition(s, labels.length);
          expect([s.test.length, s.validation.length]).toEqual([Math.round(labels.length * 0.3), Math.round(labels.length * 0.15)]);
        } finally {
          result.session.close();
        }
      }),
      { numRuns: 15 },
    );
  }, 60_000);

  it("group: no group is in two parts, and the test part is close to its fraction", async () => {
    const { split: s, columns } = await split({ method: "group", test: 0.2, validation: 0.2, seed: 11, column: "user" }, 1000);
    expectPartition(s, 1000);
    const userOf = new Map((columns["row"] as number[]).map((r, i) => [r, columns["user"]![i] as string]));
    const users = (rows: number[]) => new Set(rows.map((r) => userOf.get(r)));
    const [train, validation, test] = [users(s.train), users(s.validation), users(s.test)];
    for (const u of test) expect(train.has(u) || validation.has(u)).toBe(false);
    for (const u of validation) expect(train.has(u)).toBe(false);
    expect(Math.abs(s.test.length - 200)).toBeLessThanOrEqual(9);
    expect(Math.abs(s.validation.length - 200)).toBeLessThanOrEqual(9);
  });

  it("group: never leaks a group, for any grouping (property)", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 1000 }),
        async (groups, seed) => {
          const csv = "g,v\n" + groups.map((g, i) => `${g === 0 ? "" : `k${g}`},${i}`).join("\n") + "\n";
          const result = await validatedCsv(dir, `g${run++}`, csv, {
            columns: [column("g", "string", { nulls: { allowed: true } }), column("v", "int")],
          });
          try {
            const s = await splitDataset(result, { method: "group", test: 0.3, validation: 0.2, seed, column: "g" });
            expectPartition(s, groups.length);
            const partOf = new Map<number, string>();
            for (const part of ["train", "validation", "test"] as const) for (const r of s[part]) partOf.set(r, part);
            const seen = new Map<number, string>();
            groups.forEach((g, i) => {
              const part = partOf.get(i + 1)!;
              if (seen.has(g)) expect(part).toBe(seen.get(g));
              seen.set(g, part);
            });
          } finally {
            result.session.close();
          }
        },
      ),
      { numRuns: 20 },
    );
  }, 60_000);

  it("time: train precedes validation precedes test", async () => {
    const { split: s, columns } = await split({ method: "time", test: 0.2, validation: 0.1, seed: 0, column: "at" }, 300);
    expectPartition(s, 300);
    expect([s.test.length, s.validation.length]).toEqual([60, 30]);
    const timeOf = new Map((columns["row"] as number[]).map((r, i) => [r, columns["at"]![i] as number]));
    const times = (rows: number[]) => rows.map((r) => timeOf.get(r)!);
    expect(Math.max(...times(s.train))).toBeLessThan(Math.min(...times(s.validation)));
    expect(Math.max(...times(s.validation))).toBeLessThan(Math.min(...times(s.test)));
  });

  it("rejects fractions that leave no training rows and unknown columns", async () => {
    const result = await validatedCsv(dir, "bad", dataset(10), contract);
    try {
      await expect(splitDataset(result, { method: "random", test: 0.6, validation: 0.4, seed: 1 })).rejects.toThrow(DataSpecError);
      await expect(splitDataset(result, { method: "random", test: -0.1, validation: 0, seed: 1 })).rejects.toThrow(/in \[0, 1\)/);
      await expect(splitDataset(result, { method: "stratified", test: 0.2, validation: 0, seed: 1 }))
        .rejects.toThrow("a stratified split needs a stratify label column");
      await expect(splitDataset(result, { method: "group", test: 0.2, validation: 0, seed: 1, column: "nope" }))
        .rejects.toThrow('group key "nope" is not a column of the dataset');
    } finally {
      result.session.close();
    }
  });
});
