/**
 * The retrain rule's decisions and outcomes, with a stand-in for `mlspec run` (a node script
 * that answers as configured): triggers, cooldown and already-running skips, registered /
 * rejected / failed / unchanged outcomes, the challenger hook, and a retraining killed with
 * SIGKILL retried with --resume. The clock is injected; only child processes are waited for.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { listTriggers } from "../../runtime/monitor/retrain-store.js";
import { Retrainer, whenHolds, type ChallengerEvent } from "../../runtime/monitor/retrainer.js";
import { planForServing } from "../../runtime/serve/serve-plan.js";
import { openWorkspace, type Workspace } from "../../runtime/workspace/workspace.js";
import type { Plan } from "../../compiler/plan/schema.js";
import { binaryCsv, binarySpec, removeTempDirs, writeProject, type Project } from "../run/fixtures.js";

const DAY = 86_400_000;
const SPEC =
  binarySpec() +
  `
serve api {
  model = m@champion
}

monitor watch for api {
  drift(features = all)
  performance(auc >= 0.7, labels = csv("labels.csv"), key = id)
  retrain when drift or performance, at most 1 per 1d, using m
}
`;

/** The stand-in: appends its argv to calls.jsonl, then does what answer.json says. */
const FAKE = `
import * as fs from "node:fs";
import * as path from "node:path";
const dir = path.dirname(new URL(import.meta.url).pathname);
fs.appendFileSync(path.join(dir, "calls.jsonl"), JSON.stringify(process.argv.slice(2)) + "\\n");
const answers = JSON.parse(fs.readFileSync(path.join(dir, "answer.json"), "utf8"));
const n = fs.readFileSync(path.join(dir, "calls.jsonl"), "utf8").trim().split("\\n").length;
const a = answers[Math.min(n, answers.length) - 1];
if (a.hang) {
  fs.writeFileSync(path.join(dir, "started"), String(process.pid));
  setInterval(() => {}, 1000);
} else {
  if (a.summary) process.stdout.write(JSON.stringify(a.summary));
  if (a.stderr) process.stderr.write(a.stderr);
  process.exit(a.exit ?? 0);
}
`;

let p: Project;
let plan: Plan;
let ws: Workspace;
let now: number;
const log: string[] = [];
const fired = { drift: ["drift #1"], performance: [], firingIds: [] };

function answer(...answers: unknown[]): void {
  fs.writeFileSync(path.join(p.dir, "answer.json"), JSON.stringify(answers));
}
const calls = (): string[][] => (fs.existsSync(path.join(p.dir, "calls.jsonl")) ? fs.readFileSync(path.join(p.dir, "calls.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)) : []);
const summary = (version: number, status = "registered", alias?: string) => ({ models: [{ model: "m", version, status, ...(alias ? { alias } : {}) }] });

function retrainer(extra: Partial<ConstructorParameters<typeof Retrainer>[0]> = {}): Retrainer {
  return new Retrainer({ db: ws.registry.db, plan, specPath: p.spec, clock: () => now, log: (l) => log.push(l), cli: { node: process.execPath, script: path.join(p.dir, "fake-mlspec.mjs") }, ...extra });
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}

beforeEach(() => {
  p = writeProject(SPEC, binaryCsv(200));
  fs.writeFileSync(path.join(p.dir, "fake-mlspec.mjs"), FAKE);
  plan = planForServing(p.spec);
  ws = openWorkspace(path.join(p.dir, ".mlspec"));
  now = Date.parse("2026-12-03T10:00:00Z");
  log.length = 0;
});
afterEach(() => ws.close());
afterAll(removeTempDirs);

describe("retrain when …", () => {
  it("`when` reads drift and performance with or, and, and parentheses", () => {
    expect(whenHolds("drift or performance", { drift: false, performance: true })).toBe(true);
    expect(whenHolds("drift and performance", { drift: true, performance: false })).toBe(false);
    expect(whenHolds("drift and (performance or drift)", { drift: true, performance: false })).toBe(true);
    expect(whenHolds("drift", { drift: false, performance: true })).toBe(false);
  });

  it("nothing fired: no trigger; drift fired: mlspec run SPEC --json --quiet in a child, registered as champion", async () => {
    answer({ summary: summary(1, "registered", "champion") });
    const r = retrainer();
    expect(r.onEvaluation(plan.monitors[0]!, { drift: [], performance: [], firingIds: [] })).toBeUndefined();
    const t = r.onEvaluation(plan.monitors[0]!, { ...fired, firingIds: [7] })!;
    expect(t.state).toBe("pending");
    await r.idle();
    expect(calls()).toEqual([["run", p.spec, "--json", "--quiet"]]);
    const [done] = listTriggers(ws.registry.db);
    expect(done).toMatchObject({ model: "m", signals: ["drift #1"], firingIds: [7], state: "registered", version: 1, alias: "champion", attempts: 1, exitCode: 0, reason: "v1 registered as @champion" });
  });

  it("at most 1 per 1d: a second trigger that day is skipped (cooldown); the next day it runs", async () => {
    answer({ summary: summary(1, "registered", "champion") }, { summary: summary(2, "registered", "champion") });
    const r = retrainer();
    r.onEvaluation(plan.monitors[0]!, fired);
    await r.idle();
    now += DAY / 2;
    expect(r.onEvaluation(plan.monitors[0]!, fired)!).toMatchObject({ state: "skipped", reason: "cooldown: at most 1 per 1d" });
    now += DAY;
    expect(r.onEvaluation(plan.monitors[0]!, fired)!.state).toBe("pending");
    await r.idle();
    expect(listTriggers(ws.registry.db).map((t) => t.state)).toEqual(["registered", "skipped", "registered"]);
  });

  it("a trigger while a retraining runs is skipped (already running)", async () => {
    answer({ hang: true });
    const r = retrainer();
    r.onEvaluation(plan.monitors[0]!, fired);
    await until(() => fs.existsSync(path.join(p.dir, "started")));
    now += 2 * DAY;
    const second = r.onEvaluation(plan.monitors[0]!, fired)!;
    expect(second.state).toBe("skipped");
    expect(second.reason).toMatch(/^already running: trigger 1 \(running\)$/);
    await r.stop();
    // stopping leaves it pending, for the next start to retry
    expect(listTriggers(ws.registry.db)[0]!.state).toBe("pending");
  });

  it("gate failed, run failed, no new version: each outcome is stored with its reason", async () => {
    answer({ summary: summary(1, "rejected"), exit: 3 });
    let r = retrainer();
    r.onEvaluation(plan.monitors[0]!, fired);
    await r.idle();
    expect(listTriggers(ws.registry.db)[0]).toMatchObject({ state: "rejected", reason: "gate failed: v1 rejected by its gates", exitCode: 3 });
    answer({ exit: 5, stderr: "mlspec: the source cannot be read" });
    now += 2 * DAY;
    r = retrainer();
    r.onEvaluation(plan.monitors[0]!, fired);
    await r.idle();
    expect(listTriggers(ws.registry.db)[1]).toMatchObject({ state: "failed", reason: "mlspec run exited 5: mlspec: the source cannot be read", exitCode: 5 });
    // v1 exists when the trigger is made and the run answers v1 again (same data, cached): unchanged
    ws.registry.db
      .prepare("INSERT INTO model_versions (name, version, status, metrics, reasons, artifact_sha256, spec_hash, data_hash, created_at) VALUES ('m', 1, 'registered', '{}', '[]', 'x', 's', 'd1', 0)")
      .run();
    answer({ summary: summary(1, "registered", "champion") });
    now += 2 * DAY;
    r = retrainer();
    r.onEvaluation(plan.monitors[0]!, fired);
    await r.idle();
    expect(listTriggers(ws.registry.db)[2]).toMatchObject({ state: "unchanged", reason: "no new version: v1 was already registered (same data and spec)", dataHash: "d1" });
  });

  it("a challenger (a rollout serves the model) calls the rollout hook", async () => {
    answer({ summary: summary(1, "registered", "challenger") });
    const events: ChallengerEvent[] = [];
    const r = retrainer({ onChallenger: (e) => void events.push(e) });
    r.onEvaluation(plan.monitors[0]!, fired);
    await r.idle();
    expect(events).toEqual([{ monitor: "watch", model: "m", version: 1, trigger: 1 }]);
  });

  it("kill -9 of the retraining: the trigger goes back to pending and is retried with --resume", async () => {
    answer({ hang: true }, { summary: summary(1, "registered", "champion") });
    const r = retrainer();
    r.onEvaluation(plan.monitors[0]!, fired);
    await until(() => fs.existsSync(path.join(p.dir, "started")));
    const running = listTriggers(ws.registry.db)[0]!;
    expect(running.state).toBe("running");
    process.kill(running.pid!, "SIGKILL");
    await until(() => listTriggers(ws.registry.db)[0]!.state === "registered");
    await r.idle();
    expect(calls().map((c) => c.includes("--resume"))).toEqual([false, true]);
    expect(listTriggers(ws.registry.db)[0]).toMatchObject({ state: "registered", attempts: 2, version: 1 });
    expect(log.some((l) => /ended by SIGKILL; it will be retried/.test(l))).toBe(true);
  });

  it("a running trigger whose process is gone (the monitor itself was killed) is retried by the next start", async () => {
    answer({ summary: summary(1, "registered", "champion") });
    ws.registry.db
      .prepare("INSERT INTO retrain_triggers (monitor, model, signals, firing_ids, at, state, attempts, pid, host) VALUES ('watch', 'm', '[]', '[]', ?, 'running', 1, 2147483646, ?)")
      .run(now, (await import("node:os")).hostname());
    const r = retrainer();
    r.reconcile();
    await r.idle();
    expect(listTriggers(ws.registry.db)[0]).toMatchObject({ state: "registered", attempts: 2 });
    expect(calls()[0]).toContain("--resume");
  });
});
