/**
 * The profile's grouping pass (histograms, distinct counts, string min/max and top values in
 * one query) against a JS reference, for every path it takes: numeric values grouped (exact
 * distinct), binned directly (a unique column, or a HyperLogLog estimate), strings grouped,
 * an all-distinct string column listed without grouping, bool and enum counts.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { histogramBin, histogramEdges, profileDataset, type ColumnProfile } from "../../runtime/data/profile.js";
import { splitDataset } from "../../runtime/data/split.js";
import type { DatasetContract } from "../../compiler/plan/schema.js";
import { column, tempDir, validatedCsv } from "./fixtures.js";

const dir = tempDir();
afterAll(() => dir.remove());

const contract: DatasetContract = {
  columns: [
    column("id", "string", { unique: true }),
    column("seq", "int", { unique: true }),
    column("n", "int", { nulls: { allowed: true } }),
    column("s", "string", { nulls: { allowed: true } }),
    column("b", "bool", { nulls: { allowed: true } }),
    { name: "e", type: { kind: "enum", values: ["lo", "mid", "hi"] }, nulls: { allowed: true } },
    column("t", "timestamp", { nulls: { allowed: true } }),
  ],
};

interface Row {
  n: number | null;
  s: string | null;
  b: boolean | null;
  e: string | null;
  day: number | null;
}

const rowArbitrary = fc.record<Row>({
  n: fc.option(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -1e9, max: 1e9 })), { nil: null, freq: 4 }),
  s: fc.option(fc.string({ unit: fc.constantFrom("a", "b", "c", "Z", " "), minLength: 0, maxLength: 3 }), { nil: null, freq: 4 }),
  b: fc.option(fc.boolean(), { nil: null, freq: 4 }),
  e: fc.option(fc.constantFrom("lo", "mid", "hi"), { nil: null, freq: 4 }),
  day: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null, freq: 4 }),
});

const DAY = 86_400_000;
const START = Date.UTC(2023, 0, 1);

function numericReference(xs: number[], bins: number) {
  if (xs.length === 0) return { min: null, max: null, edges: [], counts: [] };
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  const edges = histogramEdges(min, max, bins);
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const x of xs) counts[histogramBin(x, min, max, bins)]!++;
  return { min, max, edges, counts };
}

/** Values by count (descending), then value (ascending), the first topK. */
function topValues(values: string[], topK: number): { values: string[]; counts: number[]; otherCount: number } {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, topK);
  const listed = sorted.reduce((sum, [, n]) => sum + n, 0);
  return { values: sorted.map(([v]) => v), counts: sorted.map(([, n]) => n), otherCount: values.length - listed };
}

function present<T>(xs: (T | null)[]): T[] {
  return xs.filter((x): x is T => x !== null);
}

/** The middle value, or the mean of the two middle values, of the sorted numbers. */
function medianReference(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const ys = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(ys.length / 2);
  return ys.length % 2 === 1 ? ys[mid]! : (ys[mid - 1]! + ys[mid]!) / 2;
}

function sorted(xs: string[]): string[] {
  return [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function quoted(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

describe("profile grouping pass", () => {
  it("matches a JS reference on every column kind, with exact or estimated distinct counts (property)", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArbitrary, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        async (rows, bins, topK) => {
          const csv = "id,seq,n,s,b,e,t\n" + rows.map((r, i) => [
            // Ids sort differently from row order, so "smallest" is tested.
            `id${String((i * 7919) % 1000).padStart(4, "0")}`,
            String(1000 - i * 3),
            r.n === null ? "" : String(r.n),
            r.s === null ? "" : quoted(r.s),
            r.b === null ? "" : String(r.b),
            r.e ?? "",
            r.day === null ? "" : new Date(START + r.day * DAY).toISOString(),
          ].join(",")).join("\n") + "\n";
          const result = await validatedCsv(dir, `g${run++}`, csv, contract);
          try {
            expect(result.accepted).toBe(rows.length);
            const exact = await profileDataset(result, { bins, topK });
            const estimated = await profileDataset(result, { bins, topK, exactDistinctUpTo: 0 });
            const never = await profileDataset(result, { bins, topK, exactDistinctUpTo: Infinity });
            expect(never).toEqual(exact);
            const byName = (p: { columns: ColumnProfile[] }) => new Map(p.columns.map((c) => [c.name, c]));
            const got = byName(exact);

            const ids = rows.map((_, i) => `id${String((i * 7919) % 1000).padStart(4, "0")}`);
            expect(got.get("id")).toMatchObject({
              nulls: 0, distinct: rows.length, min: sorted(ids)[0], max: sorted(ids).at(-1),
              histogram: { kind: "categorical", values: sorted(ids).slice(0, topK), otherCount: Math.max(0, rows.length - topK) },
            });

            const seq = numericReference(rows.map((_, i) => 1000 - i * 3), bins);
            expect(got.get("seq")).toMatchObject({ distinct: rows.length, min: seq.min, max: seq.max, median: medianReference(rows.map((_, i) => 1000 - i * 3)), histogram: { edges: seq.edges, counts: seq.counts } });

            const ns = present(rows.map((r) => r.n));
            const n = numericReference(ns, bins);
            expect(got.get("n")).toMatchObject({
              nulls: rows.length - ns.length, distinct: new Set(ns).size, min: n.min, max: n.max, median: medianReference(ns),
              histogram: { kind: "numeric", edges: n.edges, counts: n.counts },
            });

            const ss = present(rows.map((r) => r.s));
            expect(got.get("s")).toMatchObject({
              nulls: rows.length - ss.length, distinct: new Set(ss).size,
              min: ss.length > 0 ? sorted(ss)[0] : null, max: ss.length > 0 ? sorted(ss).at(-1) : null,
              histogram: { kind: "categorical", ...topValues(ss, topK) },
            });

            const bs = present(rows.map((r) => r.b));
            for (const name of ["id", "s", "b", "e"]) expect(got.get(name)!.median).toBeNull();
            expect(got.get("b")).toMatchObject({
              distinct: new Set(bs).size,
              histogram: { values: ["false", "true"], counts: [bs.filter((x) => !x).length, bs.filter((x) => x).length], otherCount: 0 },
            });

            const es = present(rows.map((r) => r.e));
            expect(got.get("e")).toMatchObject({
              distinct: new Set(es).size,
              histogram: { values: ["lo", "mid", "hi"], counts: ["lo", "mid", "hi"].map((v) => es.filter((x) => x === v).length) },
            });

            const ts = present(rows.map((r) => r.day)).map((d) => START + d * DAY);
            const t = numericReference(ts, bins);
            expect(got.get("t")).toMatchObject({
              distinct: new Set(ts).size,
              min: t.min === null ? null : new Date(t.min).toISOString(),
              max: t.max === null ? null : new Date(t.max).toISOString(),
              median: ts.length === 0 ? null : new Date(Math.round(medianReference(ts)!)).toISOString(),
              histogram: { edges: t.edges, counts: t.counts },
            });

            // Estimated distinct counts: only for non-unique numeric columns, everything else identical.
            for (const c of exact.columns) {
              const e = byName(estimated).get(c.name)!;
              const flagged = ["n", "t"].includes(c.name) && c.count - c.nulls > 0;
              expect(e.distinctApprox === true).toBe(flagged);
              expect({ ...e, distinct: 0, distinctApprox: undefined }).toEqual({ ...c, distinct: 0, distinctApprox: undefined });
              // A few dozen values in 2^14 registers: at most a collision or two.
              expect(Math.abs(e.distinct - c.distinct)).toBeLessThanOrEqual(flagged ? 2 : 0);
              expect(c.distinctApprox).toBeUndefined();
            }
          } finally {
            result.session.close();
          }
        },
      ),
      { numRuns: 30 },
    );
  }, 120_000);

  it("estimates the same columns, the same way, on every thread count, for all rows and for a split part", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${(i * 7) % 50},${(i * 0.37).toFixed(2)},${new Date(START + i * 60_000).toISOString()}`);
    const small: DatasetContract = {
      columns: [column("id", "int"), column("few", "int"), column("many", "float"), column("at", "timestamp")],
    };
    const profiles: unknown[] = [];
    for (const threads of [1, 3]) {
      const result = await validatedCsv(dir, `threads${threads}`, "id,few,many,at\n" + rows.join("\n") + "\n", small, threads);
      try {
        const all = await profileDataset(result, { exactDistinctUpTo: 200 });
        const split = await splitDataset(result, { method: "random", test: 0.3, validation: 0, seed: 5 });
        const test = await profileDataset(result, { part: "test", exactDistinctUpTo: 200 });
        // More than 200 distinct values: estimated; 50 distinct ints: counted.
        expect(all.columns.map((c) => [c.name, c.distinctApprox ?? false])).toEqual([["id", true], ["few", false], ["many", true], ["at", true]]);
        expect(all.columns[1]!.distinct).toBe(50);
        for (const c of [all.columns[0]!, all.columns[2]!, all.columns[3]!]) expect(Math.abs(c.distinct - 3000) / 3000).toBeLessThan(0.03);
        expect(test.rows).toBe(split.test.length);
        expect(test.columns.map((c) => c.distinctApprox ?? false)).toEqual([true, false, true, true]);
        profiles.push({ all, test });
      } finally {
        result.session.close();
      }
    }
    expect(profiles[1]).toEqual(profiles[0]);
  }, 60_000);
});

