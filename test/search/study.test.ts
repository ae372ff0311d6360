import { describe, expect, it } from "vitest";
import { StudyError } from "../../core/search/errors.js";
import { MedianPruner } from "../../stdlib/pruners/median/pruner.js";
import { SuccessiveHalvingPruner } from "../../stdlib/pruners/asha/pruner.js";
import { GridSampler } from "../../stdlib/samplers/grid/sampler.js";
import { RandomSampler } from "../../stdlib/samplers/random/sampler.js";
import { TPESampler } from "../../stdlib/samplers/tpe/sampler.js";
import type { SearchParam } from "../../core/search/space.js";
import { runStudy, Study, TrialPruned, type StudyOptions, type TrialHandle } from "../../runtime/search/study.js";
import type { FrozenTrial } from "../../core/search/trial.js";

const space: SearchParam[] = [
  { path: "optimizer", dist: { kind: "choice", options: ["adam", "sgd"] } },
  { path: "momentum", dist: { kind: "uniform", low: 0, high: 0.99 }, condition: { path: "optimizer", equals: "sgd" } },
  { path: "lr", dist: { kind: "loguniform", low: 1e-4, high: 1e-1 } },
  { path: "units", dist: { kind: "int", low: 8, high: 128, step: 8 } },
];

function options(overrides: Partial<StudyOptions> = {}): StudyOptions {
  return { space, direction: "minimize", sampler: new TPESampler({ startupTrials: 4 }), seed: 42, maxTrials: 20, ...overrides };
}

/** A training-like objective: a loss curve per epoch, reported so pruners can act. */
async function trainLike(trial: TrialHandle): Promise<number> {
  const lr = trial.params["lr"] as number;
  const target = (Math.log10(lr) + 2) ** 2 + (trial.params["optimizer"] === "sgd" ? ((trial.params["momentum"] as number) - 0.9) ** 2 : 0.2);
  let loss = 3;
  for (let epoch = 0; epoch < 6; epoch++) {
    loss = target + 3 / (epoch + 1);
    if (trial.report(epoch, loss)) return loss;
    await Promise.resolve();
  }
  return loss;
}

/** Everything about a trial except how long it took. */
function outcome(t: FrozenTrial) {
  return { number: t.number, state: t.state, params: t.params, value: t.value, reason: t.reason, intermediate: t.intermediate };
}

describe("budget", () => {
  it("runs exactly maxTrials trials", async () => {
    const study = await runStudy(options({ maxTrials: 7 }), trainLike);
    expect(study.trials).toHaveLength(7);
    expect(study.trials.every((t) => t.state === "complete")).toBe(true);
    expect(study.hasBudget()).toBe(false);
    expect(() => study.ask()).toThrow("cannot start another trial: all 7 trials have been started");
  });

  it("starts no trial once the wall time is spent; the running one finishes", async () => {
    let clock = 0;
    const study = await runStudy(options({ maxTrials: undefined, timeoutSeconds: 5, now: () => clock }), async () => {
      clock += 1000;
      return 1;
    });
    expect(study.trials).toHaveLength(5);
    expect(study.trials.map((t) => t.durationSeconds)).toEqual([1, 1, 1, 1, 1]);
  });

  it("needs a budget unless the sampler is finite", () => {
    expect(() => new Study(options({ maxTrials: undefined }))).toThrow("a study needs a budget: maxTrials, timeoutSeconds, or both");
    expect(() => new Study(options({ maxTrials: undefined, sampler: new GridSampler() }))).not.toThrow();
  });

  it("rejects bad settings with clear errors", async () => {
    expect(() => new Study(options({ maxTrials: 0 }))).toThrow("maxTrials must be a whole number >= 1");
    expect(() => new Study(options({ direction: "up" as never }))).toThrow('direction must be "minimize" or "maximize"');
    expect(() => new Study(options({ seed: 1.5 }))).toThrow("seed must be a whole number");
    expect(() => new Study(options({ space: [] }))).toThrow("at least one parameter");
    await expect(runStudy(options(), trainLike, { parallel: 0 })).rejects.toThrow("parallel must be a whole number >= 1");
  });
});

describe("trial outcomes", () => {
  it("NaN, infinities, non-numbers and throws fail a trial without stopping the study", async () => {
    const results: unknown[] = [NaN, 2, Infinity, "oops", 1, -Infinity, 3];
    const study = await runStudy(options({ maxTrials: 8, sampler: new RandomSampler() }), async (t) => {
      if (t.number === 7) throw new Error("worker crashed: out of memory");
      return results[t.number] as number;
    });
    expect(study.trials.map((t) => t.state)).toEqual(["failed", "complete", "failed", "failed", "complete", "failed", "complete", "failed"]);
    expect(study.trials[0]!.reason).toBe("objective returned NaN, not a finite number");
    expect(study.trials[3]!.reason).toBe('objective returned "oops", not a number');
    expect(study.trials[7]!.reason).toBe("worker crashed: out of memory");
    expect(study.trials[0]!.value).toBeNull();
    expect(study.best()!.number).toBe(4);
  });

  it("best() follows the direction, earliest on ties", async () => {
    const values = [3, 5, 1, 5, 1];
    const max = await runStudy(options({ direction: "maximize", maxTrials: 5 }), (t) => values[t.number]!);
    expect(max.best()!.number).toBe(1);
    const min = await runStudy(options({ maxTrials: 5 }), (t) => values[t.number]!);
    expect(min.best()!.number).toBe(2);
    expect(new Study(options()).best()).toBeNull();
  });

  it("a trial whose report said stop ends pruned, with its last value and the reason", async () => {
    const study = await runStudy(options({ maxTrials: 30, pruner: new MedianPruner({ warmupSteps: 1, minTrials: 3 }) }), trainLike);
    const pruned = study.trials.filter((t) => t.state === "pruned");
    expect(pruned.length).toBeGreaterThan(0);
    for (const t of pruned) {
      expect(t.reason).toMatch(/^pruned at step \d+ by the median pruner$/);
      expect(t.value).toBe(t.intermediate[t.intermediate.length - 1]!.value);
      expect(t.intermediate.length).toBeLessThan(6);
    }
    expect(study.best()!.state).toBe("complete");
  });

  it("a trial stays pruned even if the objective ignores the signal and returns a value", async () => {
    const study = new Study(options({ sampler: new RandomSampler(), pruner: new SuccessiveHalvingPruner() }));
    const first = study.ask();
    expect(first.report(1, 1)).toBe(false);
    study.tell(first.number, 1);
    const second = study.ask();
    expect(second.report(1, 5)).toBe(true);
    expect(second.shouldPrune).toBe(true);
    expect(second.report(2, 0.1)).toBe(true);
    expect(study.tell(second.number, 0.1).state).toBe("pruned");
  });

  it("throwing TrialPruned prunes the trial", async () => {
    const study = await runStudy(options({ maxTrials: 2 }), (t) => {
      t.report(0, 4);
      throw new TrialPruned("diverged");
    });
    expect(study.trials.map((t) => [t.state, t.reason, t.value])).toEqual([
      ["pruned", "diverged", 4],
      ["pruned", "diverged", 4],
    ]);
  });

  it("reports must move forward and only go to running trials", async () => {
    const study = await runStudy(options({ maxTrials: 1 }), (t) => {
      t.report(2, 1);
      t.report(2, 1);
      return 1;
    });
    expect(study.trials[0]!.state).toBe("failed");
    expect(study.trials[0]!.reason).toBe("trial 0: steps must increase (step 2 reported after step 2)");
    expect(() => study.report(0, 5, 1)).toThrow(StudyError);
    expect(() => study.tell(0, 1)).toThrow("cannot finish trial 0: it is already failed");
    expect(() => study.tell(99, 1)).toThrow("no such running trial");
  });
});

describe("parallel", () => {
  it("keeps up to `parallel` objective calls in flight and runs the whole budget", async () => {
    let inFlight = 0;
    let most = 0;
    const study = await runStudy(
      options({ maxTrials: 12 }),
      async (t) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1 + (t.number % 3)));
        inFlight--;
        return t.number;
      },
      { parallel: 3 },
    );
    expect(most).toBe(3);
    expect(study.trials).toHaveLength(12);
    expect(new Set(study.trials.map((t) => t.number)).size).toBe(12);
    expect(study.trials.every((t) => t.state === "complete")).toBe(true);
  });

  it("running trials count as visited, so a parallel grid search never repeats a point", async () => {
    const gridSpace: SearchParam[] = [
      { path: "a", dist: { kind: "choice", options: [1, 2, 3] } },
      { path: "b", dist: { kind: "int", low: 0, high: 3 } },
    ];
    const study = await runStudy({ space: gridSpace, direction: "minimize", sampler: new GridSampler(), seed: 1 }, async (t) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return (t.params["a"] as number) * (t.params["b"] as number);
    }, { parallel: 4 });
    expect(study.trials).toHaveLength(12);
    expect(new Set(study.trials.map((t) => JSON.stringify(t.params))).size).toBe(12);
  });

  it("parallel = 1 runs trials one after another, identical to hand-driven ask/tell", async () => {
    const auto = await runStudy(options(), trainLike);
    const manual = new Study(options());
    while (manual.hasBudget()) {
      const t = manual.ask();
      manual.tell(t.number, await trainLike(t));
    }
    expect(auto.trials.map(outcome)).toEqual(manual.trials.map(outcome));
  });

  it("a failing onTrialFinished stops the study after in-flight trials finish", async () => {
    const study = new Study(options({ maxTrials: 10 }));
    const run = study.optimize(trainLike, {
      parallel: 2,
      onTrialFinished: (t) => {
        if (t.number === 3) throw new Error("disk full");
      },
    });
    await expect(run).rejects.toThrow("disk full");
    expect(study.trials.length).toBeLessThan(10);
    expect(study.trials.some((t) => t.state === "running")).toBe(false);
  });
});

describe("resume", () => {
  const pruned = () => options({ maxTrials: 24, pruner: new MedianPruner({ warmupSteps: 1, minTrials: 3 }) });
  /** trainLike, but every 7th trial fails, so the record holds every state. */
  const objective = async (t: TrialHandle) => {
    if (t.number % 7 === 5) throw new Error("flaky worker");
    return trainLike(t);
  };

  it("a study resumed from its records continues exactly like an uninterrupted one", async () => {
    const uninterrupted = await runStudy(pruned(), objective);
    expect(new Set(uninterrupted.trials.map((t) => t.state))).toEqual(new Set(["complete", "pruned", "failed"]));

    // first run: stop after 10 trials, saving records after each, as the CLI will
    let saved = "[]";
    const stop = new AbortController();
    await runStudy(pruned(), objective, {
      signal: stop.signal,
      onTrialFinished: (trial, study) => {
        saved = JSON.stringify(study.toRecords());
        if (trial.number === 9) stop.abort();
      },
    });
    expect(JSON.parse(saved)).toHaveLength(10);

    let reran = 0;
    const resumedFromRecords = await runStudy({ ...pruned(), trials: JSON.parse(saved) }, (t) => {
      reran++;
      return objective(t);
    });
    expect(reran).toBe(14); // only the trials the first run had not finished
    expect(resumedFromRecords.trials.map(outcome)).toEqual(uninterrupted.trials.map(outcome));
  });

  it("re-runs a trial that was running when the records were saved", async () => {
    const full = await runStudy(options({ maxTrials: 8 }), trainLike);
    const partial = new Study(options({ maxTrials: 8 }));
    for (let i = 0; i < 5; i++) {
      const t = partial.ask();
      partial.tell(t.number, await trainLike(t));
    }
    partial.ask(); // interrupted while running
    const records = JSON.parse(JSON.stringify(partial.toRecords()));
    expect(records[5].state).toBe("running");
    const resumed = await runStudy({ ...options({ maxTrials: 8 }), trials: records }, trainLike);
    expect(resumed.trials.map(outcome)).toEqual(full.trials.map(outcome));
  });

  // issue 9, item 8: with parallel trials a later one can finish while an earlier one still runs
  it("re-runs a trial that was running while a later one had finished, with its own number and parameters", async () => {
    const random = () => options({ maxTrials: 8, sampler: new RandomSampler() });
    const full = await runStudy(random(), trainLike);
    const partial = new Study(random());
    const handles = Array.from({ length: 5 }, () => partial.ask());
    for (const t of handles) if (t.number !== 3) partial.tell(t.number, await trainLike(t));
    // killed while trial 3 was running; trial 4 had finished
    const records = JSON.parse(JSON.stringify(partial.toRecords()));
    expect(records.map((r: { state: string }) => r.state)).toEqual(["complete", "complete", "complete", "running", "complete"]);
    const asked: number[] = [];
    const resumed = await runStudy({ ...random(), trials: records }, (t) => {
      asked.push(t.number);
      return trainLike(t);
    });
    expect(asked).toEqual([3, 5, 6, 7]);
    expect(resumed.trials.map(outcome)).toEqual(full.trials.map(outcome));
  });

  it("keeps NaN intermediate values through JSON", async () => {
    const study = await runStudy(options({ maxTrials: 1 }), (t) => {
      t.report(0, NaN);
      t.report(1, 2);
      return 2;
    });
    const records = JSON.parse(JSON.stringify(study.toRecords()));
    expect(records[0].intermediate).toEqual([
      { step: 0, value: null },
      { step: 1, value: 2 },
    ]);
    const resumed = new Study({ ...options({ maxTrials: 2 }), trials: records });
    expect(resumed.trials[0]!.intermediate[0]!.value).toBeNaN();
  });

  it("rejects records that are malformed or do not fit the space", () => {
    const good = { number: 0, state: "complete", params: { optimizer: "adam", lr: 0.01, units: 64 }, intermediate: [], value: 1, reason: null, durationSeconds: 1 };
    const resume = (trials: unknown[]) => new Study({ ...options(), trials });
    expect(() => resume([good])).not.toThrow();
    expect(() => resume([{ ...good, state: "done" }])).toThrow('recorded trial #1 is malformed at "state"');
    expect(() => resume([good, good])).toThrow("recorded trial 0 appears twice");
    expect(() => resume([{ ...good, value: null }])).toThrow("recorded trial 0 is complete but has no finite value");
    expect(() => resume([{ ...good, params: { ...good.params, units: 60 } }])).toThrow(
      "recorded trial 0: units = 60 is outside int(8, 128, step = 8) (did the search space change since it was recorded?)",
    );
    expect(() => resume([{ ...good, params: { ...good.params, momentum: 0.9 } }])).toThrow('"momentum" is not an active parameter');
  });

  it("continues numbering after the recorded trials", () => {
    const records = [{ number: 3, state: "failed", params: { optimizer: "adam", lr: 0.01, units: 64 }, intermediate: [], value: null, reason: "x", durationSeconds: 1 }];
    const study = new Study({ ...options(), trials: records });
    expect(study.ask().number).toBe(4);
  });
});
