/** Properties of the drift tests (fast-check): no drift between equal samples, symmetry, bounds. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chooseTest, test as autoTest } from "../../stdlib/drift/auto.js";
import { chiSquare, test as chi2Test } from "../../stdlib/drift/chi2.js";
import { binShares, EMPTY_BIN_SHARE } from "../../stdlib/drift/shared/histogram.js";
import { jensenShannon, test as jsTest } from "../../stdlib/drift/js.js";
import { ks2samp, ksStatistic } from "../../stdlib/drift/ks.js";
import { kolmogornSf, smirnovSf } from "../../stdlib/drift/shared/kolmogorov.js";
import { populationStabilityIndex, test as psiTest } from "../../stdlib/drift/psi.js";
import { test as wassersteinTest, wassersteinDistance } from "../../stdlib/drift/wasserstein.js";
import type { DriftColumn } from "../../stdlib/drift/drift-column.js";

const num = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const sample = fc.array(num, { minLength: 1, maxLength: 60 });
const cats = fc.array(fc.constantFrom("a", "b", "c", "d", "e", "f", "g"), { minLength: 1, maxLength: 80 });
const numeric = (values: number[]): DriftColumn => ({ kind: "numeric", values });
const categorical = (values: string[]): DriftColumn => ({ kind: "categorical", values });
const close = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

describe("drift test properties", () => {
  it("identical samples show no drift under every test", () => {
    fc.assert(
      fc.property(sample, (xs) => {
        const r = ks2samp(xs, xs);
        expect(r.statistic).toBe(0);
        expect(r.pValue).toBe(1);
        expect(wassersteinTest(numeric(xs), numeric(xs)).statistic).toBe(0);
        expect(psiTest(numeric(xs), numeric(xs)).statistic).toBe(0);
        expect(jsTest(numeric(xs), numeric(xs)).statistic).toBeCloseTo(0, 6);
      }),
    );
    fc.assert(
      fc.property(cats, (xs) => {
        const c = chi2Test(categorical(xs), categorical(xs));
        expect(c.statistic).toBeCloseTo(0, 9);
        expect(c.pValue).toBeCloseTo(1, 9);
        expect(psiTest(categorical(xs), categorical(xs)).statistic).toBe(0);
      }),
    );
  });

  it("the same sample repeated k times is no drift for ks (the ECDF is the same)", () => {
    fc.assert(
      fc.property(sample, fc.integer({ min: 2, max: 4 }), (xs, k) => {
        expect(ksStatistic(xs, Array.from({ length: k }, () => xs).flat())).toBeCloseTo(0, 12);
      }),
    );
  });

  it("ks statistic, js distance, wasserstein distance and psi are symmetric", () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        expect(ksStatistic(a, b)).toBe(ksStatistic(b, a));
        expect(close(ks2samp(a, b).pValue, ks2samp(b, a).pValue)).toBe(true);
        expect(close(wassersteinDistance(a, b), wassersteinDistance(b, a))).toBe(true);
      }),
    );
    const shares = fc.array(fc.double({ min: 1e-4, max: 1, noNaN: true }), { minLength: 2, maxLength: 12 });
    fc.assert(
      fc.property(shares, shares, (p, q) => {
        const n = Math.min(p.length, q.length);
        const [a, b] = [p.slice(0, n), q.slice(0, n)];
        expect(close(jensenShannon(a, b), jensenShannon(b, a))).toBe(true);
        expect(close(populationStabilityIndex(a, b), populationStabilityIndex(b, a))).toBe(true);
      }),
    );
  });

  it("bounds: D and p in [0, 1], js in [0, 1], psi, wasserstein and χ² not negative", () => {
    fc.assert(
      fc.property(sample, sample, cats, cats, (a, b, c, d) => {
        const k = ks2samp(a, b);
        for (const v of [k.statistic, k.pValue]) expect(v >= 0 && v <= 1).toBe(true);
        const j = jsTest(numeric(a), numeric(b)).statistic;
        expect(j >= 0 && j <= 1 + 1e-12).toBe(true);
        expect(psiTest(numeric(a), numeric(b)).statistic).toBeGreaterThanOrEqual(0);
        expect(wassersteinTest(numeric(a), numeric(b)).statistic).toBeGreaterThanOrEqual(0);
        const x = chi2Test(categorical(c), categorical(d));
        expect(x.statistic).toBeGreaterThanOrEqual(0);
        expect(x.pValue! >= 0 && x.pValue! <= 1).toBe(true);
        const js2 = jsTest(categorical(c), categorical(d)).statistic;
        expect(js2 >= 0 && js2 <= 1 + 1e-12).toBe(true);
      }),
    );
  });

  it("a shift by c moves the wasserstein distance by exactly |c| and ks does not see adding c to both", () => {
    fc.assert(
      fc.property(sample, sample, fc.integer({ min: -1000, max: 1000 }), (a, b, c) => {
        expect(close(wassersteinDistance(a, a.map((x) => x + c)), Math.abs(c), 1e-6)).toBe(true);
        const ints = (xs: number[]) => xs.map((x) => Math.round(x));
        expect(ksStatistic(ints(a), ints(b))).toBe(ksStatistic(ints(a).map((x) => x + c), ints(b).map((x) => x + c)));
      }),
    );
  });

  it("Kolmogorov survival functions fall as the distance grows", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (n, x, y) => {
        const [lo, hi] = x < y ? [x, y] : [y, x];
        expect(kolmogornSf(n, lo)).toBeGreaterThanOrEqual(kolmogornSf(n, hi) - 1e-9);
        expect(smirnovSf(n, lo)).toBeGreaterThanOrEqual(smirnovSf(n, hi) - 1e-9);
      }),
    );
  });

  it("chi2: a category the window brings in often is drift; equal tables are not", () => {
    const ref = categorical([...Array<string>(300).fill("a"), ...Array<string>(300).fill("b")]);
    const r = chi2Test(ref, categorical([...Array<string>(100).fill("a"), ...Array<string>(100).fill("b"), ...Array<string>(50).fill("z")]));
    expect(r.pValue!).toBeLessThan(1e-10);
    expect(chi2Test(ref, ref).pValue).toBeCloseTo(1, 12);
    expect(chiSquare([5, 5], [5, 5]).pValue).toBe(1);
  });

  it("psi/js bins: reference deciles, empty bins get the epsilon share", () => {
    const ref = Array.from({ length: 100 }, (_, i) => i);
    const b = binShares(numeric(ref), numeric([1000, 1001]));
    expect(b.reference).toHaveLength(10);
    expect(b.reference.every((s) => close(s, 0.1))).toBe(true);
    expect(b.current.slice(0, 9).every((s) => s === EMPTY_BIN_SHARE)).toBe(true);
    expect(b.current[9]).toBe(1);
  });

  it("auto picks by kind and reference size (Evidently's rule)", () => {
    const many = Array.from({ length: 50 }, (_, i) => i);
    const big = Array.from({ length: 1001 }, (_, i) => i % 97);
    const few = [0, 1, 2, 3, 4, 0, 1];
    expect(chooseTest(numeric(many), numeric(many))).toBe("ks");
    expect(chooseTest(numeric(big), numeric(many))).toBe("wasserstein");
    expect(chooseTest(numeric(few), numeric(few))).toBe("chi2");
    expect(chooseTest(numeric(big.map((x) => x % 3)), numeric(few))).toBe("js");
    expect(chooseTest(categorical(["a", "b"]), categorical(["a"]))).toBe("chi2");
    expect(autoTest(numeric(few), numeric(few)).test).toBe("chi2");
    expect(autoTest(numeric(many), numeric(many)).test).toBe("ks");
  });
});
