/**
 * A resumed search finishes the trial runs a kill left behind (issue 8, item 4): the
 * run of the trial that was running is taken over and finished by the resume, and
 * a trial recorded as finished whose run the kill left running is finished as its
 * trial was, so `runs list` after the resume shows no interrupted run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runSpec } from "../../runtime/run/run-spec.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { writeSearchProject } from "../projects.js";
import { runKilledAt } from "./kill-points.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function runsOf(dir: string) {
  const ws = openWorkspace(path.join(dir, ".mlspec"));
  try {
    const search = ws.registry.listRuns({ kind: "search" })[0]!;
    return {
      runs: ws.registry.listRuns().map((r) => ({ id: r.id, kind: r.kind, state: r.state })),
      trials: ws.registry.listTrials(search.id).map((t) => ({ number: t.number, state: t.state, runId: t.runId })),
    };
  } finally {
    ws.close();
  }
}

// sequential, 3 epochs a trial, no pruner: trial 1 is points 6 (recorded running) to 10 (recorded complete)
const cases = [
  { k: 8, point: /^checkpoint m trial run \d+ epoch 2$/, what: "mid-trial: the trial's run is continued and finished" },
  { k: 10, point: /^trial 1 complete$/, what: "between recording trial 1 complete and finishing its run" },
];

describe("trial runs after a resumed search", () => {
  for (const c of cases) {
    it(`a kill ${c.what}: no interrupted run after --resume`, async () => {
      const p = writeSearchProject({ trials: 3, parallel: 1, rows: 200, epochs: 3, sampler: "random" });
      dirs.push(p.dir);
      const [point] = await runKilledAt(p.spec, c.k);
      expect(point).toMatch(c.point);
      const atKill = runsOf(p.dir);
      const trial1 = atKill.trials.find((t) => t.number === 1)!;
      expect(atKill.runs.find((r) => r.id === trial1.runId)!.state).toBe("interrupted");

      const resumed = await runSpec(p.spec, { quiet: true, backend: "cpu", resume: true });
      expect(resumed.exitCode).toBe(0);
      const after = runsOf(p.dir);
      expect(after.runs.filter((r) => r.state === "interrupted" || r.state === "running")).toEqual([]);
      // the trial kept its run
      expect(after.trials.find((t) => t.number === 1)!.runId).toBe(trial1.runId);
      expect(after.runs.find((r) => r.id === trial1.runId)!.state).toBe("complete");
    }, 120_000);
  }
});
