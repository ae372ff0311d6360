/**
 * `mlspec rollout replay` on a spec whose serve has a monitor rehearses the whole loop on
 * the virtual clock: the traffic shifts, drift fires, the retraining (a real `mlspec run`
 * in a child process, on a throwaway copy whose source gained the replayed labelled rows)
 * registers a challenger while the clock stands still, the canary starts on it and
 * promotes it. The user's workspace is read, never written; the copy is gone afterwards.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loopRecording } from "../../examples/churn/loop/generate.js";
import { readFeedback, readTraffic } from "../../runtime/rollout/recorded-traffic.js";
import { runReplayCommand } from "../../bin/commands/replay-command.js";
import type { ReplayResult } from "../../runtime/rollout/replay.js";
import { timelineText } from "../../runtime/rollout/report.js";
import { planForServing } from "../../runtime/serve/serve-plan.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { binaryCsv, binaryRows, binarySpec, buildCli, removeTempDirs, run, writeProject, type Project } from "../run/fixtures.js";

const MIN = 60_000;
const START = Date.parse("2026-12-01T10:00:00Z");
const SPEC =
  binarySpec() +
  `
serve api {
  model = m@champion
}

rollout api_rollout for api {
  canary(steps = [50%, 100%], interval = 10m, min_samples = 20)
  guard { error_rate < 1% }
}

monitor watch for api {
  drift(features = all, window = 1h, min_samples = 50)
  retrain when drift, at most 1 per 1d, using m
}
`;

let p: Project;
let cli: string;
beforeAll(async () => {
  p = writeProject(SPEC, binaryCsv(600));
  expect((await run(p.spec)).exitCode).toBe(0);
  // 30 minutes like the training data, then 50 with x2 shifted by +1.5; outcomes a minute later
  const traffic: string[] = [];
  const feedback: string[] = [];
  const add = (r: ReturnType<typeof binaryRows>[number], at: number) => {
    const id = `t${traffic.length + 1}`;
    traffic.push(JSON.stringify({ at, request_id: id, input: { id, x1: r[1], x2: r[2], color: r[3] }, latency_ms: 5 }));
    feedback.push(JSON.stringify({ request_id: id, outcome: r[4], at: at + MIN }));
  };
  binaryRows(300, 5).forEach((r, i) => add(r, START + i * 6000));
  binaryRows(1000, 6).forEach((r, i) => add([r[0], r[1], Number((r[2] + 1.5).toFixed(3)), r[3], r[4]], START + 30 * MIN + i * 3000));
  fs.writeFileSync(path.join(p.dir, "traffic.jsonl"), traffic.join("\n") + "\n");
  fs.writeFileSync(path.join(p.dir, "feedback.jsonl"), feedback.join("\n") + "\n");
  // what the real workspace already holds must not leak into the rehearsal: a logged row inside the
  // recording's shifted window, and a retraining today that would spend the cooldown
  const ws = openWorkspace(path.join(p.dir, ".mlspec"));
  try {
    const log = ws.registry.predictionLog();
    log.log({ requestId: "real-1", time: START + 31 * MIN, serve: "api", model: "m", version: 1, inputs: { id: "real-1", x1: 5, x2: 0, color: "red" }, output: null, latencyMs: 1 });
    log.close();
    ws.registry.db.prepare("INSERT INTO retrain_triggers (monitor, model, signals, firing_ids, at, state, attempts, started_at) VALUES ('watch', 'm', '[]', '[]', ?, 'registered', 1, ?)").run(Date.now(), Date.now());
  } finally {
    ws.close();
  }
  cli = await buildCli();
}, 180_000);
afterAll(removeTempDirs);

describe("examples/churn/loop", () => {
  it("is what its generator writes, byte for byte, and reads as a recording", () => {
    const dir = path.join(path.dirname(new URL(import.meta.url).pathname), "../../examples/churn/loop");
    const fresh = loopRecording();
    expect(fresh.traffic === fs.readFileSync(path.join(dir, "traffic.jsonl"), "utf8"), "traffic.jsonl differs from a fresh run of generate.ts").toBe(true);
    expect(fresh.feedback === fs.readFileSync(path.join(dir, "feedback.jsonl"), "utf8"), "feedback.jsonl differs from a fresh run of generate.ts").toBe(true);
    const traffic = readTraffic(path.join(dir, "traffic.jsonl"));
    expect(readFeedback(path.join(dir, "feedback.jsonl"))).toHaveLength(traffic.length);
    expect(new Set(traffic.map((t) => t.input.customer_id)).size).toBe(traffic.length); // new rows for the source's unique id
  });
});

describe("replaying the monitor with the rollout", () => {
  it("traffic shifts → drift fires → retrain → challenger → canary → promoted, on a throwaway copy", async () => {
    const text: string[] = [];
    const log: string[] = [];
    const result: ReplayResult = await runReplayCommand(
      p.spec,
      { plan: planForServing(p.spec), traffic: path.join(p.dir, "traffic.jsonl"), feedback: path.join(p.dir, "feedback.jsonl"), format: "json", retrain: { cli: { node: process.execPath, script: cli }, runFlags: ["--backend", "cpu"] }, log: (l) => log.push(l) },
      (t) => text.push(t),
    );
    expect(result.monitor).toEqual({ monitors: ["watch"], replayed: true });
    expect(result.verdict).toBe("promoted");
    const monitorSaid = result.timeline.filter((e) => e.source === "monitor").map((e) => e.reason);
    expect(monitorSaid[0]).toMatch(/^monitor watch: drift #1 \(features auto\): no drift on m@1/);
    const drift = result.timeline.find((e) => /DRIFT on m@1/.test(e.reason))!;
    expect(drift.reason).toMatch(/x2 p /);
    expect(drift.reason).not.toMatch(/x1 p /);
    expect(drift.at).toBeGreaterThanOrEqual(START + 30 * MIN);
    const retrained = result.timeline.find((e) => /retraining m \(trigger 1, drift #1\)/.test(e.reason))!;
    expect(retrained.reason).toMatch(/registered — v2 registered as @challenger$/);
    // the clock stood still while the retraining ran: the canary starts at the very same virtual time
    const started = result.timeline.find((e) => e.source === undefined && e.from === null)!;
    expect(started.reason).toMatch(/^m@2 is the candidate against m@1: canary starts with 50% of the traffic/);
    expect(started.at).toBe(retrained.at);
    expect(retrained.at).toBe(drift.at);
    expect(result.timeline.filter((e) => e.source === undefined).map((e) => e.to)).toEqual(["progressing(step 1/2)", "progressing(step 2/2)", "promoted"]);
    expect(result.final!.candidate).toEqual({ model: "m", version: 2 });
    // a second trigger in the day is said once, as a cooldown skip
    expect(monitorSaid.filter((r) => /skipped — cooldown/.test(r)).length).toBeLessThanOrEqual(1);

    // the retraining ran on a copy, which is gone; the user's workspace is as it was
    const copySpec = /mlspec run (\S+)/.exec(log.find((l) => /mlspec run /.test(l))!)![1]!;
    expect(path.dirname(copySpec)).not.toBe(p.dir);
    expect(fs.existsSync(copySpec)).toBe(false);
    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    try {
      expect(ws.registry.listVersions("m").map((v) => v.version)).toEqual([1]);
      expect(ws.registry.resolve("m", "champion").version).toBe(1);
      const count = (table: string) => (ws.registry.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      for (const table of ["feedback", "monitor_firings", "rollouts"]) expect(count(table), table).toBe(0);
      expect(count("predictions")).toBe(1);
      expect(count("retrain_triggers")).toBe(1);
    } finally {
      ws.close();
    }
    expect(fs.readFileSync(p.data, "utf8")).toBe(binaryCsv(600));

    // the text form puts the monitor's lines on the same timeline
    const lines = timelineText(result, START).split("\n");
    expect(lines[1]).toBe("with monitor watch, on a throwaway copy of the workspace");
    expect(lines.some((l) => /^\+00:\d\d:00  monitor watch: retraining m \(trigger 1, drift #1\): registered/.test(l))).toBe(true);
  }, 300_000);

  it("--no-monitor replays the rollout alone; without a workspace the monitor is not replayed, and says why", async () => {
    const plan = planForServing(p.spec);
    const files = { traffic: path.join(p.dir, "traffic.jsonl"), feedback: path.join(p.dir, "feedback.jsonl") };
    const alone = await runReplayCommand(p.spec, { plan, ...files, format: "json", monitor: false }, () => undefined);
    expect(alone.monitor).toBeUndefined();
    expect(alone.verdict).toBe("not started"); // no challenger, and no retraining to make one
    // a fully recorded replay runs without a workspace; the monitor needs one (references, retraining)
    const recorded = path.join(p.dir, "recorded.jsonl");
    fs.writeFileSync(recorded, fs.readFileSync(files.traffic, "utf8").trim().split("\n").slice(0, 200).map((l) => JSON.stringify({ ...JSON.parse(l), answers: { current: 0.4, candidate: 0.6 } })).join("\n") + "\n");
    const out: string[] = [];
    const elsewhere = await runReplayCommand(p.spec, { plan, traffic: recorded, feedback: files.feedback, format: "text", workspace: path.join(p.dir, "none") }, (t) => out.push(t));
    expect(elsewhere.monitor).toEqual({ monitors: ["watch"], replayed: false, note: `no workspace at ${path.join(p.dir, "none")}: run \`mlspec run ${p.spec}\` first` });
    expect(out.join("").split("\n")[1]).toBe(`monitor watch not replayed: no workspace at ${path.join(p.dir, "none")}: run \`mlspec run ${p.spec}\` first`);
  }, 120_000);
});
