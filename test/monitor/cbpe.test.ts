/** CBPE (runtime/monitor/cbpe.ts): bounds, agreement with the measured metric when probabilities are certain, and unbiasedness on calibrated simulations. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimateMetric, expectedAuc, ESTIMABLE_METRICS } from "../../runtime/monitor/cbpe.js";
import { Rng } from "../../core/rng.js";
import { metrics } from "../../stdlib/metrics/index.js";

const prob = fc.double({ min: 0, max: 1, noNaN: true });
const probs = fc.array(prob, { minLength: 1, maxLength: 80 });

const measure = (metric: string, labels: number[], scores: number[], K?: number) => {
  const e = metrics[metric]!;
  if (e.family !== "classification") throw new Error("classification only");
  return e.compute(Int32Array.from(labels), Float32Array.from(scores), K);
};

describe("CBPE", () => {
  it("every estimate lies in [0, 1] (or is NaN for AUC with one certain class)", () => {
    fc.assert(
      fc.property(probs, (ps) => {
        for (const m of ESTIMABLE_METRICS) {
          const v = estimateMetric(m, ps);
          if (m === "auc" && Number.isNaN(v)) continue;
          expect(v).toBeGreaterThanOrEqual(-1e-12);
          expect(v).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
    );
  });

  it("with certain probabilities (0 or 1) and labels that match them, the estimate is the measured metric", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 2, maxLength: 60 }), (bs) => {
        const ps = bs.map((b) => (b ? 1 : 0));
        for (const m of ESTIMABLE_METRICS) {
          const est = estimateMetric(m, ps);
          const got = measure(m, ps, ps);
          if (Number.isNaN(got)) expect(est).toBeNaN();
          else expect(est).toBeCloseTo(got, 9);
        }
      }),
    );
  });

  it("multiclass: certain rows give the measured macro metrics and accuracy", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 40 }), (cls) => {
        const scores = cls.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
        for (const m of ["accuracy", "precision", "recall", "f1"] as const) {
          // the stdlib averages over the classes present; certain rows present exactly the predicted ones
          const present = new Set(cls).size;
          const est = estimateMetric(m, scores, 3);
          expect(est * 3).toBeCloseTo(measure(m, cls, scores, 3) * (m === "accuracy" ? 3 : present), 9);
        }
      }),
    );
  });

  it("expected AUC is the ROC area of the expected curve: 0.5 for a constant score, 1 for separated certain scores", () => {
    expect(expectedAuc([0.3, 0.3, 0.3])).toBeCloseTo(0.5, 12);
    expect(expectedAuc([1, 1, 0, 0])).toBeCloseTo(1, 12);
    expect(expectedAuc([1, 1])).toBeNaN();
  });

  it("on calibrated simulations (labels drawn from the probabilities) the estimate is within 0.03 of the measured value", () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 5; trial++) {
      const ps = Array.from({ length: 4000 }, () => 1 / (1 + Math.exp(-rng.normal(0, 2))));
      const labels = ps.map((p) => (rng.next() < p ? 1 : 0));
      for (const m of ESTIMABLE_METRICS) expect(Math.abs(estimateMetric(m, ps) - measure(m, labels, ps))).toBeLessThan(0.03);
    }
  });
});
