/** The inference rules of `mlspec init` on column summaries, and its numeric bounds as properties. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ColumnSummary, FileSummary } from "../../runtime/init/column-summary.js";
import { InitError, inferSpec, nullBound, widenRange } from "../../runtime/init/infer-contract.js";
import { decadeRange } from "../../runtime/init/write-spec.js";

function column(name: string, o: Partial<ColumnSummary> & { values?: string[] } = {}): ColumnSummary {
  const values = o.values ?? [];
  return {
    name,
    rows: o.rows ?? 100,
    nulls: o.nulls ?? 0,
    distinct: o.distinct ?? values.length,
    parsesAs: { int: false, float: false, bool: false, timestamp: false, ...o.parsesAs },
    min: o.min ?? null,
    max: o.max ?? null,
    top: o.top ?? values.map((value) => ({ value, count: 10 })),
  };
}

const file = (...columns: ColumnSummary[]): FileSummary => ({ rows: 100, columns, unreadableRows: 0 });
const number = (name: string, min: number, max: number, o: Partial<ColumnSummary> = {}) =>
  column(name, { parsesAs: { int: false, float: true, bool: false, timestamp: false }, min, max, distinct: 80, ...o });

describe("widenRange", () => {
  const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
  it("contains the values seen, widened by the margin of the span (floats)", () => {
    fc.assert(
      fc.property(finite, finite, (a, b) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        const r = widenRange(min, max, false);
        expect(r.min).toBeLessThanOrEqual(min);
        expect(r.max).toBeGreaterThanOrEqual(max);
        const pad = max > min ? (max - min) * 0.1 : 0;
        if (min < 0 || min - pad >= 0) expect(r.min).toBeLessThanOrEqual(min - pad + 1e-9 * Math.max(1, Math.abs(min)));
        expect(r.max).toBeGreaterThanOrEqual(max + pad - 1e-9 * Math.max(1, Math.abs(max)));
        if (min >= 0) expect(r.min).toBeGreaterThanOrEqual(0);
      }),
    );
  });
  it("gives whole bounds for int columns, containing the values", () => {
    fc.assert(
      fc.property(fc.integer({ min: -100000, max: 100000 }), fc.integer({ min: 0, max: 100000 }), (min, span) => {
        const r = widenRange(min, min + span, true);
        expect(Number.isInteger(r.min) && Number.isInteger(r.max)).toBe(true);
        expect(r.min).toBeLessThanOrEqual(min);
        expect(r.max).toBeGreaterThanOrEqual(min + span);
      }),
    );
  });
  it("reads well on the shipped examples' columns", () => {
    expect(widenRange(0, 120, true)).toEqual({ min: 0, max: 140 });
    expect(widenRange(4.3, 7.9, false)).toEqual({ min: 3.9, max: 8.3 });
    expect(widenRange(5, 5, true)).toEqual({ min: 4, max: 6 });
  });
});

describe("nullBound", () => {
  it("is a whole percent at least the share seen, at most 100, and 0 without nulls", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100000 }), fc.double({ min: 0, max: 1, noNaN: true }), (rows, share) => {
        const nulls = Math.round(rows * share);
        const p = nullBound(nulls, rows);
        expect(Number.isInteger(p)).toBe(true);
        expect(p).toBeLessThanOrEqual(100);
        if (nulls === 0) expect(p).toBe(0);
        else expect(p / 100).toBeGreaterThanOrEqual(nulls / rows);
      }),
    );
  });
});

describe("inferSpec", () => {
  it("infers types, ids, enums, null bounds and the task from the label", () => {
    const spec = inferSpec(
      file(
        column("id", { values: [], distinct: 100, top: [{ value: "a1", count: 1 }] }),
        number("income", 12.5, 99, { nulls: 3 }),
        column("plan", { values: ["pro", "basic"] }),
        column("note", { distinct: 90 }),
        column("churned", { values: ["true", "false"], parsesAs: { int: false, float: false, bool: true, timestamp: false } }),
        column("bad name"),
      ),
      "churned",
    );
    const by = Object.fromEntries(spec.columns.map((c) => [c.name, c]));
    expect(by.id).toMatchObject({ type: { kind: "string" }, unique: true, use: { skip: "an id" } });
    expect(by.income).toMatchObject({ type: { kind: "float" }, range: { min: 0, max: 110 }, nullsPercent: 6, use: { as: "numeric", impute: true } });
    expect(by.plan).toMatchObject({ type: { kind: "enum", values: ["basic", "pro"] }, use: { as: "onehot" } });
    expect(by.note!.use).toEqual({ skip: "free text with 90 distinct values" });
    expect(by.churned).toMatchObject({ type: { kind: "bool" }, use: { as: "label" } });
    expect(spec.leftOut.map((c) => c.name)).toEqual(["bad name"]);
    expect(spec).toMatchObject({ task: "binary", rowsAtLeast: 50 });
  });

  it("takes a 0/1 label as binary, a three-value one as multiclass, a number as regression", () => {
    const int01 = column("y", { parsesAs: { int: true, float: true, bool: false, timestamp: false }, min: 0, max: 1, distinct: 2 });
    expect(inferSpec(file(number("x", 0, 1), int01), "y").task).toBe("binary");
    expect(inferSpec(file(number("x", 0, 1), column("y", { values: ["a", "b", "c"] })), "y").task).toBe("multiclass");
    expect(inferSpec(file(number("x", 0, 1), number("y", 0, 5)), "y").task).toBe("regression");
    expect(inferSpec(file(number("x", 0, 1), int01), "y", "regression").task).toBe("regression");
  });

  it("refuses a missing label, a --task that does not fit, and a label it cannot read as a task", () => {
    expect(() => inferSpec(file(number("x", 0, 1)), "y")).toThrow(/no column `y`; its columns are x/);
    expect(() => inferSpec(file(number("x", 0, 1), number("y", 0, 5)), "y", "binary")).toThrow(InitError);
    expect(() => inferSpec(file(number("x", 0, 1), column("y", { distinct: 95 })), "y")).toThrow(/cannot tell the task/);
  });
});

describe("decadeRange (the range a grouped column gets)", () => {
  it("contains the widened range, is a power of ten, and starts at 0 for a column without negative values", () => {
    fc.assert(
      // data of every magnitude a table has, from 1e-4 to 1e6
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 1e6 }), fc.constantFrom(1e-4, 1e-2, 1, 10), fc.boolean(), (a, b, scale, isInt) => {
        const lo = a * scale;
        const span = b * scale;
        const range = widenRange(lo, lo + span, isInt);
        const d = decadeRange(range, isInt);
        expect(d.min).toBeLessThanOrEqual(range.min);
        expect(d.max).toBeGreaterThanOrEqual(range.max);
        expect(d.min).toBe(range.min >= 0 ? 0 : -d.max);
        const exponent = Math.log10(d.max);
        expect(Math.abs(exponent - Math.round(exponent))).toBeLessThan(1e-9);
        if (isInt) expect(Number.isInteger(d.max)).toBe(true);
      }),
    );
  });

  it("columns of one magnitude share a bound", () => {
    expect(decadeRange({ min: 6, max: 31 }, false)).toEqual({ min: 0, max: 100 });
    expect(decadeRange({ min: 0.04, max: 0.18 }, false)).toEqual({ min: 0, max: 1 });
    expect(decadeRange({ min: 0, max: 100 }, true)).toEqual({ min: 0, max: 100 });
    expect(decadeRange({ min: -3, max: 40 }, false)).toEqual({ min: -100, max: 100 });
  });
});
