import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../core/rng.js";
import { GridSampler } from "../../stdlib/samplers/grid/sampler.js";
import { CategoricalParzenEstimator, defaultWeights, NumericParzenEstimator } from "../../stdlib/samplers/shared/parzen.js";
import { RandomSampler, sampleFromPrior } from "../../stdlib/samplers/random/sampler.js";
import { TPESampler } from "../../stdlib/samplers/tpe/sampler.js";
import { logGaussMass, normalCdf, normalPpf, sampleTruncatedNormal } from "../../stdlib/samplers/shared/truncnorm.js";
import { checkAssignment, containsValue, validateSearchSpace, type Distribution, type JsonValue, type SearchParam } from "../../core/search/space.js";
import { trialRng } from "../../runtime/search/study.js";
import type { FrozenTrial } from "../../core/search/trial.js";

const uniformDist: fc.Arbitrary<Distribution> = fc
  .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }))
  .map(([low, width]) => ({ kind: "uniform" as const, low, high: low + width }))
  .filter((d) => d.high > d.low);

const logUniformDist: fc.Arbitrary<Distribution> = fc
  .tuple(fc.double({ min: 1e-9, max: 1e4, noNaN: true }), fc.double({ min: 1.0001, max: 1e8, noNaN: true }))
  .map(([low, factor]) => ({ kind: "loguniform" as const, low, high: low * factor }));

const intDist: fc.Arbitrary<Distribution> = fc.oneof(
  fc
    .tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 9 }))
    .map(([low, count, step]) => ({ kind: "int" as const, low, high: low + count * step, step })),
  fc
    .tuple(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 100000 }))
    .map(([low, extra]) => ({ kind: "int" as const, low, high: low + extra, log: true })),
);

const option: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.integer({ min: -5, max: 500 }),
  fc.constantFrom("relu", "tanh", "gelu", "adam", "sgd"),
  fc.array(fc.constantFrom(16, 32, 64, 128), { minLength: 1, maxLength: 3 }),
);
const choiceDist: fc.Arbitrary<Distribution> = fc
  .uniqueArray(option, { minLength: 1, maxLength: 6, selector: (o) => JSON.stringify(o) })
  .map((options) => ({ kind: "choice" as const, options }));

const anyDist = fc.oneof(uniformDist, logUniformDist, intDist, choiceDist);

/** 1–5 params; the first is a choice, and the later ones may hang off one of its options. */
const spaceArb: fc.Arbitrary<SearchParam[]> = fc
  .tuple(choiceDist, fc.array(fc.tuple(anyDist, fc.boolean(), fc.nat()), { maxLength: 4 }))
  .map(([root, rest]) => {
    const options = (root as Extract<Distribution, { kind: "choice" }>).options;
    return [
      { path: "root", dist: root },
      ...rest.map(([dist, conditional, pick], i) => ({
        path: `p${i}`,
        dist,
        ...(conditional ? { condition: { path: "root", equals: options[pick % options.length]! } } : {}),
      })),
    ];
  });

/** A history of finished trials drawn at random over the space, with arbitrary outcomes. */
function randomHistory(space: SearchParam[], seed: number, count: number): FrozenTrial[] {
  const rng = new Rng(seed);
  const sampler = new RandomSampler();
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < count; i++) {
    const params = sampler.sample(space, { direction: "minimize", trials }, trialRng(seed, i));
    const roll = rng.next();
    const value = rng.normal();
    trials.push({
      number: i,
      state: roll < 0.7 ? "complete" : roll < 0.9 ? "pruned" : "failed",
      params,
      intermediate: roll < 0.9 ? [{ step: rng.int(0, 5), value }] : [],
      value: roll < 0.7 ? value : null,
      reason: null,
      durationSeconds: 1,
    });
  }
  return trials;
}

describe("samples stay in their domains", () => {
  it("prior draws are inside bounds, on int steps, loguniform within its range", () => {
    fc.assert(
      fc.property(anyDist, fc.integer(), (dist, seed) => {
        const rng = new Rng(seed);
        for (let i = 0; i < 20; i++) {
          const value = sampleFromPrior(dist, rng);
          expect(containsValue(dist, value)).toBe(true);
          if (dist.kind === "int") expect(((value as number) - dist.low) % (dist.step ?? 1)).toBe(0);
          if (dist.kind === "loguniform") {
            expect(value as number).toBeGreaterThanOrEqual(dist.low);
            expect(value as number).toBeLessThanOrEqual(dist.high);
          }
        }
      }),
    );
  });

  it("TPE assignments fit the space for any history, direction and seed", () => {
    fc.assert(
      fc.property(spaceArb, fc.integer(), fc.integer({ min: 0, max: 60 }), fc.boolean(), (raw, seed, count, maximize) => {
        const space = validateSearchSpace(raw);
        const trials = randomHistory(space, seed, count);
        const tpe = new TPESampler({ startupTrials: 3 });
        const assignment = tpe.sample(space, { direction: maximize ? "maximize" : "minimize", trials }, new Rng(seed ^ 0x5bd1));
        checkAssignment(space, assignment);
      }),
      { numRuns: 150 },
    );
  });

  it("every grid point fits the space, and the grid has no duplicates", () => {
    fc.assert(
      fc.property(spaceArb, (raw) => {
        const space = validateSearchSpace(raw);
        const grid = new GridSampler({ continuousPoints: 3, maxIntPoints: 4 }).grid(space);
        for (const point of grid) checkAssignment(space, point);
        expect(new Set(grid.map((p) => JSON.stringify(p))).size).toBe(grid.length);
      }),
    );
  });
});

describe("normal arithmetic", () => {
  it("the inverse CDF inverts the CDF", () => {
    fc.assert(
      fc.property(fc.double({ min: -7, max: 7, noNaN: true }), (x) => {
        expect(normalPpf(normalCdf(x))).toBeCloseTo(x, 4);
      }),
    );
  });

  it("Φ matches known values", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980, 9);
    expect(normalPpf(0.975)).toBeCloseTo(1.959963985, 7);
  });

  it("log Gaussian mass matches numerical integration, narrow intervals and tails included", () => {
    const simpson = (a: number, b: number): number => {
      const n = 2000;
      const h = (b - a) / n;
      const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
      let sum = phi(a) + phi(b);
      for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * phi(a + i * h);
      return (sum * h) / 3;
    };
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), fc.double({ min: 1e-6, max: 6, noNaN: true }), (a, width) => {
        const b = a + width;
        const reference = Math.log(simpson(a, b));
        expect(Math.abs(logGaussMass(a, b) - reference)).toBeLessThan(1e-5 * Math.max(1, Math.abs(reference)));
      }),
    );
    expect(logGaussMass(30, 31)).toBeCloseTo(logGaussMass(-31, -30), 10);
    expect(logGaussMass(-Infinity, Infinity)).toBeCloseTo(0, 12);
    expect(logGaussMass(1, 1)).toBe(-Infinity);
  });

  it("truncated normal draws stay inside their bounds", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: 1e-3, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e3, noNaN: true }),
        fc.integer(),
        (low, width, at, sigma, seed) => {
          const high = low + width;
          const mu = low + at * width;
          const x = sampleTruncatedNormal(mu, sigma, low, high, new Rng(seed));
          expect(x).toBeGreaterThanOrEqual(low);
          expect(x).toBeLessThanOrEqual(high);
        },
      ),
    );
  });
});

describe("Parzen estimators", () => {
  it("a continuous estimator's density integrates to 1 over its bounds", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }), (observations) => {
        const estimator = new NumericParzenEstimator(
          observations.map((u) => -2 + 5 * u),
          -2,
          3,
          null,
          { priorWeight: 1, weights: defaultWeights },
        );
        const n = 4000;
        const h = 5 / n;
        let integral = 0;
        for (let i = 0; i < n; i++) integral += Math.exp(estimator.logPdf(-2 + (i + 0.5) * h)) * h;
        expect(integral).toBeCloseTo(1, 2);
      }),
      { numRuns: 40 },
    );
  });

  it("a stepped estimator's masses over the grid sum to 1", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 30 }), (ks) => {
        const estimator = new NumericParzenEstimator(
          ks.map((k) => 10 + 5 * k),
          10,
          60,
          5,
          { priorWeight: 1, weights: defaultWeights },
        );
        let total = 0;
        for (let k = 0; k <= 10; k++) total += Math.exp(estimator.logPdf(10 + 5 * k));
        expect(total).toBeCloseTo(1, 5);
      }),
    );
  });

  it("a categorical estimator is a probability vector favouring observed options", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }).chain((c) => fc.tuple(fc.constant(c), fc.array(fc.integer({ min: 0, max: c - 1 }), { maxLength: 40 }))), ([c, obs]) => {
        const estimator = new CategoricalParzenEstimator(obs, c, { priorWeight: 1, weights: defaultWeights });
        const sum = estimator.probabilities.reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(1, 10);
        for (const p of estimator.probabilities) expect(p).toBeGreaterThan(0);
        const counts = new Array<number>(c).fill(0);
        for (const o of obs) counts[o]!++;
        if (obs.length > 0 && obs.length < 25) {
          // with equal weights, more observations never means less probability
          for (let i = 0; i < c; i++)
            for (let j = 0; j < c; j++) if (counts[i]! > counts[j]!) expect(estimator.probabilities[i]!).toBeGreaterThan(estimator.probabilities[j]!);
        }
      }),
    );
  });
});
