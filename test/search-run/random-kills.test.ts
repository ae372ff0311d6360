/**
 * Kills at random points of a seeded search (issue 9, item 8): a search (with a
 * pruner, so that a dropped or changed trial would change later pruning) and a
 * second model after it are killed with SIGKILL at points a seeded generator picks
 * among every checkpoint and trial write, and each resumed run ends with the
 * uninterrupted run's trials, ONNX bytes and registry.
 * Ten kills by default (about 30 s on an idle 2-core machine); `MLSPEC_SEARCH_KILLS=N`
 * runs the first N of the seeded picks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Rng } from "../../core/rng.js";
import { runSpec } from "../../runtime/run/run-spec.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { writeSearchProject } from "../projects.js";
import { runKilledAt, secondModel } from "./kill-points.js";

const kills = Number(process.env.MLSPEC_SEARCH_KILLS ?? 10);
const childrenAtOnce = 4;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function project() {
  const p = writeSearchProject({
    trials: 4,
    parallel: 1,
    rows: 160,
    epochs: 3,
    sampler: "random",
    searchBody: `  train.optimizer.lr ~ loguniform(1e-3, 1e-1)
  arch.hidden ~ choice([4], [8])
  objective = maximize val.auc
  prune = median(warmup = 1, min_trials = 1)`,
    extra: secondModel,
  });
  dirs.push(p.dir);
  return p;
}

/** What the seed decides: the trials, the registry, and that nothing is left running. */
function outcomeOf(dir: string) {
  const ws = openWorkspace(path.join(dir, ".mlspec"));
  try {
    const search = ws.registry.listRuns({ kind: "search" });
    return {
      searches: search.length,
      trials: ws.registry.listTrials(search[0]!.id).map((t) => ({ number: t.number, state: t.state, params: t.params, value: t.value, intermediate: t.intermediate, reason: t.reason })),
      versions: ws.registry.listVersions().map((v) => ({ name: v.name, version: v.version, status: v.status, onnx: v.artifactSha256, metrics: v.metrics, aliases: v.aliases })),
      unfinished: ws.registry.listRuns().filter((r) => r.state === "running" || r.state === "interrupted").length,
    };
  } finally {
    ws.close();
  }
}

describe("a seeded search killed at random points", () => {
  it(`resumes to the uninterrupted run's trials, ONNX bytes and registry after each of ${kills} kills`, async () => {
    const reference = project();
    const points = await runKilledAt(reference.spec, 0);
    const expected = outcomeOf(reference.dir);
    // the fixture's seed prunes a trial, so a resume that changed any trial's history would show
    expect(expected.trials.map((t) => t.state)).toContain("pruned");
    expect(expected.versions.map((v) => `${v.name} v${v.version}`)).toEqual(["m v1", "m2 v1"]);

    const rng = new Rng(9);
    const picks = new Set<number>();
    while (picks.size < Math.min(kills, points.length)) picks.add(rng.int(1, points.length));
    const killed = [...picks].sort((a, b) => a - b).map((k) => ({ k, p: project() }));
    // the children are killed a few at a time (each mostly waits on its start-up), then resumed one by one
    for (let i = 0; i < killed.length; i += childrenAtOnce) {
      await Promise.all(
        killed.slice(i, i + childrenAtOnce).map(async ({ k, p }) => {
          const [point] = await runKilledAt(p.spec, k);
          expect(point).toBe(points[k - 1]);
        }),
      );
    }
    for (const { k, p } of killed) {
      const point = points[k - 1];
      const resumed = await runSpec(p.spec, { quiet: true, backend: "cpu", resume: true });
      expect(resumed.exitCode, `killed after ${point} (point ${k})`).toBe(0);
      expect({ k, point, ...outcomeOf(p.dir) }).toEqual({ k, point, ...expected });
    }
  }, 300_000);
});
