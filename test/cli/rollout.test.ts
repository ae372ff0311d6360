/**
 * `mlspec rollout …` through the real bundle: status and history of a rollout
 * the controller has moved, a person's pause/resume/abort/promote recorded,
 * bad input answered with a message and an exit code, and replays of the
 * churn example's recordings.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RolloutController } from "../../runtime/rollout/controller.js";
import { RolloutStore } from "../../runtime/workspace/rollouts.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { arm, FakeEnvironment, GUARDS, planWith } from "../rollout/fake-environment.js";
import { buildCliSnapshot, REPO, runCli } from "./cli-bundle.js";

let cliPath = "";
let project = "";
const mlspec = (args: string[]) => runCli(cliPath, args);
const ws = () => ["--workspace", path.join(project, ".mlspec")];

/** A workspace with churn_mlp v1 (champion) and v2 (challenger) and rollout `churn_rollout` at step 2 of a canary. */
async function seedWorkspace(dir: string, rollout = "churn_rollout"): Promise<void> {
  const workspace = openWorkspace(path.join(dir, ".mlspec"));
  try {
    if (workspace.registry.listVersions("churn_mlp").length !== 2) {
      for (const seed of [1, 2]) {
        const sha = workspace.artifacts.put(`model ${seed}`, { kind: "onnx" });
        workspace.registry.registerVersion({ name: "churn_mlp", runId: null, status: "registered", metrics: { auc: 0.8 }, reasons: [], artifactSha256: sha, specHash: "s", dataHash: "d" });
      }
      workspace.registry.setAlias("churn_mlp", 1, "champion", "run 1");
      workspace.registry.setAlias("churn_mlp", 2, "challenger", "run 2");
    }
    const env = new FakeEnvironment();
    env.traffic = () => ({ current: arm(900), candidate: arm(200) });
    const plan = planWith({ strategy: { kind: "canary", params: { steps: [0.05, 0.25, 1], interval: 600_000, model: "churn_mlp@challenger", min_samples: 100 } }, guards: [GUARDS.errors] });
    plan.rollouts[0]!.name = rollout;
    const controller = new RolloutController({ plan, store: new RolloutStore(workspace.registry.db, () => env.now), env, holder: "test", leaseMs: 1 });
    await controller.tick(env.now);
    env.now += 600_000;
    await controller.tick(env.now);
  } finally {
    workspace.close();
  }
}

beforeAll(async () => {
  cliPath = buildCliSnapshot();
  project = mkdtempSync(path.join(tmpdir(), "mlspec-rollout-cli-"));
  writeFileSync(path.join(project, "p.mlspec"), "mlspec 1\n");
  await seedWorkspace(project);
}, 120_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("mlspec rollout status and history", () => {
  it("shows phase, step, weights, guards with values and the last transitions", async () => {
    const r = await mlspec(["rollout", "status", ...ws()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^churn_rollout \(canary for api\): progressing\(step 2\/3\)\n/);
    expect(r.stdout).toMatch(/weights candidate 25%, current 75%/);
    expect(r.stdout).toMatch(/guard {3}error_rate < 1%: candidate 0 \(n=200\) vs current 0: pass/);
    expect(r.stdout).toMatch(/progressing\(step 1\/3\) → progressing\(step 2\/3\): step 1 \(5%\) held on 200 requests; on to 25%/);
    const json = await mlspec(["rollout", "status", "churn_rollout", "--format", "json", ...ws()]);
    expect(json.status).toBe(0);
    const [doc] = JSON.parse(json.stdout) as Array<{ phase: string; step: number; weights: Record<string, number>; guards: Array<{ value: number }>; events: unknown[] }>;
    expect(doc).toMatchObject({ phase: "progressing", step: 1, weights: { candidate: 0.25, current: 0.75 } });
    expect(doc!.events).toHaveLength(2);
  });

  it("lists every transition with its reason", async () => {
    const r = await mlspec(["rollout", "history", "churn_rollout", ...ws()]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/– → progressing\(step 1\/3\)  churn_mlp@2 is the candidate against churn_mlp@1: canary starts with 5% of the traffic$/);
    expect(lines[1]).toMatch(/progressing\(step 1\/3\) → progressing\(step 2\/3\)  step 1 \(5%\) held/);
  });

  it("says what is wrong for an unknown rollout or workspace", async () => {
    const unknown = await mlspec(["rollout", "status", "nope", ...ws()]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe("mlspec: no rollout nope in this workspace; it has churn_rollout\n");
    const none = await mlspec(["rollout", "history", "x", "--workspace", path.join(project, "missing")]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^mlspec: no workspace at .*missing; run `mlspec run SPEC` first/);
  });
});

describe("a person's decisions", () => {
  it("pause, resume and promote are recorded with the person; promote moves @champion with the rollout as mover", async () => {
    const who = userInfo().username;
    const paused = await mlspec(["rollout", "pause", "churn_rollout", ...ws()]);
    expect(paused.status, paused.stderr).toBe(0);
    expect(paused.stdout).toBe(`churn_rollout: paused: paused by ${who} (mlspec rollout pause)\n`);
    const again = await mlspec(["rollout", "pause", "churn_rollout", ...ws()]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^mlspec: rollout churn_rollout is paused already/);
    expect((await mlspec(["rollout", "resume", "churn_rollout", ...ws()])).status).toBe(0);
    const promoted = await mlspec(["rollout", "promote", "churn_rollout", ...ws()]);
    expect(promoted.status, promoted.stderr).toBe(0);
    expect(promoted.stdout).toBe(`churn_rollout: promoted: churn_mlp@2 promoted to champion by ${who} (mlspec rollout promote)\n`);
    const history = await mlspec(["models", "history", "churn_mlp", "--alias", "champion", "--format", "json", ...ws()]);
    const moves = JSON.parse(history.stdout) as Array<{ toVersion: number; movedBy: string }>;
    expect(moves.at(-1)).toEqual(expect.objectContaining({ toVersion: 2, movedBy: `rollout churn_rollout (${who} (mlspec rollout promote))` }));
    const late = await mlspec(["rollout", "abort", "churn_rollout", ...ws()]);
    expect(late.status).toBe(1);
    expect(late.stderr).toMatch(/^mlspec: rollout churn_rollout is promoted already/);
  });

  it("abort sends all traffic back to the current model", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mlspec-rollout-abort-"));
    try {
      await seedWorkspace(dir, "r2");
      const r = await mlspec(["rollout", "abort", "r2", "--workspace", path.join(dir, ".mlspec")]);
      expect(r.status, r.stderr).toBe(0);
      const status = JSON.parse((await mlspec(["rollout", "status", "r2", "--format", "json", "--workspace", path.join(dir, ".mlspec")])).stdout) as Array<{ phase: string; weights: unknown }>;
      expect(status[0]).toMatchObject({ phase: "aborted", weights: { current: 1 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("mlspec rollout replay", () => {
  const spec = path.join(REPO, "examples/churn/churn.mlspec");
  const rec = (name: string) => path.join(REPO, "examples/churn/rollout", name);
  it("prints the promoting timeline and exits 0, the rolling-back one and exits 1", async () => {
    const good = await mlspec(["rollout", "replay", spec, "--traffic", rec("traffic.jsonl"), "--feedback", rec("feedback.jsonl"), "--workspace", path.join(project, "none")]);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/\+00:40:00  progressing\(step 4\/4\) → promoted: churn_mlp@2 promoted to champion/);
    expect(good.stdout).toMatch(/\nverdict: promoted — /);
    const worse = await mlspec(["rollout", "replay", spec, "--traffic", rec("traffic-worse.jsonl"), "--feedback", rec("feedback.jsonl"), "--format", "json", "--workspace", path.join(project, "none")]);
    expect(worse.status).toBe(1);
    expect(JSON.parse(worse.stdout)).toMatchObject({ verdict: "rolled_back", strategy: "canary", seed: 0 });
  });

  it("answers bad input with a message and exit 2", async () => {
    const missing = await mlspec(["rollout", "replay", spec, "--traffic", rec("nope.jsonl"), "--feedback", rec("feedback.jsonl")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^mlspec: cannot read .*nope\.jsonl: no such file\n$/);
    const seed = await mlspec(["rollout", "replay", spec, "--traffic", rec("traffic.jsonl"), "--feedback", rec("feedback.jsonl"), "--seed", "-1"]);
    expect(seed.status).toBe(2);
    expect(seed.stderr).toBe("mlspec: --seed must be a whole number ≥ 0, got -1\n");
    const noSpec = await mlspec(["rollout", "replay", path.join(project, "absent.mlspec"), "--traffic", rec("traffic.jsonl"), "--feedback", rec("feedback.jsonl")]);
    expect(noSpec.status).toBe(2);
    const noRollout = await mlspec(["rollout", "replay", path.join(project, "p.mlspec"), "--traffic", rec("traffic.jsonl"), "--feedback", rec("feedback.jsonl")]);
    expect(noRollout.status).toBe(2);
    expect(noRollout.stderr).toMatch(/^mlspec: /);
    expect(noRollout.stderr).not.toMatch(/internal error/);
  });
});
