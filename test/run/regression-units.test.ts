/**
 * Regression targets train standardized, but every number a user sees or writes
 * is in the target's units (issue 8, item 2): the per-epoch validation metrics,
 * and so early stopping's min_delta, search objectives and pruners.
 */
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Rng } from "../../core/rng.js";
import { runSpec } from "../../runtime/run/run-spec.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { csvOf, removeTempDirs, writeProject } from "./fixtures.js";

afterAll(removeTempDirs);

/** Prices around 200,000 with a spread of tens of thousands: standardized units differ by ~10⁴. */
function priceProject(earlyStop: string) {
  const rng = new Rng(9);
  const rows: Array<Array<string | number>> = [];
  for (let i = 0; i < 400; i++) {
    const area = rng.uniform(40, 200);
    const age = rng.uniform(0, 80);
    rows.push([area.toFixed(2), age.toFixed(1), (60_000 + 1_500 * area - 400 * age + rng.normal(0, 8_000)).toFixed(0)]);
  }
  const spec = `mlspec 1
dataset d {
  source = csv("data.csv")
  label  = price
  split  = holdout(test = 20%, validation = 20%, seed = 3)
  contract {
    area  : float
    age   : float
    price : float
  }
}
features f from d {
  a = standardize(area)
  b = standardize(age)
}
model r {
  task    = regression(target = price)
  inputs  = f
  arch    = mlp(hidden = [8], activation = relu)
  train {
    optimizer = adam(lr = 1e-2)
    epochs = 30
    batch = 32
    seed = 1
    ${earlyStop}
  }
  metrics = [rmse, mae, r2]
}
`;
  return writeProject(spec, csvOf(["area", "age", "price"], rows));
}

function trainEpochs(dir: string): Array<Record<string, number>> {
  const ws = openWorkspace(path.join(dir, ".mlspec"));
  try {
    const run = ws.registry.listRuns({ kind: "train" })[0]!;
    return ws.registry.getRun(run.id).epochs.map((e) => e.metrics);
  } finally {
    ws.close();
  }
}

describe("regression units", () => {
  it("logs per-epoch validation metrics in the target's units, like the test metrics", async () => {
    const p = priceProject("");
    const { exitCode, summary } = await runSpec(p.spec, { quiet: true });
    expect(exitCode).toBe(0);
    const test = summary!.models[0]!.metrics;
    const last = trainEpochs(p.dir).at(-1)!;
    // validation and test are samples of the same rows: the same scale, within a factor
    expect(last["val.rmse"]! / test["rmse"]!).toBeGreaterThan(0.5);
    expect(last["val.rmse"]! / test["rmse"]!).toBeLessThan(2);
    expect(last["val.mae"]! / test["mae"]!).toBeGreaterThan(0.5);
    expect(last["val.mae"]! / test["mae"]!).toBeLessThan(2);
    // mse loss in target units is rmse²; r2 has no unit
    expect(Math.sqrt(last["val.loss"]!)).toBeCloseTo(last["val.rmse"]!, 0);
    expect(Math.abs(last["val.r2"]! - test["r2"]!)).toBeLessThan(0.3);
  }, 60_000);

  it("reads early_stop's min_delta in the target's units", async () => {
    // an improvement of 1 (a price unit) is easy; 1 standardized unit (~45,000) would stop training at once
    const p = priceProject("early_stop(val.rmse, patience = 2, min_delta = 1)");
    expect((await runSpec(p.spec, { quiet: true })).exitCode).toBe(0);
    const epochs = trainEpochs(p.dir);
    expect(epochs.length).toBeGreaterThan(3);
    // the rule, replayed on the logged (target-unit) values, stops exactly where training stopped
    let best = Infinity;
    let wait = 0;
    let stopAt = epochs.length;
    for (let i = 0; i < epochs.length; i++) {
      const v = epochs[i]!["val.rmse"]!;
      if (v < best - 1) {
        best = v;
        wait = 0;
      } else if (++wait >= 2) {
        stopAt = i + 1;
        break;
      }
    }
    expect(epochs.length).toBe(stopAt);
  }, 60_000);
});
