/**
 * A search block end to end (issue: hyperparameter search): trials are tracked
 * runs, run in parallel worker threads, the best goes through gates, export and
 * registry, and an interrupted search resumes without re-running finished trials.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSpec } from "../../runtime/run/run-spec.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { writeSearchProject } from "../projects.js";

const root = path.resolve(__dirname, "../..");
const cli = path.join(root, "dist", "mlspec.mjs");

beforeAll(() => {
  // the kill/resume test runs the built CLI, as a user would
  const r = spawnSync("npm", ["run", "build"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}, 120_000);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("search run", () => {
  it("runs every trial as a tracked run, in parallel, and registers the best", async () => {
    const { dir, spec } = writeSearchProject({ trials: 6, parallel: 2 });
    dirs.push(dir);
    const { exitCode, summary } = await runSpec(spec, { quiet: true });
    expect(exitCode).toBe(0);
    const ws = openWorkspace(path.join(dir, ".mlspec"));
    try {
      const searchRuns = ws.registry.listRuns({ search: "s" }).filter((r) => r.kind === "search");
      expect(searchRuns).toHaveLength(1);
      expect(searchRuns[0]!.state).toBe("complete");
      const trials = ws.registry.listTrials(searchRuns[0]!.id);
      expect(trials).toHaveLength(6);
      expect(new Set(trials.map((t) => t.number))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
      for (const t of trials) {
        expect(["complete", "pruned", "failed"]).toContain(t.state);
        expect(Object.keys(t.params).sort()).toEqual(["arch.hidden", "train.optimizer.lr"]);
        expect(t.runId).not.toBeNull();
        const run = ws.registry.getRun(t.runId!);
        expect(run.kind).toBe("trial");
        expect(run.parentRunId).toBe(searchRuns[0]!.id);
        expect(run.epochs.length).toBeGreaterThan(0);
      }
      const best = trials.filter((t) => t.state === "complete").sort((a, b) => b.value! - a.value!)[0]!;
      const v = ws.registry.resolve("m", "champion");
      expect(v.status).toBe("registered");
      // the registered version is the best trial's model
      expect(v.runId).toBe(best.runId);
      expect(summary!.models[0]!.metrics.auc).toBeGreaterThan(0.5);
    } finally {
      ws.close();
    }
  }, 120_000);

  it("lists a search's trials as JSON", async () => {
    const { dir, spec } = writeSearchProject({ trials: 3, parallel: 1, sampler: "random" });
    dirs.push(dir);
    expect((await runSpec(spec, { quiet: true })).exitCode).toBe(0);
    const r = spawnSync(process.execPath, [cli, "runs", "list", "--search", "s", "--format", "json", "-w", path.join(dir, ".mlspec")], { encoding: "utf8" });
    expect(r.status).toBe(0);
    const trials = JSON.parse(r.stdout) as Array<{ number: number; state: string; params: Record<string, unknown>; value: number | null }>;
    expect(trials.map((t) => t.number).sort()).toEqual([0, 1, 2]);
    for (const t of trials) expect(t.params["train.optimizer.lr"]).toBeTypeOf("number");
  }, 60_000);

  it("resumes an interrupted search without re-running finished trials", async () => {
    const { dir, spec } = writeSearchProject({ trials: 8, parallel: 1, epochs: 12, rows: 600, sampler: "random" });
    dirs.push(dir);
    const wsDir = path.join(dir, ".mlspec");
    const child = spawn(process.execPath, [cli, "run", spec, "--quiet"], { stdio: "ignore" });
    // wait until at least two trials are recorded, then kill the process hard
    const deadline = Date.now() + 60_000;
    let finished = 0;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      if (!fs.existsSync(path.join(wsDir, "registry.db"))) continue;
      const ws = openWorkspace(wsDir);
      try {
        const s = ws.registry.listRuns({ search: "s" }).find((r) => r.kind === "search");
        finished = s ? ws.registry.listTrials(s.id).filter((t) => t.state !== "running").length : 0;
      } finally {
        ws.close();
      }
      if (finished >= 2) break;
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(finished).toBeGreaterThanOrEqual(2);
    expect(finished).toBeLessThan(8);

    const before = openWorkspace(wsDir);
    const searchId = before.registry.listRuns({ search: "s" }).find((r) => r.kind === "search")!.id;
    const kept = before.registry.listTrials(searchId).filter((t) => t.state !== "running");
    before.close();

    const { exitCode } = await runSpec(spec, { quiet: true, resume: true });
    expect(exitCode).toBe(0);
    const after = openWorkspace(wsDir);
    try {
      const searches = after.registry.listRuns({ search: "s" }).filter((r) => r.kind === "search");
      expect(searches).toHaveLength(1);
      const trials = after.registry.listTrials(searchId);
      expect(trials.map((t) => t.number).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      // finished trials kept their runs: nothing was trained twice
      for (const k of kept) {
        const t = trials.find((x) => x.number === k.number)!;
        expect(t.runId).toBe(k.runId);
        expect(t.params).toEqual(k.params);
      }
      expect(after.registry.resolve("m", "champion").status).toBe("registered");
    } finally {
      after.close();
    }
  }, 180_000);
});
