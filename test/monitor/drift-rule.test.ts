/** One drift rule over many columns: corrections, thresholds, insufficient windows, dataset drift. */
import { describe, expect, it } from "vitest";
import { evaluateDriftRule, significant } from "../../runtime/monitor/drift-rule.js";
import type { DriftColumn } from "../../stdlib/drift/drift-column.js";

const numeric = (values: number[]): DriftColumn => ({ kind: "numeric", values });
const range = (n: number, shift = 0) => Array.from({ length: n }, (_, i) => i / n + shift);

describe("significant", () => {
  const p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205];
  it("Benjamini–Hochberg rejects the largest prefix with p(k) <= k·alpha/m (statsmodels fdr_bh gives the same)", () => {
    expect(significant(p, 0.05, "fdr").rejected).toEqual([true, true, false, false, false, false, false, false]);
    expect(significant([0.04, 0.01, 0.03, 0.005], 0.05, "fdr").rejected).toEqual([true, true, true, true]);
  });
  it("bonferroni divides alpha by the number of tests; none does not", () => {
    const b = significant(p, 0.05, "bonferroni");
    expect(b.rejected.filter(Boolean)).toHaveLength(1);
    expect(b.levels[0]).toBe(0.05 / 8);
    expect(significant(p, 0.05, "none").rejected.filter(Boolean)).toHaveLength(5);
  });
});

describe("evaluateDriftRule", () => {
  it("a window below min_samples is insufficient, and so is the rule when nothing else drifted", () => {
    const r = evaluateDriftRule({ test: "ks", minSamples: 100 }, [
      { column: "a", reference: numeric(range(500)), current: numeric(range(99)) },
      { column: "b", reference: numeric(range(500)), current: numeric(range(200)) },
    ]);
    expect(r.columns.map((c) => c.verdict)).toEqual(["insufficient", "no_drift"]);
    expect(r.verdict).toBe("insufficient");
    expect(r.fired).toBe(false);
  });

  it("distances are compared with the threshold (default by test); the share of drifted columns gives dataset drift", () => {
    const samples = ["a", "b", "c"].map((column, i) => ({ column, reference: numeric(range(2000)), current: numeric(range(500, i < 2 ? 0.5 : 0)) }));
    const r = evaluateDriftRule({ test: "wasserstein", minSamples: 1 }, samples);
    expect(r.columns.map((c) => [c.test, c.threshold, c.verdict])).toEqual([
      ["wasserstein", 0.1, "drift"],
      ["wasserstein", 0.1, "drift"],
      ["wasserstein", 0.1, "no_drift"],
    ]);
    expect(r.driftedShare).toBeCloseTo(2 / 3, 12);
    expect(r.datasetDrift).toBe(true);
    expect(r.fired).toBe(true);
    expect(evaluateDriftRule({ test: "wasserstein", threshold: 10, minSamples: 1 }, samples).fired).toBe(false);
  });

  it("an unknown test is a clear error", () => {
    expect(() => evaluateDriftRule({ test: "kss" }, [])).toThrow(/unknown drift test `kss`; drift tests are psi, ks, chi2, js, wasserstein, auto/);
  });
});
