/**
 * `mlspec run --seed N`: every seed of the plan (split, training, search) becomes N, the run
 * records N, and the same N gives the same model where the spec's own seeds give another.
 */
import { cpSync, mkdtempSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { planOf } from "../../compiler/plan/index.js";
import { withSeed } from "../../runtime/run/seed-override.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { binaryProject, removeTempDirs, tempDir } from "../run/fixtures.js";
import { buildCliSnapshot, REPO, runCli } from "./cli-bundle.js";

let cliPath = "";

const mlspec = (args: string[]) => runCli(cliPath, args);

beforeAll(() => {
  cliPath = buildCliSnapshot();
}, 120_000);

afterAll(() => removeTempDirs());

function champion(dir: string): { sha: string; seed: number; trainSeed: unknown } {
  const ws = openWorkspace(path.join(dir, ".mlspec"));
  try {
    const version = ws.registry.resolve("m", "champion");
    const run = ws.registry.getRun(version.runId!);
    return { sha: version.artifactSha256, seed: run.seed, trainSeed: (run.params.train as { seed: unknown }).seed };
  } finally {
    ws.close();
  }
}

describe("mlspec run --seed", () => {
  it("sets the seed of every split, training and search of a plan", () => {
    const plan = withSeed(planOf(compileFile(path.join(REPO, "examples/churn/churn.mlspec"))), 1234);
    const seeds = plan.steps.flatMap((s) =>
      s.kind === "split" ? [s.params.split.seed] : s.kind === "train" ? [s.params.train.seed] : s.kind === "search" ? [s.params.sampler.seed] : [],
    );
    expect(plan.steps.map((s) => s.kind)).toEqual(expect.arrayContaining(["split", "train", "search"]));
    expect(seeds.length).toBeGreaterThanOrEqual(4);
    expect(new Set(seeds)).toEqual(new Set([1234]));
  });

  it("is recorded with the run; the same seed gives the same model, the spec's own seeds another", async () => {
    const a = binaryProject({ epochs: 2 });
    const b = tempDir();
    const c = tempDir();
    cpSync(a.dir, b, { recursive: true });
    cpSync(a.dir, c, { recursive: true });
    const runs = await Promise.all([
      mlspec(["run", a.spec, "--backend", "cpu", "--seed", "77"]),
      mlspec(["run", path.join(b, "spec.mlspec"), "--backend", "cpu", "--seed", "77", "--quiet"]),
      mlspec(["run", path.join(c, "spec.mlspec"), "--backend", "cpu", "--quiet"]),
    ]);
    runs.forEach((r) => expect(r.status, r.stderr).toBe(0));
    expect(runs[0]!.stdout).toMatch(/every seed 77 \(--seed\)/);
    const [seeded, again, own] = [champion(a.dir), champion(b), champion(c)];
    expect(seeded).toMatchObject({ seed: 77, trainSeed: 77 });
    expect(again.sha).toBe(seeded.sha);
    expect(own.seed).toBe(1);
    expect(own.sha).not.toBe(seeded.sha);
  }, 120_000);

  it("refuses a seed that is not a whole number", async () => {
    const dir = mkdtempSync(path.join(tempDir(), "s-"));
    const p = binaryProject({}, dir);
    const r = await mlspec(["run", p.spec, "--seed", "1.5"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("mlspec: --seed takes a whole number from 0 to 2147483647, not 1.5\n");
  });
});
