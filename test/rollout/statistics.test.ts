import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addReward,
  auc,
  banditWeights,
  EMPTY_POSTERIOR,
  effectSize,
  floorShare,
  mergeSummaries,
  msprt,
  normalCdf,
  normalQuantile,
  sampleRatioMismatch,
  summarize,
  variance,
  type ArmPosterior,
} from "../../stdlib/rollout/shared/statistics/index.js";
import { banditRegret, rejectionRate } from "./simulate.js";

// no subnormals: outcomes are rates, latencies, money
const finite = fc.integer({ min: -100000, max: 100000 }).map((i) => i / 100);
const values = fc.array(finite, { minLength: 2, maxLength: 60 });

describe("normal distribution", () => {
  it("the quantile inverts the CDF", () => {
    fc.assert(fc.property(fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }), (p) => Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-6));
  });
  it("the CDF is monotone and symmetric", () => {
    fc.assert(fc.property(fc.double({ min: -8, max: 8, noNaN: true }), fc.double({ min: 0, max: 4, noNaN: true }), (x, d) => normalCdf(x + d) >= normalCdf(x) - 1e-7 && Math.abs(normalCdf(x) + normalCdf(-x) - 1) < 1e-7));
  });
});

describe("arm summaries", () => {
  it("merging two summaries equals summarising the concatenation", () => {
    fc.assert(
      fc.property(values, values, (a, b) => {
        const merged = mergeSummaries(summarize(a), summarize(b));
        const whole = summarize([...a, ...b]);
        return merged.n === whole.n && Math.abs(merged.mean - whole.mean) < 1e-6 && Math.abs(variance(merged) - variance(whole)) <= 1e-6 * (1 + variance(whole));
      }),
    );
  });
});

const binaryArm = fc.record({ n: fc.integer({ min: 10, max: 100000 }), rate: fc.double({ min: 0.01, max: 0.99, noNaN: true }) }).map(({ n, rate }) => {
  const successes = Math.round(n * rate);
  return summarize([...Array(successes).fill(1), ...Array(n - successes).fill(0)].slice(0, 2000)); // at most 2000 values: fast
});

describe("mixture SPRT", () => {
  it("gives a p-value in [0, 1], symmetric under swapping the arms, and an interval around the effect", () => {
    fc.assert(
      fc.property(binaryArm, binaryArm, fc.double({ min: 0.001, max: 0.2, noNaN: true }), (a, b, alpha) => {
        const ab = msprt({ current: a, candidate: b, kind: "binary", alpha });
        const ba = msprt({ current: b, candidate: a, kind: "binary", alpha });
        return ab.pValue >= 0 && ab.pValue <= 1 && Math.abs(ab.pValue - ba.pValue) < 1e-9 && Math.abs(ab.effect + ba.effect) < 1e-12 && ab.interval[0] <= ab.effect && ab.effect <= ab.interval[1];
      }),
    );
  });

  it("rejects exactly when the always-valid interval excludes 0", () => {
    fc.assert(
      fc.property(values, values, fc.double({ min: 0.01, max: 0.2, noNaN: true }), (a, b, alpha) => {
        const r = msprt({ current: summarize(a), candidate: summarize(b), kind: "numeric", alpha });
        if (!Number.isFinite(r.interval[0])) return r.pValue === 1;
        const excludes = r.interval[0] > 0 || r.interval[1] < 0;
        // equal up to rounding at the boundary
        return Math.abs(r.pValue - alpha) < 1e-9 || excludes === r.pValue < alpha;
      }),
    );
  });

  it("gives more evidence for a larger effect at the same variance", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.3, noNaN: true }), fc.double({ min: 0, max: 0.3, noNaN: true }), (d1, d2) => {
        const base = { n: 1000, m2: 999 };
        const at = (d: number) => msprt({ current: { ...base, mean: 0 }, candidate: { ...base, mean: d }, kind: "numeric", alpha: 0.05, tau: 0.25 }).pValue;
        return d1 <= d2 ? at(d1) >= at(d2) - 1e-12 : at(d1) <= at(d2) + 1e-12;
      }),
    );
  });

  const RUNS = 400;
  const slack = (alpha: number) => alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / RUNS);

  it("keeps the false-positive rate ≤ alpha under continuous peeking (binary, no difference)", () => {
    const rate = rejectionRate({ kind: "binary", current: 0.2, candidate: 0.2, perArm: 3000, lookEvery: 50, minSamples: 100, alpha: 0.05 }, RUNS, 1);
    expect(rate).toBeLessThanOrEqual(slack(0.05));
  });

  it("keeps the false-positive rate ≤ alpha under continuous peeking (numeric, no difference)", () => {
    const rate = rejectionRate({ kind: "numeric", current: 3, candidate: 3, perArm: 2000, lookEvery: 50, minSamples: 100, alpha: 0.05 }, RUNS, 10_000);
    expect(rate).toBeLessThanOrEqual(slack(0.05));
  });

  it("detects a real difference (power is reported by bench/rollout.ts)", () => {
    const power = rejectionRate({ kind: "binary", current: 0.2, candidate: 0.25, perArm: 4000, lookEvery: 100, minSamples: 100, alpha: 0.05 }, 100, 20_000);
    expect(power).toBeGreaterThan(0.5);
  });
});

describe("sample-ratio mismatch", () => {
  it("sees no mismatch when the counts follow the planned split exactly", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10000 }), fc.integer({ min: 1, max: 99 }), (total, pct) => {
      const planned = [pct, 100 - pct];
      const counts = planned.map((p) => total * p);
      const r = sampleRatioMismatch(counts, planned);
      return !r.mismatch && r.statistic < 1e-9;
    }));
  });
  it("grows its statistic with the sample at a fixed imbalance", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 2, max: 10 }), (n, k) => {
      const one = sampleRatioMismatch([n * 60, n * 40], [1, 1]).statistic;
      const many = sampleRatioMismatch([n * 60 * k, n * 40 * k], [1, 1]).statistic;
      return Math.abs(many - k * one) < 1e-6 * many;
    }));
  });
  it("flags a 52/48 split of 20,000 requests planned 50/50, not a 50.3/49.7 one", () => {
    expect(sampleRatioMismatch([10400, 9600], [0.5, 0.5]).mismatch).toBe(true);
    expect(sampleRatioMismatch([10060, 9940], [0.5, 0.5]).mismatch).toBe(false);
  });
  it("flags any request on an arm planned at 0%", () => {
    expect(sampleRatioMismatch([100, 1], [1, 0]).mismatch).toBe(true);
  });
});

describe("effect size", () => {
  it("has an interval around the difference that narrows with more samples", () => {
    fc.assert(fc.property(values, values, (a, b) => {
      const small = effectSize(summarize(a), summarize(b), "numeric");
      const large = effectSize(summarize([...a, ...a, ...a, ...a]), summarize([...b, ...b, ...b, ...b]), "numeric");
      const width = (e: typeof small) => e.interval[1] - e.interval[0];
      return small.interval[0] <= small.difference && small.difference <= small.interval[1] && width(large) <= width(small) + 1e-9;
    }));
  });
});

describe("AUC", () => {
  const scored = fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }).map((i) => i / 10), fc.boolean()), { minLength: 2, maxLength: 80 }).filter((r) => r.some((x) => x[1]) && r.some((x) => !x[1]));
  it("is in [0, 1], flips under negated scores, and ignores monotone transforms", () => {
    fc.assert(fc.property(scored, (rows) => {
      const s = rows.map((r) => r[0]);
      const y = rows.map((r) => r[1]);
      const a = auc(s, y);
      return a >= 0 && a <= 1 && Math.abs(auc(s.map((x) => -x), y) - (1 - a)) < 1e-9 && Math.abs(auc(s.map((x) => Math.exp(x)), y) - a) < 1e-9;
    }));
  });
});

describe("bandit policies", () => {
  const posterior = fc.record({ n: fc.integer({ min: 0, max: 500 }), rate: fc.double({ min: 0, max: 1, noNaN: true }) }).map(({ n, rate }): ArmPosterior => {
    let p = EMPTY_POSTERIOR;
    for (let i = 0; i < n; i++) p = addReward(p, i < n * rate ? 1 : 0);
    return p;
  });
  const policies = fc.constantFrom("thompson" as const, "ucb" as const, "epsilon_greedy" as const);
  it("give shares that sum to 1, each at least the floor, the same for the same seed", () => {
    fc.assert(fc.property(fc.array(posterior, { minLength: 1, maxLength: 6 }), policies, fc.integer(), (arms, policy, seed) => {
      const w = banditWeights(arms, { policy, reward: "binary", seed, draws: 200 });
      const again = banditWeights(arms, { policy, reward: "binary", seed, draws: 200 });
      const floor = floorShare(arms.length);
      return Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-9 && w.every((x) => x >= floor - 1e-12) && w.every((x, i) => x === again[i]);
    }), { numRuns: 60 });
  });
  it("numeric rewards: Thompson favours the arm with the higher mean", () => {
    let a = EMPTY_POSTERIOR;
    let b = EMPTY_POSTERIOR;
    for (let i = 0; i < 200; i++) {
      a = addReward(a, 10 + (i % 5));
      b = addReward(b, 12 + (i % 5));
    }
    const [wa, wb] = banditWeights([a, b], { policy: "thompson", reward: "numeric", seed: 3 });
    expect(wb!).toBeGreaterThan(0.9);
    expect(wa!).toBeGreaterThanOrEqual(floorShare(2));
  });
  it("Thompson's regret on a seeded Bernoulli simulation is below ε-greedy's", () => {
    const rates = [0.05, 0.08, 0.12];
    let thompson = 0;
    let greedy = 0;
    for (let seed = 1; seed <= 5; seed++) {
      thompson += banditRegret("thompson", rates, 20_000, 200, seed);
      greedy += banditRegret("epsilon_greedy", rates, 20_000, 200, seed);
    }
    expect(thompson).toBeLessThan(greedy);
  });
});
