import { describe, expect, it } from "vitest";
import { Rng } from "../../core/rng.js";
import { SearchError } from "../../core/search/errors.js";
import type { Sampler } from "../../stdlib/samplers/sampler-module.js";
import { createSampler } from "../../runtime/search/strategies.js";
import { assignmentKey, GridSampler } from "../../stdlib/samplers/grid/sampler.js";
import { defaultWeights } from "../../stdlib/samplers/shared/parzen.js";
import { RandomSampler } from "../../stdlib/samplers/random/sampler.js";
import { splitTrials, TPESampler } from "../../stdlib/samplers/tpe/sampler.js";
import { activeParams, checkAssignment, validateSearchSpace, type Assignment, type SearchParam } from "../../core/search/space.js";
import { Study } from "../../runtime/search/study.js";
import type { FrozenTrial } from "../../core/search/trial.js";
import { branin, braninSpace, medianOf } from "./objectives.js";

const mixedSpace: SearchParam[] = [
  { path: "optimizer", dist: { kind: "choice", options: ["adam", "sgd"] } },
  { path: "momentum", dist: { kind: "uniform", low: 0, high: 0.99 }, condition: { path: "optimizer", equals: "sgd" } },
  { path: "lr", dist: { kind: "loguniform", low: 1e-4, high: 1e-1 } },
  { path: "layers", dist: { kind: "int", low: 1, high: 4 } },
  { path: "units", dist: { kind: "int", low: 16, high: 512, log: true } },
  { path: "batch", dist: { kind: "int", low: 32, high: 256, step: 32 } },
  { path: "hidden", dist: { kind: "choice", options: [[32], [64, 32], [128, 64]] } },
];

/** A cheap objective over mixedSpace whose optimum is sgd, momentum ~0.9, lr ~1e-2, [64, 32]. */
function mixedObjective(p: Assignment): number {
  const lrTerm = (Math.log10(p["lr"] as number) + 2) ** 2;
  const momentumTerm = p["optimizer"] === "sgd" ? ((p["momentum"] as number) - 0.9) ** 2 : 0.3;
  const hiddenTerm = JSON.stringify(p["hidden"]) === "[64,32]" ? 0 : 0.2;
  return lrTerm + momentumTerm + hiddenTerm + 0.01 * (p["layers"] as number) + Math.abs(Math.log((p["units"] as number) / 128)) * 0.05;
}

function runSequential(sampler: Sampler, seed: number, trials: number, space: readonly SearchParam[], objective: (p: Assignment) => number) {
  const study = new Study({ space: [...space], direction: "minimize", sampler, seed, maxTrials: trials });
  while (study.hasBudget()) {
    const trial = study.ask();
    study.tell(trial.number, objective(trial.params));
  }
  return study;
}

describe("determinism", () => {
  for (const [name, make] of [
    ["random", () => new RandomSampler()],
    ["grid", () => new GridSampler({ continuousPoints: 3, maxIntPoints: 3 })],
    ["tpe", () => new TPESampler({ startupTrials: 5 })],
  ] as const) {
    it(`${name}: the same seed gives the same trial sequence, another seed another one`, () => {
      const a = runSequential(make(), 7, 25, mixedSpace, mixedObjective).trials.map((t) => t.params);
      const b = runSequential(make(), 7, 25, mixedSpace, mixedObjective).trials.map((t) => t.params);
      const c = runSequential(make(), 8, 25, mixedSpace, mixedObjective).trials.map((t) => t.params);
      expect(a).toEqual(b);
      expect(a).not.toEqual(c);
    });
  }
});

describe("RandomSampler", () => {
  it("covers a choice's options and an int's range", () => {
    const seen = new Set<string>();
    const ints = new Set<number>();
    const space = validateSearchSpace(mixedSpace);
    const sampler = new RandomSampler();
    for (let i = 0; i < 300; i++) {
      const a = sampler.sample(space, { direction: "minimize", trials: [] }, new Rng(i));
      seen.add(JSON.stringify(a["hidden"]));
      ints.add(a["batch"] as number);
    }
    expect(seen).toEqual(new Set(["[32]", "[64,32]", "[128,64]"]));
    expect([...ints].sort((x, y) => x - y)).toEqual([32, 64, 96, 128, 160, 192, 224, 256]);
  });
});

describe("GridSampler", () => {
  const gridSpace = validateSearchSpace([
    { path: "optimizer", dist: { kind: "choice", options: ["adam", "sgd"] } },
    { path: "momentum", dist: { kind: "uniform", low: 0, high: 0.9 }, condition: { path: "optimizer", equals: "sgd" } },
    { path: "depth", dist: { kind: "int", low: 1, high: 3 } },
  ]);

  it("enumerates conditional branches separately: (adam + sgd × 5 momenta) × 3 depths", () => {
    const grid = new GridSampler().grid(gridSpace);
    expect(grid).toHaveLength((1 + 5) * 3);
    expect(new Set(grid.map(assignmentKey)).size).toBe(grid.length);
    for (const point of grid) {
      expect("momentum" in point).toBe(point["optimizer"] === "sgd");
      checkAssignment(gridSpace, point);
    }
    expect(grid.filter((p) => p["optimizer"] === "sgd").map((p) => p["momentum"])).toContain(0.45);
  });

  it("a study over the grid visits every point once, then stops", async () => {
    const study = new Study({ space: gridSpace, direction: "minimize", sampler: new GridSampler(), seed: 3 });
    await study.optimize((t) => (t.params["depth"] as number) + ((t.params["momentum"] as number | undefined) ?? 0));
    const grid = new GridSampler().grid(gridSpace);
    expect(study.trials).toHaveLength(grid.length);
    expect(new Set(study.trials.map((t) => assignmentKey(t.params)))).toEqual(new Set(grid.map(assignmentKey)));
    expect(study.best()!.value).toBe(1);
  });

  it("discretises continuous params to the documented number of points, geometrically for loguniform", () => {
    const sampler = new GridSampler({ continuousPoints: 4, maxIntPoints: 5 });
    expect(sampler.values({ kind: "uniform", low: 0, high: 3 })).toEqual([0, 1, 2, 3]);
    const logValues = sampler.values({ kind: "loguniform", low: 1e-4, high: 1e-1 }) as number[];
    expect(logValues[0]).toBe(1e-4);
    expect(logValues[3]).toBe(1e-1);
    expect(logValues[1]).toBeCloseTo(1e-3, 12);
    expect(sampler.values({ kind: "int", low: 0, high: 8, step: 2 })).toEqual([0, 2, 4, 6, 8]);
    expect(sampler.values({ kind: "int", low: 0, high: 100 })).toEqual([0, 25, 50, 75, 100]);
    expect(sampler.values({ kind: "int", low: 1, high: 10000, log: true })).toEqual([1, 10, 100, 1000, 10000]);
  });

  it("refuses a grid that is too large", () => {
    const space = validateSearchSpace(
      Array.from({ length: 4 }, (_, i) => ({ path: `p${i}`, dist: { kind: "int", low: 1, high: 10 } })),
    );
    expect(() => new GridSampler({ maxGridSize: 1000 }).grid(space)).toThrow(SearchError);
  });
});

describe("conditional params", () => {
  for (const [name, sampler] of [
    ["random", new RandomSampler()],
    ["tpe", new TPESampler({ startupTrials: 5 })],
  ] as const) {
    it(`${name}: a conditional param is present exactly when its condition holds`, () => {
      const study = runSequential(sampler, 11, 40, mixedSpace, mixedObjective);
      const space = validateSearchSpace(mixedSpace);
      let sgd = 0;
      for (const trial of study.trials) {
        expect(Object.keys(trial.params).sort()).toEqual(activeParams(space, trial.params).map((p) => p.path).sort());
        expect("momentum" in trial.params).toBe(trial.params["optimizer"] === "sgd");
        checkAssignment(space, trial.params);
        if (trial.params["optimizer"] === "sgd") sgd++;
      }
      expect(sgd).toBeGreaterThan(0);
    });
  }

  it("tpe fits a conditional param only on trials where it was active", () => {
    // sgd trials spread momentum over its range and were better the closer it was to 0.9;
    // adam trials (no momentum) were all bad
    const trials: FrozenTrial[] = [];
    for (let i = 0; i < 40; i++) {
      const sgd = i % 2 === 0;
      const momentum = (i * 0.37) % 0.99;
      trials.push({
        number: i,
        state: "complete",
        params: sgd ? { optimizer: "sgd", momentum } : { optimizer: "adam" },
        intermediate: [],
        value: sgd ? Math.abs(momentum - 0.9) : 5,
        reason: null,
        durationSeconds: 1,
      });
    }
    const space = validateSearchSpace([mixedSpace[0], mixedSpace[1]]);
    const tpe = new TPESampler();
    let nearOptimum = 0;
    for (let seed = 0; seed < 20; seed++) {
      const a = tpe.sample(space, { direction: "minimize", trials }, new Rng(seed));
      expect(a["optimizer"]).toBe("sgd");
      if (Math.abs((a["momentum"] as number) - 0.9) < 0.1) nearOptimum++;
    }
    expect(nearOptimum).toBeGreaterThanOrEqual(15);
  });
});

describe("TPESampler", () => {
  it("beats random search on Branin: median best of 10 seeds at 40 trials", () => {
    const objective = (p: Assignment) => branin(p["x1"] as number, p["x2"] as number);
    const bestOf = (make: () => Sampler) =>
      medianOf(Array.from({ length: 10 }, (_, seed) => runSequential(make(), seed, 40, braninSpace, objective).best()!.value!));
    const tpe = bestOf(() => new TPESampler());
    const random = bestOf(() => new RandomSampler());
    expect(tpe).toBeLessThan(random);
    expect(tpe).toBeLessThan(1.5);
  });

  it("maximize is the mirror of minimize", () => {
    const f = (p: Assignment) => ((p["x"] as number) - 0.7) ** 2;
    const space = [{ path: "x", dist: { kind: "uniform" as const, low: 0, high: 1 } }];
    const run = (direction: "minimize" | "maximize") => {
      const study = new Study({ space, direction, sampler: new TPESampler(), seed: 5, maxTrials: 40 });
      while (study.hasBudget()) {
        const t = study.ask();
        study.tell(t.number, direction === "minimize" ? f(t.params) : -f(t.params));
      }
      return study.trials.map((t) => t.params["x"]);
    };
    expect(run("maximize")).toEqual(run("minimize"));
  });

  it("learns which option of a choice is good", () => {
    const space = [{ path: "c", dist: { kind: "choice" as const, options: ["a", "b", "c", "d"] } }];
    const study = runSequential(new TPESampler(), 2, 60, space, (p) => (p["c"] === "c" ? 0 : 1));
    const lastThirty = study.trials.slice(30).filter((t) => t.params["c"] === "c").length;
    expect(lastThirty).toBeGreaterThan(20);
  });

  it("splits good and bad trials with pruned ones ranked after complete ones", () => {
    const t = (number: number, state: "complete" | "pruned", value: number | null, lastStep = 0): FrozenTrial => ({
      number,
      state,
      params: {},
      intermediate: state === "pruned" ? [{ step: lastStep, value: value ?? 0 }] : [],
      value,
      reason: null,
      durationSeconds: 1,
    });
    const trials = [t(0, "complete", 3), t(1, "pruned", 0.1, 2), t(2, "complete", 1), t(3, "pruned", 9, 5), t(4, "complete", 2)];
    const numbers = (list: FrozenTrial[]) => list.map((x) => x.number);
    const minimize = splitTrials(trials, 4, "minimize");
    expect(numbers(minimize.below)).toEqual([0, 2, 3, 4]); // all complete, then the pruned trial that got further
    expect(numbers(minimize.above)).toEqual([1]);
    const maximize = splitTrials(trials, 1, "maximize");
    expect(numbers(maximize.below)).toEqual([0]);
  });

  it("uses Optuna's default weights: flat up to 25, an older ramp beyond", () => {
    expect(defaultWeights(3)).toEqual([1, 1, 1]);
    const w = defaultWeights(30);
    expect(w).toHaveLength(30);
    expect(w[0]).toBeCloseTo(1 / 30, 12);
    expect(w[4]).toBeCloseTo(1, 12);
    expect(w.slice(5).every((x) => x === 1)).toBe(true);
  });

  it("rejects bad options", () => {
    expect(() => new TPESampler({ candidates: 0 })).toThrow("candidates must be a whole number >= 1");
    expect(() => new TPESampler({ startupTrials: -1 })).toThrow(SearchError);
  });
});

describe("createSampler", () => {
  const study = { parallel: 1, seed: 0 };

  it("builds the sampler a plan names, from the registry, with its options", async () => {
    expect((await createSampler({ kind: "random", ...study })).name).toBe("random");
    expect(((await createSampler({ kind: "tpe", ...study, trials: 40, startup: 3 })) as TPESampler).startupTrials).toBe(3);
    expect(((await createSampler({ kind: "grid", ...study, points: 7 })) as GridSampler).continuousPoints).toBe(7);
  });

  it("explains unknown samplers and options", async () => {
    await expect(createSampler({ kind: "cmaes", ...study })).rejects.toThrow('unknown sampler "cmaes"; expected one of tpe, random, grid');
    await expect(createSampler({ kind: "tpe", ...study, startupTrials: 3 })).rejects.toThrow('the tpe sampler has no option "startupTrials"; it takes startup');
    await expect(createSampler({ kind: "random", ...study, points: 3 })).rejects.toThrow('the random sampler has no option "points"; it takes no options');
  });
});
