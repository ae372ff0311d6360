/**
 * Crashes: the CLI killed with SIGKILL mid-training resumes from its last
 * checkpoint (`--resume`) to the very weights an uninterrupted run trains, and a
 * kill at any moment leaves a workspace that opens, verifies, and holds no
 * half-registered version (one without its alias, or without its artifact).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Rng } from "../../core/rng.js";
import { openWorkspace, verifyWorkspace } from "../../runtime/workspace/workspace.js";
import { binaryProject, buildCli, cli, finished, removeTempDirs, run, spawnCli, tempDir, writeProject, type CliResult, type Project } from "./fixtures.js";

afterAll(removeTempDirs);

const EPOCHS = 16;
/** Long enough to be killed mid-training: 1,000 rows, a 32-16 MLP. */
const slowProject = (dir?: string): Project => binaryProject({ rows: 1000, epochs: EPOCHS, hidden: "[32, 16]", lr: "3e-3", gates: ["auc >= 0.6"] }, dir);

/** Runs the CLI and kills it with SIGKILL when its stdout matches `at`, or after `at` ms. */
async function killed(args: string[], at: RegExp | number): Promise<CliResult & { killedEarly: boolean }> {
  const child = spawnCli(args, await buildCli());
  let out = "";
  let killedEarly = false;
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) {
      killedEarly = true;
      child.kill("SIGKILL");
    }
  };
  if (typeof at === "number") setTimeout(kill, at);
  else child.stdout!.on("data", (d: Buffer) => ((out += d.toString()), at.test(out) && kill()));
  const result = await finished(child);
  return { ...result, killedEarly };
}

/** Opens the workspace as the next command would and checks it is whole. */
function checkConsistent(dir: string, label: string): { versions: number; interruptedRuns: number } {
  const ws = openWorkspace(path.join(dir, ".mlspec"));
  try {
    const check = verifyWorkspace(ws, { deep: true });
    expect(check.problems, label).toEqual([]);
    const versions = ws.registry.listVersions();
    for (const v of versions) {
      expect(["registered", "rejected"], label).toContain(v.status);
      expect(ws.artifacts.verify(v.artifactSha256), label).toBe("ok");
    }
    // the newest passing version of an unserved model is the champion: never one without the other
    const newest = versions.filter((v) => v.status === "registered").at(-1);
    if (newest) expect(ws.registry.resolve("m", "champion").version, label).toBe(newest.version);
    const runs = ws.registry.listRuns();
    for (const r of runs) if (r.state === "interrupted") expect(ws.registry.listVersions().some((v) => v.runId === r.id), label).toBe(false);
    // every process is dead here: nothing reads as running
    expect(runs.filter((r) => r.state === "running"), label).toEqual([]);
    return { versions: versions.length, interruptedRuns: runs.filter((r) => r.state === "interrupted").length };
  } finally {
    ws.close();
  }
}

describe("crash and resume", () => {
  it("kill -9 after a checkpoint, then --resume, trains the same weights as an uninterrupted run", async () => {
    const reference = slowProject();
    const crashed = writeProject(fs.readFileSync(reference.spec, "utf8"), fs.readFileSync(reference.data), tempDir());
    // nothing else runs in this process meanwhile, so the kill follows the line promptly
    const k = await killed(["run", crashed.spec, "--backend", "cpu"], /epoch 4\/16/);
    let checkpointEpoch = 0;
    expect(k.killedEarly).toBe(true);
    expect(k.signal).toBe("SIGKILL");

    const ws = openWorkspace(path.join(crashed.dir, ".mlspec"));
    try {
      const [runRecord] = ws.registry.listRuns();
      expect(runRecord!.state).toBe("interrupted");
      const checkpoint = ws.registry.lastCheckpoint(runRecord!.id);
      // epochs count from 1, as the epoch lines do
      expect(checkpoint!.epoch).toBeGreaterThanOrEqual(3);
      expect(checkpoint!.epoch).toBeLessThan(EPOCHS);
      checkpointEpoch = checkpoint!.epoch;
      expect(ws.registry.listVersions()).toEqual([]);
    } finally {
      ws.close();
    }

    const [uninterrupted, resumed] = await Promise.all([run(reference.spec, { cache: false }), cli(["run", crashed.spec, "--backend", "cpu", "--resume", "--json"])]);
    expect(uninterrupted.exitCode).toBe(0);
    expect(resumed.status, resumed.stderr).toBe(0);
    // "after epoch k": the last checkpointed epoch line was `epoch k/16`, and training goes on with k + 1
    expect(resumed.stderr).toMatch(new RegExp(`^train:m\\s+resuming run 1 after epoch ${checkpointEpoch}$`, "m"));
    expect(/ epoch (\d+)\/16 /.exec(resumed.stderr)?.[1]).toBe(String(checkpointEpoch + 1));
    const summary = JSON.parse(resumed.stdout) as { models: Array<{ onnxSha: string; metrics: Record<string, number>; runId: number; epochs: number }> };
    const [again] = summary.models;
    const [ref] = uninterrupted.summary!.models;
    expect(again!.runId).toBe(1);
    expect(again!.epochs).toBe(EPOCHS);
    expect(again!.metrics).toEqual(ref!.metrics);
    expect(again!.onnxSha).toBe(ref!.onnxSha);

    const after = openWorkspace(path.join(crashed.dir, ".mlspec"));
    try {
      const record = after.registry.getRun(1);
      expect(record.state).toBe("complete");
      expect(record.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
      expect(after.registry.resolve("m", "champion")).toMatchObject({ version: 1, runId: 1 });
    } finally {
      after.close();
    }
  }, 60_000);

  it("kill -9 at any moment leaves a consistent registry that the next run continues", async () => {
    const rng = new Rng(2024);
    // targeted moments (mid-training, just before registration) and a random one
    const moments: Array<RegExp | number> = [/epoch 2\/16/, /^export:m/m, Math.round(rng.uniform(300, 3000))];
    const project = slowProject();
    for (const at of moments) {
      const label = `killed at ${String(at)}`;
      await killed(["run", project.spec, "--backend", "cpu"], at);
      checkConsistent(project.dir, label);
    }
    const resumed = await cli(["run", project.spec, "--backend", "cpu", "--resume", "-q"]);
    expect(resumed.status, resumed.stderr).toBe(0);
    const { versions } = checkConsistent(project.dir, "after --resume");
    expect(versions).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
