/**
 * The drift tests agree with SciPy 1.10 to 1e-6 on the vectors in scipy-vectors.json
 * (written by gen-scipy-vectors.py with Debian's python3-scipy; no Python needed here).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { chiSquare, chiSquareHomogeneity } from "../../stdlib/drift/chi2.js";
import { quantileSorted } from "../../stdlib/drift/shared/histogram.js";
import { jensenShannon } from "../../stdlib/drift/js.js";
import { ks2samp } from "../../stdlib/drift/ks.js";
import { KS_EXACT_MAX_N } from "../../stdlib/drift/shared/kolmogorov.js";
import { populationStd, test as wassersteinTest, wassersteinDistance } from "../../stdlib/drift/wasserstein.js";

interface Vectors {
  scipy: string;
  ks: Array<{ a: number[]; b: number[]; statistic: number; pvalue: number }>;
  chisquare: Array<{ observed: number[]; expected: number[]; statistic: number; pvalue: number }>;
  chi2_contingency: Array<{ current: number[]; reference: number[]; statistic: number; pvalue: number; dof: number }>;
  wasserstein: Array<{ u: number[]; v: number[]; distance: number; std: number }>;
  jensenshannon: Array<{ p: number[]; q: number[]; distance: number }>;
  quantile: Array<{ x: number[]; q: number[]; values: number[] }>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const vectors = JSON.parse(fs.readFileSync(path.join(here, "scipy-vectors.json"), "utf8")) as Vectors;
const TOL = 1e-6;

/** Absolute 1e-6, and relative 1e-6 for values far from zero. */
function agree(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(TOL * Math.max(1, Math.abs(expected)));
}

describe(`agreement with SciPy ${vectors.scipy}`, () => {
  it("ks_2samp: statistic and p-value, exact and asymptotic", () => {
    const methods = new Set<string>();
    for (const v of vectors.ks) {
      const r = ks2samp(v.a, v.b);
      methods.add(r.method);
      agree(r.statistic, v.statistic);
      agree(r.pValue, v.pvalue);
      expect(r.method).toBe(Math.max(v.a.length, v.b.length) <= KS_EXACT_MAX_N ? "exact" : "asymp");
    }
    expect([...methods].sort()).toEqual(["asymp", "exact"]);
  });

  it("chisquare: statistic and p-value", () => {
    for (const v of vectors.chisquare) {
      const r = chiSquare(v.observed, v.expected);
      agree(r.statistic, v.statistic);
      agree(r.pValue, v.pvalue);
    }
  });

  it("chi2_contingency(correction=False): the chi2 drift test's homogeneity statistic", () => {
    for (const v of vectors.chi2_contingency) {
      const r = chiSquareHomogeneity(v.current, v.reference);
      agree(r.statistic, v.statistic);
      agree(r.pValue, v.pvalue);
      expect(r.df).toBe(v.dof);
    }
  });

  it("wasserstein_distance, and the normalized test divides by numpy's std", () => {
    for (const v of vectors.wasserstein) {
      agree(wassersteinDistance(v.u, v.v), v.distance);
      agree(populationStd(v.u), v.std);
      const t = wassersteinTest({ kind: "numeric", values: v.u }, { kind: "numeric", values: v.v });
      agree(t.statistic, v.distance / Math.max(v.std, 0.001));
    }
  });

  it("jensenshannon(base=2)", () => {
    for (const v of vectors.jensenshannon) agree(jensenShannon(v.p, v.q), v.distance);
  });

  it("numpy.quantile (linear): the psi/js bin edges", () => {
    for (const v of vectors.quantile) {
      const sorted = [...v.x].sort((a, b) => a - b);
      v.q.forEach((q, i) => agree(quantileSorted(sorted, q), v.values[i]!));
    }
  });
});
