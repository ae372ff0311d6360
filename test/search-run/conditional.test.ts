/**
 * Search block forms end to end through runSpec (spec/language.md#search): a
 * conditional parameter (momentum only when the optimizer is sgd), a grid
 * sampler that runs exactly its grid, and a wall-time budget with no trial count
 * (read from an injected clock, so the test does not depend on the machine's speed).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { runSpec } from "../../runtime/run/run-spec.js";
import { openWorkspace, type Workspace } from "../../runtime/workspace/workspace.js";
import { writeSearchProject } from "../projects.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A small binary dataset (x1, x2) and a spec whose search block is `searchBody` and the objective, in a temp dir. */
function writeProject(searchBody: string): string {
  const body = `${searchBody}\n  objective = maximize val.auc`;
  const { dir, spec } = writeSearchProject({ rows: 240, dataSeed: 23, category: false, hidden: "[4]", epochs: 3, gate: false, searchBody: body, samplerLine: "" });
  dirs.push(dir);
  return spec;
}

async function runOk(spec: string): Promise<Workspace> {
  const { exitCode } = await runSpec(spec, { quiet: true });
  expect(exitCode).toBe(0);
  return openWorkspace(path.join(path.dirname(spec), ".mlspec"));
}

function searchRunOf(ws: Workspace) {
  const runs = ws.registry.listRuns({ search: "s" }).filter((r) => r.kind === "search");
  expect(runs).toHaveLength(1);
  expect(runs[0]!.state).toBe("complete");
  return runs[0]!;
}

/** The best finished trial (maximize), which the champion must be. */
function bestTrial(ws: Workspace, searchRunId: number) {
  const done = ws.registry.listTrials(searchRunId).filter((t) => t.state === "complete");
  expect(done.length).toBeGreaterThan(0);
  return done.reduce((a, b) => (b.value! > a.value! ? b : a));
}

interface OptimizerParams {
  train: { optimizer: { kind: string; params: Record<string, unknown> } };
}

describe("search forms", () => {
  it("samples a conditional parameter only in the trials whose condition holds", async () => {
    const spec = writeProject(`  train.optimizer ~ choice(adam, sgd)
  train.optimizer.momentum ~ uniform(0.0, 0.9) when train.optimizer == sgd
  train.optimizer.lr ~ loguniform(1e-3, 1e-1)
  sampler = tpe(trials = 8, parallel = 1, seed = 4)`);
    const ws = await runOk(spec);
    try {
      const search = searchRunOf(ws);
      const trials = ws.registry.listTrials(search.id);
      expect(trials).toHaveLength(8);
      const kinds = new Set(trials.map((t) => t.params["train.optimizer"]));
      // the seed is fixed: both branches of the condition are exercised
      expect(kinds).toEqual(new Set(["adam", "sgd"]));
      for (const t of trials) {
        expect(t.state).toBe("complete");
        const sgd = t.params["train.optimizer"] === "sgd";
        expect(Object.keys(t.params).sort()).toEqual(
          sgd ? ["train.optimizer", "train.optimizer.lr", "train.optimizer.momentum"] : ["train.optimizer", "train.optimizer.lr"],
        );
        if (sgd) {
          expect(t.params["train.optimizer.momentum"]).toBeGreaterThanOrEqual(0);
          expect(t.params["train.optimizer.momentum"]).toBeLessThanOrEqual(0.9);
        }
        // the trial's run trained with exactly its assignment
        const run = ws.registry.getRun(t.runId!).params as unknown as OptimizerParams;
        expect(run.train.optimizer.kind).toBe(t.params["train.optimizer"]);
        expect(run.train.optimizer.params["lr"]).toBe(t.params["train.optimizer.lr"]);
        expect(run.train.optimizer.params["momentum"]).toBe(sgd ? t.params["train.optimizer.momentum"] : undefined);
      }

      const best = bestTrial(ws, search.id);
      const champion = ws.registry.resolve("m", "champion");
      expect(champion.status).toBe("registered");
      expect(champion.runId).toBe(best.runId);
      const registered = ws.registry.getRun(champion.runId!).params as unknown as OptimizerParams;
      expect(registered.train.optimizer.kind).toBe(best.params["train.optimizer"]);
      expect(registered.train.optimizer.params["lr"]).toBe(best.params["train.optimizer.lr"]);
      expect(registered.train.optimizer.params["momentum"]).toBe(best.params["train.optimizer.momentum"]);
    } finally {
      ws.close();
    }
  }, 60_000);

  // the optimizer kind is applied before its sampled parameters, whatever the statement order
  it("trains with a sampled optimizer parameter whatever the order of the statements", async () => {
    const spec = writeProject(`  train.optimizer.lr ~ loguniform(1e-3, 1e-1)
  train.optimizer ~ choice(adam, sgd)
  sampler = random(trials = 4, parallel = 1, seed = 4)`);
    const ws = await runOk(spec);
    try {
      for (const t of ws.registry.listTrials(searchRunOf(ws).id)) {
        const run = ws.registry.getRun(t.runId!).params as unknown as OptimizerParams;
        expect(run.train.optimizer.kind).toBe(t.params["train.optimizer"]);
        expect(run.train.optimizer.params["lr"]).toBe(t.params["train.optimizer.lr"]);
      }
    } finally {
      ws.close();
    }
  }, 60_000);

  // a trial that samples the base's own optimizer keeps the base's parameters (adam(lr = 1e-2))
  it("keeps the base optimizer's parameters in trials that choose the base optimizer", async () => {
    const spec = writeProject(`  train.optimizer ~ choice(adam, sgd)
  sampler = grid(parallel = 1, seed = 0)`);
    const ws = await runOk(spec);
    try {
      const adam = ws.registry.listTrials(searchRunOf(ws).id).find((t) => t.params["train.optimizer"] === "adam")!;
      const run = ws.registry.getRun(adam.runId!).params as unknown as OptimizerParams;
      expect(run.train.optimizer).toMatchObject({ kind: "adam", params: { lr: 1e-2 } });
    } finally {
      ws.close();
    }
  }, 60_000);

  it("runs exactly the grid: every combination once", async () => {
    const spec = writeProject(`  arch.hidden ~ choice([4], [8])
  train.batch ~ choice(16, 32)
  sampler = grid(parallel = 1, seed = 0)`);
    const ws = await runOk(spec);
    try {
      const search = searchRunOf(ws);
      const trials = ws.registry.listTrials(search.id);
      const combos = trials.map((t) => JSON.stringify([t.params["arch.hidden"], t.params["train.batch"]])).sort();
      expect(combos).toEqual(["[[4],16]", "[[4],32]", "[[8],16]", "[[8],32]"]);
      for (const t of trials) {
        expect(Object.keys(t.params).sort()).toEqual(["arch.hidden", "train.batch"]);
        const run = ws.registry.getRun(t.runId!).params as { arch: { params: Record<string, unknown> }; train: { batchSize: number } };
        expect(run.arch.params["hidden"]).toEqual(t.params["arch.hidden"]);
        expect(run.train.batchSize).toBe(t.params["train.batch"]);
      }
      expect(ws.registry.resolve("m", "champion").runId).toBe(bestTrial(ws, search.id).runId);
    } finally {
      ws.close();
    }
  }, 60_000);

  it("stops a search with only a timeout once its wall time is spent, and registers the best", async () => {
    const spec = writeProject(`  train.optimizer.lr ~ loguniform(1e-3, 1e-1)
  arch.hidden ~ choice([4], [8])
  sampler = tpe(timeout = 2s, parallel = 1, seed = 1)`);
    // a fake clock: every finished trial (its line in the output) takes 800 ms of it, whatever the machine's speed
    let now = 0;
    const finishedAt: number[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n")) {
          if (/^ {2}trial +\d+ /.test(line)) {
            now += 800;
            finishedAt.push(now);
          }
        }
        done();
      },
    });
    const { exitCode } = await runSpec(spec, { out, clock: () => now });
    expect(exitCode).toBe(0);
    const ws = openWorkspace(path.join(path.dirname(spec), ".mlspec"));
    try {
      const search = searchRunOf(ws);
      const trials = ws.registry.listTrials(search.id);
      // trials start at 0, 800 and 1600 ms; at 2400 ms the 2 s budget is spent and no fourth starts
      expect(trials.map((t) => t.number)).toEqual([0, 1, 2]);
      expect(finishedAt).toEqual([800, 1600, 2400]);
      for (const t of trials) expect(t.state).toBe("complete");
      expect(ws.registry.resolve("m", "champion").runId).toBe(bestTrial(ws, search.id).runId);
    } finally {
      ws.close();
    }
  }, 60_000);
});
