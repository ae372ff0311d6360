import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as accuracy from "../../stdlib/metrics/accuracy.js";
import * as auc from "../../stdlib/metrics/auc.js";
import * as f1 from "../../stdlib/metrics/f1.js";
import { MetricInputError, metrics, metricSignatures } from "../../stdlib/metrics/index.js";
import * as logloss from "../../stdlib/metrics/logloss.js";
import * as mae from "../../stdlib/metrics/mae.js";
import * as ndcg from "../../stdlib/metrics/ndcg.js";
import * as precision from "../../stdlib/metrics/precision.js";
import * as r2 from "../../stdlib/metrics/r2.js";
import * as recall from "../../stdlib/metrics/recall.js";
import * as recallAtK from "../../stdlib/metrics/recall-at-k.js";
import * as rmse from "../../stdlib/metrics/rmse.js";

const RUNS = { numRuns: 200 };

function close(actual: number, expected: number): void {
  if (Number.isNaN(expected)) expect(actual).toBeNaN();
  else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

/** Scores drawn partly from a small set so that ties are common. */
const score = fc.oneof(fc.constantFrom(0, 0.25, 0.5, 0.75, 1), fc.float({ min: 0, max: 1, noNaN: true }));

const binaryCase = fc
  .array(fc.tuple(fc.constantFrom(0, 1), score), { minLength: 1, maxLength: 40 })
  .map((rows) => ({
    yTrue: Float32Array.from(rows.map((r) => r[0])),
    yPred: Float32Array.from(rows.map((r) => r[1])),
  }));

const multiclassCase = fc.integer({ min: 2, max: 5 }).chain((K) =>
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: K - 1 }), fc.array(score, { minLength: K, maxLength: K })), {
      minLength: 1,
      maxLength: 30,
    })
    .map((rows) => ({
      K,
      yTrue: Int32Array.from(rows.map((r) => r[0])),
      yPred: Float32Array.from(rows.flatMap((r) => r[1])),
    })),
);

// ---- plain references -------------------------------------------------------

function refDecisions(yPred: Float32Array, n: number, K?: number): number[] {
  if (K === undefined) return Array.from(yPred, (p) => (p >= 0.5 ? 1 : 0));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from(yPred.slice(i * K, (i + 1) * K));
    out.push(row.indexOf(Math.max(...row)));
  }
  return out;
}

function refPerClass(yTrue: ArrayLike<number>, yPred: Float32Array, K: number | undefined, which: "p" | "r" | "f") {
  const t = Array.from(yTrue);
  const p = refDecisions(yPred, t.length, K);
  const classes = K === undefined ? [1] : [...new Set([...t, ...p])];
  const scores = classes.map((c) => {
    const tp = t.filter((v, i) => v === c && p[i] === c).length;
    const fp = t.filter((v, i) => v !== c && p[i] === c).length;
    const fn = t.filter((v, i) => v === c && p[i] !== c).length;
    const prec = tp + fp === 0 ? 0 : tp / (tp + fp);
    const rec = tp + fn === 0 ? 0 : tp / (tp + fn);
    if (which === "p") return prec;
    if (which === "r") return rec;
    return prec + rec === 0 ? 0 : (2 * prec * rec) / (prec + rec);
  });
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

/** AUC by counting every (positive, negative) pair: O(n²). */
function refPairAuc(positive: boolean[], s: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < s.length; i++) {
    if (!positive[i]) continue;
    for (let j = 0; j < s.length; j++) {
      if (positive[j]) continue;
      pairs++;
      if (s[i]! > s[j]!) wins += 1;
      else if (s[i] === s[j]) wins += 0.5;
    }
  }
  return pairs === 0 ? Number.NaN : wins / pairs;
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/**
 * A ranking metric by brute force: every order of the user's rows that sorts
 * scores high to low is equally likely; average the per-order value.
 */
function refRanking(
  userIds: Int32Array,
  rel: Float32Array,
  scores: Float32Array,
  k: number,
  perOrder: (relsInOrder: number[], allRels: number[]) => number | null,
): number {
  const users = [...new Set(userIds)];
  const values: number[] = [];
  for (const u of users) {
    const rows = [...userIds.keys()].filter((i) => userIds[i] === u);
    const orders = permutations(rows).filter((o) => o.every((r, i) => i === 0 || scores[o[i - 1]!]! >= scores[r]!));
    const perUser = orders.map((o) => perOrder(o.map((r) => rel[r]!), rows.map((r) => rel[r]!)));
    if (perUser[0] === null) continue;
    values.push((perUser as number[]).reduce((a, b) => a + b, 0) / perUser.length);
  }
  void k;
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

function refNdcg(userIds: Int32Array, rel: Float32Array, scores: Float32Array, k: number): number {
  const dcg = (r: number[]) => r.slice(0, k).reduce((s, g, i) => s + g / Math.log2(i + 2), 0);
  return refRanking(userIds, rel, scores, k, (inOrder, all) => {
    const ideal = dcg([...all].sort((a, b) => b - a));
    return ideal === 0 ? null : dcg(inOrder) / ideal;
  });
}

function refRecallAtK(userIds: Int32Array, rel: Float32Array, scores: Float32Array, k: number): number {
  return refRanking(userIds, rel, scores, k, (inOrder, all) => {
    const relevant = all.filter((r) => r > 0).length;
    return relevant === 0 ? null : inOrder.slice(0, k).filter((r) => r > 0).length / relevant;
  });
}

const rankingCase = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(0, 0, 1, 2, 3), fc.constantFrom(0, 0.5, 1, 2, 3.5)), {
    minLength: 1,
    maxLength: 16,
  })
  .filter((rows) => [0, 1, 2, 3].every((u) => rows.filter((r) => r[0] === u).length <= 6))
  .chain((rows) =>
    fc.integer({ min: 1, max: 7 }).map((k) => ({
      userIds: Int32Array.from(rows.map((r) => r[0])),
      rel: Float32Array.from(rows.map((r) => r[1])),
      scores: Float32Array.from(rows.map((r) => r[2])),
      k,
    })),
  );

// ---- properties -------------------------------------------------------------

describe("classification metrics match plain references", () => {
  it("accuracy", () => {
    fc.assert(
      fc.property(fc.oneof(binaryCase, multiclassCase), (c) => {
        const K = "K" in c ? c.K : undefined;
        const p = refDecisions(c.yPred, c.yTrue.length, K);
        close(accuracy.compute(c.yTrue, c.yPred, K), p.filter((v, i) => v === c.yTrue[i]).length / p.length);
      }),
      RUNS,
    );
  });

  for (const [name, mod, which] of [
    ["precision", precision, "p"],
    ["recall", recall, "r"],
    ["f1", f1, "f"],
  ] as const) {
    it(`${name} (binary and macro multiclass)`, () => {
      fc.assert(
        fc.property(fc.oneof(binaryCase, multiclassCase), (c) => {
          const K = "K" in c ? c.K : undefined;
          close(mod.compute(c.yTrue, c.yPred, K), refPerClass(c.yTrue, c.yPred, K, which));
        }),
        RUNS,
      );
    });
  }

  it("binary auc equals O(n²) pair counting, ties counting 1/2", () => {
    fc.assert(
      fc.property(binaryCase, (c) => {
        close(auc.compute(c.yTrue, c.yPred), refPairAuc(Array.from(c.yTrue, (v) => v === 1), Array.from(c.yPred)));
      }),
      RUNS,
    );
  });

  it("multiclass auc is the mean one-vs-rest pair-count AUC over scorable classes", () => {
    fc.assert(
      fc.property(multiclassCase, (c) => {
        const per: number[] = [];
        for (let k = 0; k < c.K; k++) {
          const s = Array.from({ length: c.yTrue.length }, (_, i) => c.yPred[i * c.K + k]!);
          const a = refPairAuc(Array.from(c.yTrue, (v) => v === k), s);
          if (!Number.isNaN(a)) per.push(a);
        }
        close(auc.compute(c.yTrue, c.yPred, c.K), per.length === 0 ? Number.NaN : per.reduce((a, b) => a + b) / per.length);
      }),
      RUNS,
    );
  });

  it("auc ignores score scale and flipping the labels gives 1 - auc", () => {
    fc.assert(
      fc.property(binaryCase, (c) => {
        const a = auc.compute(c.yTrue, c.yPred);
        close(auc.compute(c.yTrue, c.yPred.map((p) => p * 2)), a); // exact in float32, so strictly increasing
        const flipped = auc.compute(c.yTrue.map((y) => 1 - y), c.yPred);
        close(flipped, Number.isNaN(a) ? Number.NaN : 1 - a);
      }),
      RUNS,
    );
  });

  it("logloss equals the mean clipped negative log-likelihood", () => {
    const clip = (p: number) => Math.min(Math.max(p, 1e-15), 1 - 1e-15);
    fc.assert(
      fc.property(fc.oneof(binaryCase, multiclassCase), (c) => {
        const n = c.yTrue.length;
        let expected = 0;
        for (let i = 0; i < n; i++) {
          if ("K" in c) expected += -Math.log(clip(c.yPred[i * c.K + c.yTrue[i]!]!));
          else expected += c.yTrue[i] === 1 ? -Math.log(clip(c.yPred[i]!)) : -Math.log(1 - clip(c.yPred[i]!));
        }
        close(logloss.compute(c.yTrue, c.yPred, "K" in c ? c.K : undefined), expected / n);
      }),
      RUNS,
    );
  });
});

describe("regression metrics match plain references", () => {
  const value = fc.float({ min: -1000, max: 1000, noNaN: true });
  const pairs = fc
    .array(fc.tuple(value, value), { minLength: 1, maxLength: 50 })
    .map((rows) => ({ yTrue: Float32Array.from(rows.map((r) => r[0])), yPred: Float32Array.from(rows.map((r) => r[1])) }));

  it("rmse, mae, r2", () => {
    fc.assert(
      fc.property(pairs, ({ yTrue, yPred }) => {
        const t = Array.from(yTrue);
        const p = Array.from(yPred);
        const n = t.length;
        const mean = t.reduce((a, b) => a + b, 0) / n;
        const ssRes = t.reduce((s, v, i) => s + (v - p[i]!) ** 2, 0);
        const ssTot = t.reduce((s, v) => s + (v - mean) ** 2, 0);
        close(rmse.compute(yTrue, yPred), Math.sqrt(ssRes / n));
        close(mae.compute(yTrue, yPred), t.reduce((s, v, i) => s + Math.abs(v - p[i]!), 0) / n);
        const expectedR2 = ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
        const got = r2.compute(yTrue, yPred);
        expect(Math.abs(got - expectedR2)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expectedR2)));
      }),
      RUNS,
    );
  });

  it("perfect predictions score rmse 0, mae 0, r2 1", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 30 }), (v) => {
        const y = Float32Array.from(v);
        expect(rmse.compute(y, y)).toBe(0);
        expect(mae.compute(y, y)).toBe(0);
        expect(r2.compute(y, y)).toBe(1);
      }),
    );
  });
});

describe("ranking metrics match brute force over tie orders", () => {
  it("ndcg@k", () => {
    fc.assert(
      fc.property(rankingCase, (c) => close(ndcg.compute(c.userIds, c.rel, c.scores, c.k), refNdcg(c.userIds, c.rel, c.scores, c.k))),
      RUNS,
    );
  });

  it("recall@k", () => {
    fc.assert(
      fc.property(rankingCase, (c) =>
        close(recallAtK.compute(c.userIds, c.rel, c.scores, c.k), refRecallAtK(c.userIds, c.rel, c.scores, c.k)),
      ),
      RUNS,
    );
  });

  it("scoring by the relevance itself gives ndcg 1", () => {
    fc.assert(
      fc.property(rankingCase, (c) => {
        const v = ndcg.compute(c.userIds, c.rel, c.rel, c.k);
        if (!Number.isNaN(v)) close(v, 1);
      }),
    );
  });
});

describe("known values", () => {
  // inputs are float32, so compare to float64 reference values loosely
  const close = (actual: number, expected: number) => expect(actual).toBeCloseTo(expected, 6);
  it("scikit-learn's examples", () => {
    close(auc.compute(Float32Array.of(0, 0, 1, 1), Float32Array.of(0.1, 0.4, 0.35, 0.8)), 0.75);
    close(logloss.compute(Float32Array.of(1, 0, 0, 1), Float32Array.of(0.9, 0.1, 0.2, 0.65)), 0.21616187468057912);
    close(r2.compute(Float32Array.of(3, -0.5, 2, 7), Float32Array.of(2.5, 0.0, 2, 8)), 0.9486081370449679);
    // sklearn ndcg_score([[10, 0, 0, 1, 5]], [[.1, .2, .3, 4, 70]]) == 0.6956940443813076
    close(
      ndcg.compute(new Int32Array(5), Float32Array.of(10, 0, 0, 1, 5), Float32Array.of(0.1, 0.2, 0.3, 4, 70), 5),
      0.6956940443813076,
    );
    // macro f1 of y=[0,1,2,0,1,2], pred=[0,2,1,0,0,1] is 0.2666…
    const oneHot = (c: number[]) => Float32Array.from(c.flatMap((v) => [0, 1, 2].map((k) => (k === v ? 1 : 0))));
    close(f1.compute(Int32Array.of(0, 1, 2, 0, 1, 2), oneHot([0, 2, 1, 0, 0, 1]), 3), 0.26666666666666666);
  });

  it("auc is NaN when only one class is present", () => {
    expect(auc.compute(Float32Array.of(1, 1), Float32Array.of(0.2, 0.9))).toBeNaN();
  });
});

describe("bad input", () => {
  it("throws MetricInputError with a clear message", () => {
    expect(() => accuracy.compute(Float32Array.of(0, 1), Float32Array.of(0.3))).toThrow(MetricInputError);
    expect(() => auc.compute(Float32Array.of(0, 2), Float32Array.of(0.3, 0.2))).toThrow(/expected 0 or 1/);
    expect(() => logloss.compute(Int32Array.of(0, 3), new Float32Array(6), 3)).toThrow(/0\.\.2/);
    expect(() => rmse.compute(new Float32Array(0), new Float32Array(0))).toThrow(/no rows/);
    expect(() => mae.compute(Float32Array.of(1), Float32Array.of(Number.NaN))).toThrow(/NaN/);
    expect(() => ndcg.compute(Int32Array.of(1), Float32Array.of(1), Float32Array.of(1), 0)).toThrow(/k must be/);
    expect(() => recallAtK.compute(Int32Array.of(1), Float32Array.of(-1), Float32Array.of(1), 3)).toThrow(/relevance/);
  });
});

/** Is `a` a better score than `b` for a metric of this direction? */
const better = (direction: "maximize" | "minimize", a: number, b: number) => (direction === "maximize" ? a > b : a < b);

describe("registry", () => {
  it("lists every metric under its own name; the ranking metrics, and only they, take k", () => {
    expect(metricSignatures.map((s) => s.name)).toEqual(Object.keys(metrics));
    for (const [name, entry] of Object.entries(metrics)) {
      expect(entry.signature.name).toBe(name);
      expect(entry.signature.takesK === true, name).toBe(entry.family === "ranking");
    }
  });

  // every registered metric, so a new one is tested without editing this file:
  // on each task it serves, a perfect prediction scores finite and better than a
  // wrong one, in the direction its signature declares
  describe.each(Object.entries(metrics))("%s", (name, entry) => {
    it("scores a perfect prediction better than a wrong one, on each of its tasks", () => {
      const { direction, tasks } = entry.signature;
      expect(tasks.length).toBeGreaterThan(0);
      const score = (perfect: boolean): number[] => {
        switch (entry.family) {
          case "classification": {
            const out: number[] = [];
            if (tasks.includes("binary")) {
              const y = Float32Array.of(0, 1, 1, 0, 1, 0);
              out.push(entry.compute(y, perfect ? Float32Array.from(y, (v) => 0.1 + 0.8 * v) : Float32Array.from(y, (v) => 0.9 - 0.8 * v)));
            }
            if (tasks.includes("multiclass")) {
              const y = Int32Array.of(0, 1, 2, 2, 1, 0);
              const p = new Float32Array(y.length * 3).fill(0.1);
              y.forEach((c, i) => (p[i * 3 + (perfect ? c : (c + 1) % 3)] = 0.8));
              out.push(entry.compute(y, p, 3));
            }
            return out;
          }
          case "regression": {
            const y = Float32Array.of(1, 2, 3, 4, 5, 6);
            return [entry.compute(y, perfect ? Float32Array.from(y, (v) => v + 0.01) : Float32Array.from(y, (v) => 7 - v))];
          }
          case "ranking": {
            const users = Int32Array.of(0, 0, 0, 0, 1, 1, 1, 1);
            const relevance = Float32Array.of(3, 0, 1, 0, 0, 2, 0, 1);
            return [entry.compute(users, relevance, perfect ? relevance : Float32Array.from(relevance, (r) => -r), 2)];
          }
        }
      };
      const good = score(true);
      const bad = score(false);
      expect(good.length, `${name} serves ${tasks.join(", ")}`).toBeGreaterThan(0);
      good.forEach((g, i) => {
        expect(Number.isFinite(g)).toBe(true);
        expect(better(direction, g, bad[i]!), `${name}: ${g} vs ${bad[i]}`).toBe(true);
      });
    });
  });
});
