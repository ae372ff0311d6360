/**
 * `--resume` after a kill -9 that came once a search had finished and registered its
 * model, in the next model's training (issue 9, item 9): the finished search is
 * reused, not run again, so its model keeps its one version; the search's trial
 * runs stay finished.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runSpec } from "../../runtime/run/run-spec.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { writeSearchProject } from "../projects.js";
import { runKilledAt, secondModel } from "./kill-points.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function state(dir: string) {
  const ws = openWorkspace(path.join(dir, ".mlspec"));
  try {
    const searches = ws.registry.listRuns({ kind: "search" });
    return {
      versions: ws.registry.listVersions().map((v) => `${v.name} v${v.version} run ${v.runId}`),
      searches: searches.map((r) => r.id),
      trials: searches.length === 0 ? [] : ws.registry.listTrials(searches[0]!.id).map((t) => ({ number: t.number, state: t.state, params: t.params, value: t.value, runId: t.runId })),
      states: ws.registry.listRuns().map((r) => `${r.kind} ${r.modelName} ${r.state}`),
    };
  } finally {
    ws.close();
  }
}

describe("resume after a kill that came after a search registered its model", () => {
  it("reuses the finished search: one version of its model, its trials and runs unchanged", async () => {
    const p = writeSearchProject({ trials: 3, parallel: 1, rows: 200, epochs: 3, sampler: "random", extra: secondModel });
    dirs.push(p.dir);
    const points = await runKilledAt(p.spec, 0);
    fs.rmSync(path.join(p.dir, ".mlspec"), { recursive: true, force: true });
    // the kill: m2's second checkpoint, after m's search, export and register
    const k = points.findIndex((x) => /^checkpoint m2 train run \d+ epoch 2$/.test(x)) + 1;
    expect(k).toBeGreaterThan(0);
    await runKilledAt(p.spec, k);
    const atKill = state(p.dir);
    expect(atKill.versions).toHaveLength(1);
    expect(atKill.versions[0]).toMatch(/^m v1 /);
    expect(atKill.states).toContain("train m2 interrupted");

    const resumed = await runSpec(p.spec, { quiet: true, backend: "cpu", resume: true });
    expect(resumed.exitCode).toBe(0);
    const after = state(p.dir);
    // m keeps its one version, made by the same run; m2 gets its first
    expect(after.versions).toEqual([atKill.versions[0], expect.stringMatching(/^m2 v1 /)]);
    expect(after.searches).toEqual(atKill.searches);
    expect(after.trials).toEqual(atKill.trials);
    expect(after.states.filter((s) => !s.endsWith(" complete"))).toEqual([]);
  }, 120_000);
});
