import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { applyPipeline, fitPipeline, type FeatureDef, type RawColumn } from "../../runtime/features/pipeline.js";
import type { TransformArgs } from "../../stdlib/transforms/transform-module.js";
import { checkAgreement } from "./onnx-agreement.js";
import { categories, CATEGORIES, codes } from "./arbitraries.js";

const RUNS = { numRuns: 40 };
const PLAN: RawColumn[] = [{ name: "plan", type: { kind: "string" } }];
const CODE: RawColumn[] = [{ name: "code", type: { kind: "int" } }];
const BOTH: RawColumn[] = [...PLAN, ...CODE];

function feature(fn: string, input: string, args: Record<string, number> = {}): FeatureDef[] {
  return [{ name: "f", inputs: [input], stages: [{ fn, args }] }];
}

function rowSums(numeric: Float32Array, width: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < numeric.length / width; r++) out.push(numeric.subarray(r * width, (r + 1) * width).reduce((a, b) => a + b, 0));
  return out;
}

describe("onehot", () => {
  it("agrees with onnxruntime on strings; every row sums to 1", async () => {
    await fc.assert(
      fc.asyncProperty(categories(), categories(), async (train, rows) => {
        const { js } = await checkAgreement(feature("onehot", "plan"), PLAN, { plan: train }, { plan: rows });
        expect(rowSums(js.numeric, js.width).every((s) => s === 1)).toBe(true);
      }),
      RUNS,
    );
  });

  it("agrees with onnxruntime on integer codes", async () => {
    await fc.assert(
      fc.asyncProperty(codes(), codes(), async (train, rows) => {
        const { js } = await checkAgreement(feature("onehot", "code"), CODE, { code: train }, { code: rows });
        expect(rowSums(js.numeric, js.width).every((s) => s === 1)).toBe(true);
      }),
      RUNS,
    );
  });

  it("agrees with onnxruntime with max_categories and min_frequency", async () => {
    await fc.assert(
      fc.asyncProperty(
        categories({ maxLength: 80 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        async (train, max_categories, min_frequency) => {
          const defs = feature("onehot", "plan", { max_categories, min_frequency });
          const { fitted } = await checkAgreement(defs, PLAN, { plan: train });
          expect(fitted.width).toBeLessThanOrEqual(max_categories + 1);
        },
      ),
      RUNS,
    );
  });

  it("sends unseen and missing categories to the unknown column", () => {
    const fitted = fitPipeline(feature("onehot", "plan"), PLAN, { plan: ["pro", "basic", "pro", null] });
    expect(fitted.featureNames).toEqual(["f=basic", "f=pro", "f=<unknown>"]);
    const out = applyPipeline(fitted, { plan: ["enterprise", null, "", "pro"] });
    expect(Array.from(out.numeric)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0]);
  });

  it("keeps the most frequent categories under max_categories", () => {
    const fitted = fitPipeline(feature("onehot", "plan", { max_categories: 2 }), PLAN, {
      plan: ["a", "b", "b", "c", "c", "c"],
    });
    expect(fitted.featureNames).toEqual(["f=b", "f=c", "f=<unknown>"]);
  });

  it("rejects an unknown argument", () => {
    expect(() => fitPipeline(feature("onehot", "plan", { max_cats: 2 }), PLAN, { plan: ["a"] })).toThrow(
      /unknown argument `max_cats`/,
    );
  });
});

describe("hash", () => {
  it("is deterministic and agrees with onnxruntime on strings and codes", async () => {
    await fc.assert(
      fc.asyncProperty(
        categories(),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (plans, buckets, seed) => {
          const rows = { plan: plans, code: plans.map((_, i) => (i % 3 === 0 ? null : i * 7919 - 50)) };
          const defs: FeatureDef[] = [
            { name: "h", inputs: ["plan"], stages: [{ fn: "hash", args: { buckets, seed } }] },
            { name: "k", inputs: ["code"], stages: [{ fn: "hash", args: { buckets } }] },
          ];
          const first = await checkAgreement(defs, BOTH, rows);
          const second = applyPipeline(fitPipeline(defs, BOTH, { plan: ["other"], code: [1] }), rows);
          expect(second.numeric).toEqual(first.js.numeric);
          expect(rowSums(first.js.numeric, first.js.width).every((s) => s === 2)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it("agrees with onnxruntime on arbitrary unicode strings", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: "grapheme", maxLength: 12 }), { minLength: 1, maxLength: 30 }), async (plans) => {
        await checkAgreement(feature("hash", "plan", { buckets: 97 }), PLAN, { plan: plans });
      }),
      RUNS,
    );
  });

  it("requires buckets", () => {
    expect(() => fitPipeline(feature("hash", "plan"), PLAN, { plan: ["a"] })).toThrow(/argument `buckets` is required/);
  });
});

describe("cross", () => {
  it("agrees with onnxruntime on string × code crosses", async () => {
    await fc.assert(
      fc.asyncProperty(categories({ minLength: 20, maxLength: 20 }), codes({ minLength: 20, maxLength: 20 }), fc.integer({ min: 1, max: 64 }), async (plans, codeValues, buckets) => {
        const defs: FeatureDef[] = [{ name: "x", inputs: ["plan", "code"], stages: [{ fn: "cross", args: { buckets } }] }];
        const { js } = await checkAgreement(defs, BOTH, { plan: plans, code: codeValues });
        expect(js.width).toBe(buckets);
      }),
      RUNS,
    );
  });

  it("separates pairs that share a value", () => {
    const defs: FeatureDef[] = [{ name: "x", inputs: ["plan", "plan2"], stages: [{ fn: "cross", args: { buckets: 1024 } }] }];
    const columns: RawColumn[] = [...PLAN, { name: "plan2", type: { kind: "string" } }];
    const rows = { plan: ["a", "a", "b"], plan2: ["b", "c", "a"] };
    const out = applyPipeline(fitPipeline(defs, columns, rows), rows);
    const buckets = [0, 1, 2].map((r) => out.numeric.subarray(r * 1024, (r + 1) * 1024).indexOf(1));
    expect(new Set(buckets).size).toBe(3);
  });

  it("needs two columns", () => {
    expect(() => fitPipeline(feature("cross", "plan", { buckets: 4 }), PLAN, { plan: ["a"] })).toThrow(/at least two columns/);
  });
});

describe("embed_index", () => {
  it("agrees with onnxruntime; unknown ids get the last index", async () => {
    await fc.assert(
      fc.asyncProperty(categories(), categories(), async (train, rows) => {
        const { js, fitted } = await checkAgreement(feature("embed_index", "plan"), PLAN, { plan: train }, { plan: rows });
        const cardinality = fitted.indexFeatures[0]!.cardinality;
        const seen = new Set(train.filter((v) => v !== null && v !== ""));
        rows.forEach((v, i) => {
          const index = js.indices.f![i]!;
          expect(index).toBeGreaterThanOrEqual(0);
          expect(index).toBeLessThan(cardinality);
          expect(index === cardinality - 1).toBe(!seen.has(v as string));
        });
      }),
      RUNS,
    );
  });

  it("agrees with onnxruntime on integer ids, with an empty vocabulary too", async () => {
    await checkAgreement(feature("embed_index", "code"), CODE, { code: [null, null] }, { code: [1, null, 3] });
    await fc.assert(
      fc.asyncProperty(codes(), codes(), async (train, rows) => {
        await checkAgreement(feature("embed_index", "code", { min_frequency: 2 }), CODE, { code: train }, { code: rows });
      }),
      RUNS,
    );
  });

  it("keeps index features out of the numeric matrix", () => {
    const fitted = fitPipeline(feature("embed_index", "plan"), PLAN, { plan: ["a", "b"] });
    expect(fitted.width).toBe(0);
    expect(fitted.indexFeatures).toEqual([{ name: "f", cardinality: 3 }]);
  });
});

describe("impute", () => {
  const X: RawColumn[] = [{ name: "x", type: { kind: "float" } }];

  it("agrees with onnxruntime for every numeric strategy", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.integer({ min: -50, max: 50 }), { nil: null, freq: 3 }), { minLength: 1, maxLength: 40 }),
        fc.constantFrom("mean", "median", "mode", "constant"),
        async (train, strategy) => {
          const args: TransformArgs = strategy === "constant" ? { strategy, value: -1.5 } : { strategy };
          const defs: FeatureDef[] = [{ name: "f", inputs: ["x"], stages: [{ fn: "impute", args }] }];
          const { js } = await checkAgreement(defs, X, { x: train });
          train.forEach((v, i) => {
            if (v !== null) expect(js.numeric[i]).toBe(v);
          });
        },
      ),
      RUNS,
    );
  });

  it("fills numbers with the statistic of the training rows", () => {
    const cases: Array<[string, number]> = [["mean", 5], ["median", 2], ["mode", 1]];
    for (const [strategy, fill] of cases) {
      const defs: FeatureDef[] = [{ name: "f", inputs: ["x"], stages: [{ fn: "impute", args: { strategy } }] }];
      const fitted = fitPipeline(defs, X, { x: [1, 1, 3, null, 15] });
      expect(applyPipeline(fitted, { x: [null] }).numeric[0]).toBe(fill);
    }
  });

  it("agrees with onnxruntime for strings, then onehot", async () => {
    await fc.assert(
      fc.asyncProperty(categories(), categories(), fc.boolean(), async (train, rows, constant) => {
        const args: TransformArgs = constant ? { strategy: "constant", value: "missing" } : { strategy: "mode" };
        const defs: FeatureDef[] = [
          { name: "f", inputs: ["plan"], stages: [{ fn: "impute", args }, { fn: "onehot", args: {} }] },
        ];
        await checkAgreement(defs, PLAN, { plan: train }, { plan: rows });
      }),
      RUNS,
    );
  });

  it("fills missing strings with the most frequent one", () => {
    const defs: FeatureDef[] = [{ name: "f", inputs: ["plan"], stages: [{ fn: "impute", args: {} }, { fn: "onehot", args: {} }] }];
    const fitted = fitPipeline(defs, PLAN, { plan: ["pro", "pro", "basic", null, null, null] });
    expect(fitted.featureNames).toEqual(["f=basic", "f=pro", "f=<unknown>"]);
    expect(Array.from(applyPipeline(fitted, { plan: [null] }).numeric)).toEqual([0, 1, 0]);
  });

  it("rejects mean on strings and a feature that ends as strings", () => {
    const mean: FeatureDef[] = [{ name: "f", inputs: ["plan"], stages: [{ fn: "impute", args: { strategy: "mean" } }] }];
    expect(() => fitPipeline(mean, PLAN, { plan: ["a"] })).toThrow(/strategy mean needs numbers/);
    const strings: FeatureDef[] = [{ name: "f", inputs: ["plan"], stages: [{ fn: "impute", args: {} }] }];
    expect(() => fitPipeline(strings, PLAN, { plan: ["a"] })).toThrow(/ends as strings/);
  });
});

describe("enum and bool columns", () => {
  it("agree with onnxruntime through onehot", async () => {
    const columns: RawColumn[] = [
      { name: "tier", type: { kind: "enum", values: CATEGORIES } },
      { name: "active", type: { kind: "bool" } },
    ];
    const defs: FeatureDef[] = [
      { name: "t", inputs: ["tier"], stages: [{ fn: "onehot", args: {} }] },
      { name: "a", inputs: ["active"], stages: [{ fn: "onehot", args: {} }] },
    ];
    const { fitted } = await checkAgreement(
      defs,
      columns,
      { tier: ["pro", "basic", null], active: [true, false, null] },
      { tier: ["x", "pro", "basic"], active: [null, true, false] },
    );
    expect(fitted.featureNames).toEqual(["t=basic", "t=pro", "t=<unknown>", "a=0", "a=1", "a=<unknown>"]);
  });
});
