/**
 * A trial is ranked by the weights it keeps (issue 8, item 1): with early
 * stopping restoring the best epoch, a trial's value is that epoch's objective,
 * not the last epoch's, and the trial's run says which epoch it was.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runSpec } from "../../runtime/run/run-spec.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { writeSearchProject } from "../projects.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("search ranking", () => {
  it("ranks each trial by the objective of the epoch whose weights early stopping kept", async () => {
    // a high learning rate makes val.auc wander after its best; patience never runs out, so the best is restored
    const { dir, spec } = writeSearchProject({
      trials: 4,
      parallel: 1,
      epochs: 10,
      rows: 200,
      sampler: "random",
      trainExtra: "early_stop(val.auc, patience = 50)",
      searchBody: `  train.optimizer.lr ~ loguniform(5e-2, 3e-1)
  objective = maximize val.auc`,
    });
    dirs.push(dir);
    const { exitCode } = await runSpec(spec, { quiet: true });
    expect(exitCode).toBe(0);
    const ws = openWorkspace(path.join(dir, ".mlspec"));
    try {
      const search = ws.registry.listRuns({ search: "s" }).find((r) => r.kind === "search")!;
      const trials = ws.registry.listTrials(search.id);
      let lastDiffers = 0;
      for (const t of trials) {
        expect(t.state).toBe("complete");
        const run = ws.registry.getRun(t.runId!);
        const aucs = run.epochs.map((e) => e.metrics["val.auc"]!);
        const best = Math.max(...aucs);
        // the first epoch reaching the best is the one early stopping keeps
        expect(t.value).toBe(best);
        expect(run.metrics?.["kept_epoch"]).toBe(aucs.indexOf(best) + 1);
        if (aucs[aucs.length - 1] !== best) lastDiffers++;
      }
      // the fixture exercises the difference: some trial ended below its best
      expect(lastDiffers).toBeGreaterThan(0);
      const champion = ws.registry.resolve("m", "champion");
      const top = trials.reduce((a, b) => (b.value! > a.value! ? b : a));
      expect(champion.runId).toBe(top.runId);
    } finally {
      ws.close();
    }
  }, 60_000);

  it("reports pruner steps as 1-based epochs and never prunes within the warmup epochs", async () => {
    const { dir, spec } = writeSearchProject({
      trials: 6,
      parallel: 1,
      epochs: 6,
      rows: 200,
      sampler: "random",
      searchBody: `  train.optimizer.lr ~ loguniform(1e-4, 3e-1)
  objective = maximize val.auc
  prune = median(warmup = 2, min_trials = 1)`,
    });
    dirs.push(dir);
    expect((await runSpec(spec, { quiet: true })).exitCode).toBe(0);
    const ws = openWorkspace(path.join(dir, ".mlspec"));
    try {
      const search = ws.registry.listRuns({ search: "s" }).find((r) => r.kind === "search")!;
      const trials = ws.registry.listTrials(search.id);
      for (const t of trials) {
        const steps = t.intermediate.map((iv) => iv.step);
        expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
        expect(steps).toEqual(ws.registry.getRun(t.runId!).epochs.map((e) => e.epoch));
        if (t.state === "pruned") {
          expect(steps.length).toBeGreaterThan(2);
          expect(t.reason).toBe(`pruned at step ${steps.length} by the median pruner`);
        }
      }
      expect(trials.some((t) => t.state === "pruned")).toBe(true);
    } finally {
      ws.close();
    }
  }, 60_000);
});
