/**
 * Seeded simulations of the p-value tests (spec/language.md#drift-tests): with no shift
 * the false alarm rate stays within alpha plus three binomial standard errors; with a
 * shift of +0.5 σ in one column of ten the rule detects it at least as often as the
 * figure documented in the spec.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../core/rng.js";
import { evaluateDriftRule, type ColumnSamples, type Correction } from "../../runtime/monitor/drift-rule.js";
import type { DriftColumn } from "../../stdlib/drift/drift-column.js";

const ALPHA = 0.05;
const TRIALS = 400;
const slack = (p: number, n: number) => 3 * Math.sqrt((p * (1 - p)) / n);

const normals = (rng: Rng, n: number, mean = 0): DriftColumn => ({ kind: "numeric", values: Array.from({ length: n }, () => rng.normal(mean, 1)) });
const CATEGORIES = ["a", "b", "c", "d"];
const WEIGHTS = [0.4, 0.3, 0.2, 0.1];
const categories = (rng: Rng, n: number): DriftColumn => ({
  kind: "categorical",
  values: Array.from({ length: n }, () => {
    let u = rng.next();
    for (let i = 0; i < WEIGHTS.length; i++) if ((u -= WEIGHTS[i]!) < 0) return CATEGORIES[i]!;
    return CATEGORIES[CATEGORIES.length - 1]!;
  }),
});

function alarmRate(seed: number, test: string, make: (rng: Rng, n: number) => DriftColumn, columns: number, correction: Correction, nRef = 500, nCur = 200): number {
  const rng = new Rng(seed);
  let alarms = 0;
  for (let t = 0; t < TRIALS; t++) {
    const samples: ColumnSamples[] = Array.from({ length: columns }, (_, c) => ({ column: `x${c}`, reference: make(rng, nRef), current: make(rng, nCur) }));
    if (evaluateDriftRule({ test, pValue: ALPHA, correction, minSamples: 1 }, samples).fired) alarms++;
  }
  return alarms / TRIALS;
}

describe("drift simulations (seeded)", () => {
  it("no shift: ks and chi2 false alarm rates are at most alpha + binomial slack", () => {
    const limit = ALPHA + slack(ALPHA, TRIALS);
    const ks = alarmRate(1, "ks", normals, 1, "none");
    const chi2 = alarmRate(2, "chi2", categories, 1, "none");
    console.log(`false alarm rate (alpha ${ALPHA}, ${TRIALS} trials): ks ${ks}, chi2 ${chi2}; limit ${limit.toFixed(4)}`);
    expect(ks).toBeLessThanOrEqual(limit);
    expect(chi2).toBeLessThanOrEqual(limit);
  });

  it("no shift in ten columns: bonferroni and fdr keep the rule's false alarm rate at most alpha + slack; none does not", () => {
    const limit = ALPHA + slack(ALPHA, TRIALS);
    const bonferroni = alarmRate(3, "ks", normals, 10, "bonferroni");
    const fdr = alarmRate(4, "ks", normals, 10, "fdr");
    const none = alarmRate(5, "ks", normals, 10, "none");
    console.log(`ten columns, rule false alarm rate: bonferroni ${bonferroni}, fdr ${fdr}, none ${none}`);
    expect(bonferroni).toBeLessThanOrEqual(limit);
    expect(fdr).toBeLessThanOrEqual(limit);
    expect(none).toBeGreaterThan(limit); // ~1 - 0.95^10: why a correction is the default
  });

  it("a +0.5 σ shift in one column of ten is detected (auto → ks, bonferroni) and named", () => {
    const rng = new Rng(6);
    let detected = 0;
    let wrongColumns = 0;
    for (let t = 0; t < TRIALS; t++) {
      const samples: ColumnSamples[] = Array.from({ length: 10 }, (_, c) => ({ column: `x${c}`, reference: normals(rng, 1000), current: normals(rng, 100, c === 3 ? 0.5 : 0) }));
      const r = evaluateDriftRule({ test: "auto", pValue: ALPHA, minSamples: 100 }, samples);
      expect(r.columns.every((c) => c.test === "ks")).toBe(true);
      if (r.columns[3]!.verdict === "drift") detected++;
      wrongColumns += r.columns.filter((c, i) => i !== 3 && c.verdict === "drift").length;
    }
    const rate = detected / TRIALS;
    console.log(`+0.5σ on 1 of 10 columns (reference 1000, window 100): detection rate ${rate}, other columns flagged ${wrongColumns} of ${TRIALS * 9}`);
    expect(rate).toBeGreaterThanOrEqual(0.6);
    expect(wrongColumns / (TRIALS * 9)).toBeLessThanOrEqual(ALPHA / 10 + slack(ALPHA / 10, TRIALS * 9));
  });
});
