/**
 * Replays on recorded traffic: the churn example's two recordings (a better
 * candidate promoted, a worse one rolled back), determinism for a seed, and a
 * recording without answers scored through registered ONNX models.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readFeedback, readTraffic, RecordingError } from "../../runtime/rollout/recorded-traffic.js";
import { replayRollout } from "../../runtime/rollout/replay.js";
import { runReplayCommand } from "../../bin/commands/replay-command.js";
import { planForServing } from "../../runtime/serve/serve-plan.js";
import { churnModel, churnRows, churnSpecText, makeProject, type TestProject } from "../serve/models.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const CHURN = path.join(REPO, "examples/churn");
const plan = planForServing(path.join(CHURN, "churn.mlspec"));
const feedback = readFeedback(path.join(CHURN, "rollout/feedback.jsonl"));
const standIn = (ref: string) => ({ "churn_mlp@champion": { model: "churn_mlp", version: 1 }, "churn_mlp@challenger": { model: "churn_mlp", version: 2 } })[ref] ?? null;

describe("replay of the churn example's recordings", () => {
  it("promotes the better candidate through every canary step", async () => {
    const result = await replayRollout({ plan, rollout: "churn_rollout", traffic: readTraffic(path.join(CHURN, "rollout/traffic.jsonl")), feedback, resolve: standIn });
    expect(result.verdict).toBe("promoted");
    expect(result.timeline.map((e) => e.to)).toEqual(["progressing(step 1/4)", "progressing(step 2/4)", "progressing(step 3/4)", "progressing(step 4/4)", "promoted"]);
    const auc = result.timeline[1]!.guards.find((g) => g.guard.startsWith("auc"))!;
    expect(auc.verdict).toBe("pass");
    expect(auc.value!).toBeGreaterThan(auc.baseline!);
  });

  it("rolls the worse candidate back at the first step, with the failing guard's values in the reason", async () => {
    const result = await replayRollout({ plan, rollout: "churn_rollout", traffic: readTraffic(path.join(CHURN, "rollout/traffic-worse.jsonl")), feedback, resolve: standIn });
    expect(result.verdict).toBe("rolled_back");
    expect(result.timeline.map((e) => e.to)).toEqual(["progressing(step 1/4)", "rolled_back"]);
    expect(result.final!.reason).toMatch(/guard failed: auc >= champion.auc - 0.01 on candidate \(0\.\d+ breaks/);
    expect(result.final!.weights).toEqual({ current: 1 });
  });

  it("gives the same timeline for the same seed, and another assignment for another seed", async () => {
    const traffic = readTraffic(path.join(CHURN, "rollout/traffic.jsonl"));
    const once = await replayRollout({ plan, rollout: "churn_rollout", traffic, feedback, resolve: standIn, seed: 3 });
    const again = await replayRollout({ plan, rollout: "churn_rollout", traffic, feedback, resolve: standIn, seed: 3 });
    const other = await replayRollout({ plan, rollout: "churn_rollout", traffic, feedback, resolve: standIn, seed: 4 });
    expect(again).toEqual(once);
    expect(other.timeline[1]!.guards[0]!.samples).not.toBe(once.timeline[1]!.guards[0]!.samples);
  });
});

describe("the other strategies on the same recording", () => {
  const withStrategy = (strategy: { kind: string; params: Record<string, unknown> }, guards = plan.rollouts[0]!.guards) => ({ ...plan, rollouts: [{ ...plan.rollouts[0]!, strategy, guards }] });
  const traffic = readTraffic(path.join(CHURN, "rollout/traffic.jsonl"));

  it("shadow mirrors a sample, judges the shadow arm after the duration, and promotes the better candidate", async () => {
    const shadowPlan = withStrategy({ kind: "shadow", params: { model: "churn_mlp@challenger", sample: 0.2, duration: 600_000, min_samples: 100 } });
    const result = await replayRollout({ plan: shadowPlan, rollout: "churn_rollout", traffic, feedback, resolve: standIn });
    expect(result.verdict).toBe("promoted");
    expect(result.timeline[0]!.weights).toEqual({ current: 1 });
    const auc = result.timeline[1]!.guards.find((g) => g.guard.startsWith("auc"))!;
    expect(auc).toMatchObject({ arm: "shadow", verdict: "pass" });
    expect(auc.samples).toBeGreaterThan(400);
  });

  it("ab holds while outcomes are short of min_samples, and reports its test statistics", async () => {
    const abPlan = withStrategy({ kind: "ab", params: { model: "churn_mlp@challenger", traffic: 0.5, metric: "churned", min_samples: 5000, alpha: 0.05, interval: 600_000 } }, []);
    const result = await replayRollout({ plan: abPlan, rollout: "churn_rollout", traffic, feedback, resolve: standIn });
    expect(result.final!.phase).toBe("progressing");
    expect(result.final!.test).toMatchObject({ metric: "churned", kind: "binary", srm: { mismatch: false } });
    expect(result.final!.reason).toMatch(/outcomes of the 5000 per arm needed/);
  });
});

describe("a bandit on the same recording", () => {
  it("serves both arms from the canary's recorded answers, persists their posteriors, and shifts traffic to the arm with the higher mean reward", async () => {
    const bandit = { kind: "bandit", params: { arms: ["churn_mlp@champion", "churn_mlp@challenger"], policy: "thompson", reward: "churned", interval: 600_000, min_samples: 100, epsilon: 0.1 } };
    const banditPlan = { ...plan, rollouts: [{ ...plan.rollouts[0]!, strategy: bandit, guards: [] }] };
    const result = await replayRollout({ plan: banditPlan, rollout: "churn_rollout", traffic: readTraffic(path.join(CHURN, "rollout/traffic.jsonl")), feedback, resolve: standIn });
    const final = result.final!;
    expect(Object.keys(final.arms!).sort()).toEqual(["arm:churn_mlp@1", "arm:churn_mlp@2"]);
    const [p1, p2] = [final.posteriors!["arm:churn_mlp@1"]!, final.posteriors!["arm:churn_mlp@2"]!];
    expect(p1.n).toBeGreaterThan(100);
    expect(p2.n).toBeGreaterThan(100);
    // the recorded outcome is the reward here: the arm with the higher mean gets the larger share
    const better = p1.sum / p1.n > p2.sum / p2.n ? "arm:churn_mlp@1" : "arm:churn_mlp@2";
    expect(final.weights[better]!).toBeGreaterThan(0.5);
    expect(result.timeline[0]!.reason).toMatch(/bandit over churn_mlp@1, churn_mlp@2 starts with equal shares/);
  });
});

describe("recordings with mistakes", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "mlspec-recording-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  it("name the file and line", () => {
    expect(() => readTraffic(write("a.jsonl", '{"at": 1, "input": {}}\nnot json\n'))).toThrow(/a\.jsonl:2: not valid JSON/);
    expect(() => readTraffic(write("b.jsonl", '{"at": "yesterday", "input": {}}\n'))).toThrow(/b\.jsonl:1: `at` must be an ISO time/);
    expect(() => readTraffic(write("c.jsonl", "\n"))).toThrow(RecordingError);
    expect(() => readFeedback(write("d.jsonl", '{"outcome": true}\n'))).toThrow(/d\.jsonl:1: name the prediction with `request_id` or `key`/);
    expect(() => readTraffic(path.join(dir, "missing.jsonl"))).toThrow(/cannot read .*missing\.jsonl: no such file/);
  });
});

describe("replay scored through registered ONNX models", () => {
  let project: TestProject | undefined;
  afterAll(() => project?.cleanup());

  it("scores each arm's requests with its model version in-process, deterministically", async () => {
    const spec = churnSpecText() + `
rollout churn_rollout for churn_api {
  canary(steps = [50%, 100%], interval = 1m, min_samples = 20)
  guard { error_rate < 1%  auc >= champion.auc - 0.5 }
}
`;
    project = makeProject(spec);
    project.register("churn_mlp", churnModel({ seed: 1 }).bytes, "champion");
    project.register("churn_mlp", churnModel({ seed: 2 }).bytes, "challenger");
    project.workspace.close();
    const t0 = Date.parse("2026-12-01T10:00:00Z");
    const rows = churnRows(5, 240);
    const traffic = file(project.dir, "traffic.jsonl", rows.map((input, i) => JSON.stringify({ at: t0 + i * 500, request_id: `q${i}`, input })).join("\n"));
    const outcomes = file(project.dir, "feedback.jsonl", rows.map((row, i) => JSON.stringify({ key: { customer_id: row.customer_id }, outcome: i % 3 === 0 })).join("\n"));
    const replay = async () => {
      let text = "";
      const result = await runReplayCommand(project!.specPath, { plan: planForServing(project!.specPath), traffic, feedback: outcomes, format: "text" }, (t) => (text += t));
      return { result, text };
    };
    const first = await replay();
    const second = await replay();
    expect(second.text).toBe(first.text);
    const judged = first.result.timeline[1]!;
    expect(judged.guards.find((g) => g.guard === "error_rate < 1%")).toMatchObject({ verdict: "pass", value: 0 });
    expect(judged.guards.find((g) => g.guard.startsWith("auc"))!.samples).toBeGreaterThanOrEqual(20);
    expect(first.text).toMatch(/^replay of rollout churn_rollout \(canary\) on 240 recorded requests, seed 0\n\+00:00:00  start → progressing\(step 1\/2\): churn_mlp@2 is the candidate against churn_mlp@1/);
  });
});

function file(dir: string, name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text + "\n");
  return p;
}
