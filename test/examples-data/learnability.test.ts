/**
 * The generated data sets must reward a good model and expose a bad one, as their READMEs say.
 * Each check fits an exact reference learner on a seeded 80/20 split and measures the held-out 20%.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../core/rng.js";
import { readExampleCsv } from "./csv-file.js";
import {
  fitLeastSquares,
  fitLogisticRegression,
  fitMatrixFactorization,
  linearScore,
  rocAuc,
  rSquared,
  solveLinearSystem,
  standardizeBy,
  type Rating,
} from "./reference-models.js";

function split(count: number, seed: number): { train: number[]; test: number[] } {
  const order = new Rng(seed).shuffle(Array.from({ length: count }, (_, i) => i));
  const cut = Math.floor(count * 0.8);
  return { train: order.slice(0, cut), test: order.slice(cut) };
}

const oneHot = (value: string, levels: readonly string[]) => levels.map((l) => (value === l ? 1 : 0));

describe("churn: a logistic model on the right features reaches AUC 0.80–0.90; weak features do not", () => {
  const data = readExampleCsv("churn/data/customers.csv");
  const labels = data.column("churned").map((c) => (c === "true" ? 1 : 0));
  const monthly = data.column("monthly");
  const logMonthly = monthly.map((m) => (m === "" ? NaN : Math.log1p(Number(m))));
  const present = logMonthly.filter((v) => !Number.isNaN(v));
  const meanLogMonthly = present.reduce((a, b) => a + b, 0) / present.length;

  const features = {
    tenure: (i: number) => [Number(data.rows[i]![1])],
    log_monthly: (i: number) => [Number.isNaN(logMonthly[i]!) ? meanLogMonthly : logMonthly[i]!],
    plan: (i: number) => oneHot(data.rows[i]![3]!, ["pro", "enterprise"]),
    region: (i: number) => oneHot(data.rows[i]![4]!, ["south", "east", "west"]),
    support_calls: (i: number) => [Number(data.rows[i]![5])],
  };

  function heldOutAuc(names: (keyof typeof features)[], seed: number): number {
    const rows = data.rows.map((_, i) => names.flatMap((n) => features[n](i)));
    const { train, test } = split(rows.length, seed);
    const fitRows = train.map((i) => rows[i]!);
    const x = standardizeBy(fitRows, rows);
    const w = fitLogisticRegression(train.map((i) => x[i]!), train.map((i) => labels[i]!));
    return rocAuc(test.map((i) => linearScore(w, x[i]!)), test.map((i) => labels[i]!));
  }

  it("all features: AUC in [0.80, 0.90] on two splits", () => {
    for (const seed of [1, 2]) {
      const auc = heldOutAuc(["tenure", "log_monthly", "plan", "region", "support_calls"], seed);
      expect(auc).toBeGreaterThanOrEqual(0.8);
      expect(auc).toBeLessThanOrEqual(0.9);
    }
  });

  it("region alone is near chance, plan alone is weak", () => {
    expect(heldOutAuc(["region"], 1)).toBeLessThan(0.58);
    expect(heldOutAuc(["plan"], 1)).toBeLessThan(0.68);
  });
});

describe("housing: least squares explains about 80% of price variance", () => {
  const data = readExampleCsv("housing/data/houses.csv");
  const districts = ["old_town", "riverside", "harbor", "suburbs", "industrial"] as const;
  const price = data.column("price").map(Number);

  function heldOutR2(toRow: (r: string[]) => number[], logTarget: boolean): number {
    const rows = data.rows.map(toRow);
    const { train, test } = split(rows.length, 1);
    const x = standardizeBy(train.map((i) => rows[i]!), rows);
    const target = (v: number) => (logTarget ? Math.log(v) : v);
    const w = fitLeastSquares(train.map((i) => x[i]!), train.map((i) => target(price[i]!)));
    const predicted = test.map((i) => linearScore(w, x[i]!));
    return rSquared(logTarget ? predicted.map(Math.exp) : predicted, test.map((i) => price[i]!));
  }

  it("linear on raw features: R² ≥ 0.78; on log area and log price: R² ≥ 0.83", () => {
    const raw = (r: string[]) => [Number(r[1]), Number(r[2]), Number(r[3]), r[5] === "true" ? 1 : 0, ...oneHot(r[4]!, districts)];
    const logLog = (r: string[]) => [Math.log(Number(r[1])), ...raw(r).slice(1)];
    expect(heldOutR2(raw, false)).toBeGreaterThanOrEqual(0.78);
    const best = heldOutR2(logLog, true);
    expect(best).toBeGreaterThanOrEqual(0.83);
    expect(best).toBeLessThan(0.95); // noise is real: no model should be near perfect
  });

  it("area alone or district alone is clearly worse", () => {
    expect(heldOutR2((r) => [Number(r[1])], false)).toBeLessThan(0.65);
    expect(heldOutR2((r) => oneHot(r[4]!, districts), false)).toBeLessThan(0.3);
  });
});

describe("movies: matrix factorisation clearly beats the global mean", () => {
  const data = readExampleCsv("movies/data/ratings.csv");
  const ratings: Rating[] = data.rows.map((r) => ({
    user: Number(r[0]!.slice(1)) - 1,
    item: Number(r[1]!.slice(1)) - 1,
    value: Number(r[2]),
  }));

  it("held-out RMSE: MF(k=4) < 0.65 < biases-only < global mean", () => {
    const { train, test } = split(ratings.length, 1);
    const trainSet = train.map((k) => ratings[k]!);
    const testSet = test.map((k) => ratings[k]!);
    const rmse = (predict: (u: number, i: number) => number) =>
      Math.sqrt(testSet.reduce((s, r) => s + (predict(r.user, r.item) - r.value) ** 2, 0) / testSet.length);
    const mean = trainSet.reduce((s, r) => s + r.value, 0) / trainSet.length;
    const common = { users: 300, items: 200, lr: 0.01, reg: 0.05, seed: 5, low: 1, high: 5 };
    const globalMean = rmse(() => mean);
    const biases = rmse(fitMatrixFactorization(trainSet, { ...common, factors: 0, epochs: 30 }));
    const factorised = rmse(fitMatrixFactorization(trainSet, { ...common, factors: 4, epochs: 60 }));
    expect(globalMean).toBeGreaterThan(0.85);
    expect(biases).toBeLessThan(globalMean - 0.1);
    expect(factorised).toBeLessThan(0.65);
    expect(factorised).toBeLessThan(biases - 0.1);
  });
});

describe("reference learners", () => {
  it("solveLinearSystem inverts a random diagonally dominant system", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer(), (n, seed) => {
        const rng = new Rng(seed);
        const a = Array.from({ length: n }, (_, i) =>
          Array.from({ length: n }, (_, j) => (i === j ? n + 1 + rng.next() : rng.uniform(-1, 1))),
        );
        const x = Array.from({ length: n }, () => rng.uniform(-5, 5));
        const b = a.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));
        solveLinearSystem(a, b).forEach((v, i) => expect(v).toBeCloseTo(x[i]!, 8));
      }),
    );
  });

  it("rocAuc is 1 for a perfect ranking, 0 for a reversed one, 0.5 for constant scores", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 2, maxLength: 40 }), (flags) => {
        fc.pre(flags.some((f) => f) && flags.some((f) => !f));
        const labels = flags.map((f) => (f ? 1 : 0));
        expect(rocAuc(labels.map((l) => l), labels)).toBe(1);
        expect(rocAuc(labels.map((l) => -l), labels)).toBe(0);
        expect(rocAuc(labels.map(() => 3), labels)).toBe(0.5);
      }),
    );
  });

  it("fitLeastSquares recovers an exact linear relation", () => {
    const rng = new Rng(4);
    const x = Array.from({ length: 50 }, () => [rng.normal(), rng.normal()]);
    const y = x.map(([a, b]) => 2 + 3 * a! - 0.5 * b!);
    const w = fitLeastSquares(x, y);
    expect(w[0]).toBeCloseTo(2, 4);
    expect(w[1]).toBeCloseTo(3, 4);
    expect(w[2]).toBeCloseTo(-0.5, 4);
    expect(rSquared(x.map((r) => linearScore(w, r)), y)).toBeCloseTo(1, 6);
  });
});
