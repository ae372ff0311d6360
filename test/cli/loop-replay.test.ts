/**
 * The churn example's whole loop through the real bundle, as the README shows it:
 * `mlspec run churn.mlspec`, then `mlspec rollout replay churn.mlspec --traffic
 * loop/traffic.jsonl --feedback loop/feedback.jsonl`: the traffic shifts at +00:30, the
 * monitor's drift fires, its retraining (`mlspec run` on a throwaway copy) registers
 * churn_mlp@2 as challenger, the canary starts at once and promotes it (exit 0); the
 * example's own workspace keeps its one version.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCliSnapshot, REPO, runCli } from "./cli-bundle.js";

let cliPath = "";
let project = "";
beforeAll(() => {
  cliPath = buildCliSnapshot();
  project = mkdtempSync(path.join(tmpdir(), "mlspec-loop-cli-"));
  cpSync(path.join(REPO, "examples", "churn"), project, { recursive: true, filter: (src) => !src.includes(`${path.sep}.mlspec`) });
}, 120_000);
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("mlspec rollout replay with the monitor (examples/churn/loop)", () => {
  it("traffic shifts → drift fires → retrain → challenger → canary → promoted", async () => {
    const spec = path.join(project, "churn.mlspec");
    const trained = await runCli(cliPath, ["run", spec, "--quiet"], project);
    expect(trained.status, trained.stderr).toBe(0);
    const traffic = readFileSync(path.join(project, "loop", "traffic.jsonl"), "utf8");
    const r = await runCli(cliPath, ["rollout", "replay", spec, "--traffic", "loop/traffic.jsonl", "--feedback", "loop/feedback.jsonl"], project);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe(`replay of rollout churn_rollout (canary) on ${traffic.trim().split("\n").length} recorded requests, seed 0`);
    expect(lines[1]).toBe("with monitor churn_watch, on a throwaway copy of the workspace");
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const calm = at(/^\+00:05:00  monitor churn_watch: drift #1 \(features psi\): no drift on churn_mlp@1/);
    const drift = at(/^\+00:35:00  monitor churn_watch: drift #1 \(features psi\): DRIFT on churn_mlp@1 \(\d+ rows\): tenure [\d.]+, support_calls [\d.]+$/);
    const retrain = at(/^\+00:35:00  monitor churn_watch: retraining churn_mlp \(trigger 1, drift #1, drift #2\): registered — v2 registered as @challenger$/);
    const start = at(/^\+00:35:00  start → progressing\(step 1\/4\): churn_mlp@2 is the candidate against churn_mlp@1: canary starts with 5% of the traffic$/);
    const promoted = at(/^\+01:15:00  progressing\(step 4\/4\) → promoted: churn_mlp@2 promoted to champion/);
    expect([calm, drift, retrain, start, promoted].every((i) => i > 0), r.stdout).toBe(true);
    expect(calm < drift && drift < retrain && retrain < start && start < promoted).toBe(true);
    expect(lines.filter((l) => /→ progressing\(step \d\/4\): step \d \(\d+%\) held on/.test(l))).toHaveLength(3);
    expect(lines.at(-2)).toMatch(/^verdict: promoted — churn_mlp@2 promoted to champion: every step passed/);
    expect(r.stderr).toMatch(/retraining churn_mlp \(trigger 1, attempt 1\): mlspec run \S+mlspec-rehearsal-\S+\/project\/churn\.mlspec/);

    // the example's workspace still has one version of churn_mlp, as champion, and no rollout
    const models = await runCli(cliPath, ["models", "list", "--spec", spec, "--format", "json"], project);
    const versions = (JSON.parse(models.stdout) as Array<{ name: string; version: number; aliases: string[] }>).filter((v) => v.name === "churn_mlp");
    expect(versions.map((v) => [v.version, v.aliases])).toEqual([[1, ["champion"]]]);
    const status = await runCli(cliPath, ["rollout", "status", "--spec", spec], project);
    expect(status.stdout).toMatch(/^no rollouts yet/);
    expect(existsSync(/mlspec run (\S+)/.exec(r.stderr)![1]!)).toBe(false);
  }, 600_000);
});
