import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { applyPipeline, fitPipeline, type FeatureDef, type RawColumn } from "../../runtime/features/pipeline.js";
import { checkAgreement } from "./onnx-agreement.js";
import { mean, numbers, std } from "./arbitraries.js";

const X: RawColumn[] = [{ name: "x", type: { kind: "float" } }];
const RUNS = { numRuns: 40 };

function one(fn: string, args: Record<string, number> = {}) {
  return [{ name: "f", inputs: ["x"], stages: [{ fn, args }] }];
}

describe("standardize", () => {
  it("agrees with onnxruntime on training and unseen rows", async () => {
    await fc.assert(
      fc.asyncProperty(numbers(), numbers(-1e6, 1e6), async (train, rows) => {
        await checkAgreement(one("standardize"), X, { x: train }, { x: rows });
      }),
      RUNS,
    );
  });

  it("gives mean 0 and std 1 on the training rows", () => {
    fc.assert(
      fc.property(numbers(-1e3, 1e3, { nulls: false, minLength: 2 }), (train) => {
        fc.pre(std(train.map((v) => Math.fround(v!))) > 1e-3);
        const out = applyPipeline(fitPipeline(one("standardize"), X, { x: train }), { x: train }).numeric;
        expect(Math.abs(mean(out))).toBeLessThan(1e-4);
        expect(Math.abs(std(out) - 1)).toBeLessThan(1e-4);
      }),
      RUNS,
    );
  });

  it("maps a missing value to 0, the mean", () => {
    const fitted = fitPipeline(one("standardize"), X, { x: [1, 2, null, 6] });
    expect(applyPipeline(fitted, { x: [null, 3] }).numeric[0]).toBe(0);
  });

  it("gives a constant column std 1 instead of dividing by zero", () => {
    const fitted = fitPipeline(one("standardize"), X, { x: [5, 5, 5] });
    expect(Array.from(applyPipeline(fitted, { x: [5, 7] }).numeric)).toEqual([0, 2]);
  });
});

describe("minmax", () => {
  it("agrees with onnxruntime", async () => {
    await fc.assert(
      fc.asyncProperty(numbers(), numbers(-1e5, 1e5), async (train, rows) => {
        await checkAgreement(one("minmax"), X, { x: train }, { x: rows });
      }),
      RUNS,
    );
  });

  it("keeps training rows within [0, 1]", () => {
    fc.assert(
      fc.property(numbers(-1e37, 1e37), (train) => {
        const out = applyPipeline(fitPipeline(one("minmax"), X, { x: train }), { x: train }).numeric;
        for (const v of out) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
      }),
      RUNS,
    );
  });
});

describe("log1p", () => {
  it("agrees with onnxruntime, negatives included", async () => {
    await fc.assert(
      fc.asyncProperty(numbers(-1e6, 1e6), async (train) => {
        await checkAgreement(one("log1p"), X, { x: train });
      }),
      RUNS,
    );
  });

  it("is ln(1 + x) for x ≥ 0 and odd-symmetric", () => {
    const fitted = fitPipeline(one("log1p"), X, { x: [0, 1] });
    const out = applyPipeline(fitted, { x: [0, Math.E - 1, -(Math.E - 1)] }).numeric;
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(1, 6);
    expect(out[2]).toBeCloseTo(-1, 6);
  });
});

describe("clip", () => {
  it("agrees with onnxruntime and stays within bounds", async () => {
    await fc.assert(
      fc.asyncProperty(
        numbers(),
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        async (train, low, span) => {
          const defs = one("clip", { low, high: low + span });
          const { js } = await checkAgreement(defs, X, { x: train });
          for (const v of js.numeric) {
            expect(v).toBeGreaterThanOrEqual(Math.fround(low));
            expect(v).toBeLessThanOrEqual(Math.fround(low + span));
          }
        },
      ),
      RUNS,
    );
  });

  it("rejects low above high with a clear message", () => {
    expect(() => fitPipeline(one("clip", { low: 3, high: 1 }), X, { x: [1] })).toThrow(/stage 1 \(clip\): low \(3\) must not be above high \(1\)/);
  });
});

describe("bucketize", () => {
  it("agrees with onnxruntime with explicit boundaries, one 1 per row", async () => {
    await fc.assert(
      fc.asyncProperty(
        numbers(-100, 100),
        fc.uniqueArray(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 6 }),
        async (train, edges) => {
          const boundaries = [...edges].sort((a, b) => a - b);
          const defs = [{ name: "b", inputs: ["x"], stages: [{ fn: "bucketize", args: { boundaries } }] }];
          const { js } = await checkAgreement(defs, X, { x: train });
          expect(js.width).toBe(boundaries.length + 1);
          for (let r = 0; r < js.rows; r++) {
            const row = js.numeric.subarray(r * js.width, (r + 1) * js.width);
            expect(row.reduce((a, b) => a + b, 0)).toBe(1);
          }
        },
      ),
      RUNS,
    );
  });

  it("agrees with onnxruntime with quantile bins fitted on training rows", async () => {
    await fc.assert(
      fc.asyncProperty(numbers(), numbers(), fc.integer({ min: 2, max: 8 }), async (train, rows, bins) => {
        const defs = [{ name: "b", inputs: ["x"], stages: [{ fn: "bucketize", args: { bins } }] }];
        const { fitted } = await checkAgreement(defs, X, { x: train }, { x: rows });
        expect(fitted.width).toBeLessThanOrEqual(bins);
      }),
      RUNS,
    );
  });

  it("puts a value equal to an edge in the bucket above", () => {
    const defs = [{ name: "b", inputs: ["x"], stages: [{ fn: "bucketize", args: { boundaries: [0, 10] } }] }];
    const fitted = fitPipeline(defs, X, { x: [1] });
    expect(fitted.featureNames).toEqual(["b=<0", "b=[0,10)", "b=>=10"]);
    expect(Array.from(applyPipeline(fitted, { x: [-1, 0, 10] }).numeric)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it("rejects boundaries that do not increase", () => {
    const defs = [{ name: "b", inputs: ["x"], stages: [{ fn: "bucketize", args: { boundaries: [2, 1] } }] }];
    expect(() => fitPipeline(defs, X, { x: [1] })).toThrow(/must increase strictly/);
  });
});

describe("chains", () => {
  it("log1p |> clip agrees with onnxruntime, each stage fitted on the previous stage's output", async () => {
    const defs: FeatureDef[] = [
      { name: "m", inputs: ["x"], stages: [{ fn: "log1p", args: {} }, { fn: "clip", args: { low: 0, high: 5 } }, { fn: "standardize", args: {} }] },
    ];
    await fc.assert(
      fc.asyncProperty(numbers(0, 1e5), numbers(-10, 1e6), async (train, rows) => {
        await checkAgreement(defs, X, { x: train }, { x: rows });
      }),
      RUNS,
    );
  });
});
