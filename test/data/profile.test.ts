import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { histogramBin, histogramEdges, profileDataset } from "../../runtime/data/profile.js";
import { splitDataset } from "../../runtime/data/split.js";
import type { DatasetContract } from "../../compiler/plan/schema.js";
import { column, tempDir, validatedCsv } from "./fixtures.js";

const dir = tempDir();
afterAll(() => dir.remove());

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
function sampleStd(xs: number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

describe("profileDataset", () => {
  it("matches a JS reference for a numeric column (property)", async () => {
    let run = 0;
    const contract: DatasetContract = { columns: [column("x", "float", { nulls: { allowed: true } })] };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: null, freq: 5 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        async (values, bins) => {
          const csv = "x\n" + values.map((v) => (v === null ? "" : String(v))).join("\n") + "\n";
          const result = await validatedCsv(dir, `num${run++}`, csv, contract);
          try {
            const profile = await profileDataset(result, { bins });
            const p = profile.columns[0]!;
            const xs = values.filter((v): v is number => v !== null).map((v) => (Object.is(v, -0) ? 0 : v));
            expect(profile.rows).toBe(values.length);
            expect(p.count).toBe(values.length);
            expect(p.nulls).toBe(values.length - xs.length);
            expect(p.distinct).toBe(new Set(xs).size);
            if (xs.length === 0) {
              expect([p.mean, p.std, p.min, p.max]).toEqual([null, null, null, null]);
              expect(p.histogram).toEqual({ kind: "numeric", edges: [], counts: [] });
              return;
            }
            const min = Math.min(...xs);
            const max = Math.max(...xs);
            expect(p.min).toBe(min);
            expect(p.max).toBe(max);
            expect(p.mean).toBeCloseTo(mean(xs), 6);
            const std = sampleStd(xs);
            if (std === null) expect(p.std).toBeNull();
            else expect(Math.abs(p.std! - std)).toBeLessThanOrEqual(1e-6 * Math.max(1, std));
            const edges = histogramEdges(min, max, bins);
            const counts = new Array<number>(edges.length - 1).fill(0);
            for (const x of xs) counts[histogramBin(x, min, max, bins)]!++;
            expect(p.histogram).toEqual({ kind: "numeric", edges, counts });
          } finally {
            result.session.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);

  it("profiles int, string, enum, bool and timestamp columns", async () => {
    const contract: DatasetContract = {
      columns: [
        column("n", "int", { nulls: { allowed: true } }),
        column("city", "string", { nulls: { allowed: true } }),
        { name: "plan", type: { kind: "enum", values: ["basic", "pro", "enterprise"] }, nulls: { allowed: false } },
        column("active", "bool"),
        column("at", "timestamp"),
      ],
    };
    const csv = "n,city,plan,active,at\n" +
      "1,oslo,basic,true,2024-01-01T00:00:00Z\n" +
      "2,rome,basic,false,2024-01-02T00:00:00Z\n" +
      "2,oslo,pro,true,2024-01-03T00:00:00Z\n" +
      ",lima,basic,true,2024-01-05T00:00:00Z\n" +
      "10,,pro,true,2024-01-11T00:00:00Z\n";
    const result = await validatedCsv(dir, "kinds", csv, contract);
    try {
      const profile = await profileDataset(result, { bins: 4, topK: 2 });
      expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
      const [n, city, plan, active, at] = profile.columns;
      expect(n).toEqual({
        name: "n", type: "int", count: 5, nulls: 1, mean: 3.75, std: sampleStd([1, 2, 2, 10]), min: 1, max: 10, median: 2, distinct: 3,
        histogram: { kind: "numeric", edges: [1, 3.25, 5.5, 7.75, 10], counts: [3, 0, 0, 1] },
      });
      expect(city).toEqual({
        name: "city", type: "string", count: 5, nulls: 1, mean: null, std: null, min: "lima", max: "rome", median: null, distinct: 3,
        histogram: { kind: "categorical", values: ["oslo", "lima"], counts: [2, 1], otherCount: 1 },
      });
      expect(plan!.histogram).toEqual({ kind: "categorical", values: ["basic", "pro", "enterprise"], counts: [3, 2, 0], otherCount: 0 });
      expect(plan!.distinct).toBe(2);
      expect(active!.mean).toBe(0.8);
      expect(active!.histogram).toEqual({ kind: "categorical", values: ["false", "true"], counts: [1, 4], otherCount: 0 });
      expect(at!.min).toBe("2024-01-01T00:00:00.000Z");
      expect(at!.max).toBe("2024-01-11T00:00:00.000Z");
      const day = 86_400_000;
      const start = Date.UTC(2024, 0, 1);
      expect(at!.histogram).toEqual({
        kind: "numeric",
        edges: [start, start + 2.5 * day, start + 5 * day, start + 7.5 * day, start + 10 * day],
        counts: [3, 1, 0, 1],
      });
    } finally {
      result.session.close();
    }
  });

  it("lists the smallest values of an all-distinct string column", async () => {
    const contract: DatasetContract = { columns: [column("id", "string", { unique: true })] };
    const result = await validatedCsv(dir, "ids", "id\nd\nb\na\nc\n", contract);
    try {
      const [id] = (await profileDataset(result, { topK: 3 })).columns;
      expect(id!.histogram).toEqual({ kind: "categorical", values: ["a", "b", "c"], counts: [1, 1, 1], otherCount: 1 });
      expect(id!.distinct).toBe(4);
    } finally {
      result.session.close();
    }
  });

  it("profiles one split part", async () => {
    const contract: DatasetContract = { columns: [column("x", "int")] };
    const csv = "x\n" + Array.from({ length: 50 }, (_, i) => String(i)).join("\n") + "\n";
    const result = await validatedCsv(dir, "part", csv, contract);
    try {
      const split = await splitDataset(result, { method: "random", test: 0.2, validation: 0.2, seed: 3 });
      const profile = await profileDataset(result, { part: "train" });
      expect(profile.part).toBe("train");
      expect(profile.rows).toBe(split.train.length);
      // Row r holds the value r - 1.
      expect(profile.columns[0]!.mean).toBeCloseTo(mean(split.train.map((r) => r - 1)), 9);
    } finally {
      result.session.close();
    }
  });

  it("computes the std of values whose squares overflow, and reports an overflowing mean as null", async () => {
    const contract: DatasetContract = { columns: [column("x", "float")] };
    const big = await validatedCsv(dir, "big", "x\n3e200\n-3e200\n", contract);
    const huge = await validatedCsv(dir, "huge", "x\n1.7e308\n1.7e308\n", contract);
    try {
      const [x] = (await profileDataset(big)).columns;
      expect(x!.mean).toBe(0);
      expect(x!.std! / (3e200 * Math.SQRT2)).toBeCloseTo(1, 12);
      const [y] = (await profileDataset(huge)).columns;
      expect(y!.mean).toBeNull();
      expect(JSON.parse(JSON.stringify(y))).toEqual(y);
    } finally {
      big.session.close();
      huge.session.close();
    }
  });

  it("edges: one bin when min equals max, last edge exactly max", () => {
    expect(histogramEdges(3, 3, 10)).toEqual([3, 3]);
    expect(histogramBin(3, 3, 3, 10)).toBe(0);
    const edges = histogramEdges(0.1, 0.7, 3);
    expect(edges[3]).toBe(0.7);
    expect(histogramBin(0.7, 0.1, 0.7, 3)).toBe(2);
  });
});
