/**
 * Baselines (spec/language.md#baselines): every model is scored next to its task's trivial
 * baseline on the same test split; one that does not beat it on its first metric is warned
 * about and flagged in the registry, and `require beats_baseline` rejects it.
 */
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { TaskSpec } from "../../compiler/plan/schema.js";
import { baselineMetrics, baselinePredictions, beatsBaseline } from "../../runtime/run/baseline.js";
import { Rng } from "../../core/rng.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { binaryProject, csvOf, regressionProject, removeTempDirs, run, writeProject } from "./fixtures.js";

afterAll(() => removeTempDirs());

const binary: TaskSpec = { kind: "binary", target: "y" } as TaskSpec;

describe("baseline predictions and metrics", () => {
  it("binary: the training prior for every row; accuracy of the majority class, auc 0.5, logloss of the prior", () => {
    const train = Float32Array.from([0, 0, 0, 1]);
    const test = Float32Array.from([0, 1, 0, 0, 1]);
    const m = baselineMetrics({ task: binary, train, test }, ["accuracy", "auc", "logloss"]);
    expect(m.accuracy).toBeCloseTo(3 / 5, 6);
    expect(m.auc).toBe(0.5);
    expect(m.logloss).toBeCloseTo(-(3 * Math.log(0.75) + 2 * Math.log(0.25)) / 5, 5);
  });

  it("multiclass: the class shares; regression: the training mean", () => {
    const multi = baselinePredictions({ task: { kind: "multiclass", target: "y" } as TaskSpec, train: Float32Array.from([0, 2, 2, 2]), test: Float32Array.from([1, 2]), classes: 3 });
    expect([...multi]).toEqual([0.25, 0, 0.75, 0.25, 0, 0.75]);
    const reg = baselinePredictions({ task: { kind: "regression", target: "y" } as TaskSpec, train: Float32Array.from([1, 2, 6]), test: Float32Array.from([0, 0]) });
    expect([...reg]).toEqual([3, 3]);
  });

  it("recommendation: the mean, items ordered by training popularity", () => {
    const p = baselinePredictions({
      task: { kind: "recommendation", target: "r", user: "u", item: "i" } as TaskSpec,
      train: Float32Array.from([4, 4, 4, 2]),
      test: Float32Array.from([0, 0, 0]),
      items: { train: Int32Array.from([7, 7, 7, 8]), test: Int32Array.from([8, 7, 9]) },
    });
    expect(p[1]!).toBeGreaterThan(p[0]!);
    expect(p[0]!).toBeGreaterThan(p[2]!);
    expect(p[2]!).toBeCloseTo(3.5, 5);
  });

  it("regression's baseline rmse is the test labels' spread around the training mean (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 40 }), fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 40 }), (tr, te) => {
        const train = Float32Array.from(tr);
        const test = Float32Array.from(te);
        const mean = Math.fround(train.reduce((s, y) => s + y, 0) / train.length);
        const expected = Math.sqrt(test.reduce((s, y) => s + (y - mean) ** 2, 0) / test.length);
        const { rmse } = baselineMetrics({ task: { kind: "regression", target: "y" } as TaskSpec, train, test }, ["rmse"]);
        expect(rmse!).toBeCloseTo(expected, 2);
      }),
    );
  });

  it("beats: strictly better in the metric's direction; a NaN baseline compares nothing", () => {
    expect(beatsBaseline(binary, "auc", 0.6, 0.5)).toBe(true);
    expect(beatsBaseline(binary, "accuracy", 0.8, 0.8)).toBe(false);
    expect(beatsBaseline(binary, "logloss", 0.4, 0.5)).toBe(true);
    expect(beatsBaseline(binary, "auc", NaN, 0.5)).toBe(false);
    expect(beatsBaseline(binary, "auc", 0.7, NaN)).toBeUndefined();
  });
});

/** 300 rows: the label true for 1 in 5, the one column pure noise. */
function uselessProject(gate: string) {
  const rng = new Rng(3);
  const rows = Array.from({ length: 300 }, (_, i) => [i % 5 === 0, rng.normal()] as [boolean, number]);
  const spec = `mlspec 1

dataset d {
  source = csv("data.csv")
  label  = y
  split  = holdout(test = 20%, validation = 20%, stratify = y, seed = 1)
  contract {
    y     : bool
    noise : float
  }
}

model useless {
  task    = binary_classification(target = y)
  inputs  = columns(d)
  arch    = linear()
  train {
    optimizer = adam(lr = 3e-2)
    epochs    = 40
    batch     = 64
    seed      = 1
  }
  metrics = [accuracy, auc, logloss]
  ${gate}
}
`;
  return writeProject(spec, csvOf(["y", "noise"], rows));
}

describe("mlspec run with baselines", () => {
  it("a logistic model on a useless column predicts one class for every row: warned, flagged, shown beside its baseline", async () => {
    const p = uselessProject("");
    const r = await run(p.spec);
    expect(r.exitCode).toBe(0);
    const m = r.summary!.models[0]!;
    expect(m.baseline!.metric).toBe("accuracy");
    expect(m.baseline!.metrics.accuracy).toBeCloseTo(0.8, 6);
    expect(m.baseline!.metrics.auc).toBe(0.5);
    expect(m.metrics.accuracy).toBe(m.baseline!.metrics.accuracy);
    expect(m.baseline!.beats).toBe(false);
    expect(r.stdout).toMatch(/baseline \(class prior\): accuracy 0\.8000  auc 0\.5000  logloss 0\.50\d\d/);
    expect(r.stdout).toContain("warning: useless does not beat its baseline on accuracy (0.8000 against 0.8000)");
    expect(r.stdout).toMatch(/\n {2}baseline \(not beaten\) +0\.8000 +0\.5000/);
    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    try {
      expect(ws.registry.resolve("useless", "champion").beatsBaseline).toBe(false);
      expect(ws.registry.listModels()[0]!.beatsBaseline).toBe(false);
    } finally {
      ws.close();
    }
  }, 60_000);

  it("`require beats_baseline` rejects it (exit 3) with the reason", async () => {
    const r = await run(uselessProject("require beats_baseline").spec);
    expect(r.exitCode).toBe(3);
    expect(r.summary!.models[0]!.status).toBe("rejected");
    expect(r.summary!.models[0]!.gate.reasons).toEqual(["beats_baseline: accuracy is 0.8000, needs > 0.8000 (the baseline's)"]);
  }, 60_000);

  it("a model that learns beats its baseline and passes the gate; regression is compared with the training mean", async () => {
    const b = await run(binaryProject().spec);
    expect(b.exitCode).toBe(0);
    for (const m of b.summary!.models) expect(m.baseline?.beats).toBe(true);
    const reg = await run(regressionProject().spec);
    const m = reg.summary!.models[0]!;
    expect(m.baseline!.metrics.r2!).toBeLessThanOrEqual(0);
    expect(m.baseline!.beats).toBe(true);
    expect(reg.stdout).toContain("baseline (training mean)");
  }, 120_000);
});
