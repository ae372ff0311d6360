/**
 * The loop beside `mlspec serve` (both controllers, as besideServers() joins them): the
 * monitor finds drift in the prediction log, retrains with a real `mlspec run` in a child
 * process (the source gained rows, a new data hash), the new version registers as
 * challenger, the rollout controller is called at once and starts the canary, the server
 * routes to it, and the canary promotes it with the rollout as the alias mover. Timers
 * fire when the test says so; the controllers' clock is real time plus an offset the test
 * advances (log rows moved onto it), so nothing waits for an interval — only for the child.
 * A challenger registered afterwards by a plain `mlspec run` starts the next rollout at the
 * controller's next pass.
 */
import * as fs from "node:fs";
import { EventEmitter } from "node:events";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Rng } from "../../core/rng.js";
import { listTriggers } from "../../runtime/monitor/retrain-store.js";
import { besideServers } from "../../runtime/serve/beside-servers.js";
import { runServeCommand } from "../../bin/commands/serve-command.js";
import { openWorkspace, type Workspace } from "../../runtime/workspace/workspace.js";
import type { RolloutDoc } from "../../stdlib/rollout/shared/rollout-types.js";
import { binaryCsv, binaryRows, binarySpec, buildCli, removeTempDirs, run, writeProject, type Project } from "../run/fixtures.js";

const MIN = 60_000;
const SPEC =
  binarySpec() +
  `
serve api {
  model = m@champion
  http(port = 8080)
}

rollout api_rollout for api {
  canary(steps = [50%, 100%], interval = 10m, min_samples = 20)
  guard { error_rate < 1% }
}

monitor watch for api {
  drift(features = all, window = 1h, min_samples = 100)
  retrain when drift, at most 1 per 1d, using m
}
`;

/** Timers that fire only when the test says so. */
function manualTimers() {
  const pending: Array<{ fn: () => void; id: number }> = [];
  let next = 1;
  return {
    pending,
    timers: {
      setTimeout: (fn: () => void) => (pending.push({ fn, id: next }), next++),
      clearTimeout: (h: unknown) => {
        const i = pending.findIndex((t) => t.id === h);
        if (i >= 0) pending.splice(i, 1);
      },
    },
    fire: () => pending.shift()!.fn(),
  };
}

async function until(what: string, cond: () => boolean, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

let p: Project;
let cli: string;
beforeAll(async () => {
  p = writeProject(SPEC, binaryCsv(600));
  expect((await run(p.spec)).exitCode).toBe(0);
  cli = await buildCli();
}, 180_000);
afterAll(removeTempDirs);

describe("the monitor's retraining starts the rollout beside mlspec serve", () => {
  it("drift → retrain (child mlspec run) → challenger → canary → promoted", async () => {
    let offset = 0;
    const clock = () => Date.now() + offset;
    const ws: Workspace = openWorkspace(path.join(p.dir, ".mlspec"));
    const db = ws.registry.db;
    // the last half hour of the log: x2 shifted by +1.5
    const log = ws.registry.predictionLog({ maxRows: 10_000 });
    const start = Date.now() - 30 * MIN;
    binaryRows(300, 8).forEach((r, i) =>
      log.log({ requestId: `old-${i}`, time: start + i * 5000, serve: "api", model: "m", version: 1, inputs: { id: r[0], x1: r[1], x2: r[2] + 1.5, color: r[3] }, output: { prediction: true, probabilities: { false: 0.4, true: 0.6 } }, latencyMs: 1 }),
    );
    log.close();
    // new labelled rows have reached the source: the retraining reads a new data hash
    fs.appendFileSync(p.data, binaryRows(300, 9).map((r, i) => [`new${i}`, r[1], r[2], r[3], r[4]].join(",")).join("\n") + "\n");

    const monitorTimers = manualTimers();
    const rolloutTimers = manualTimers();
    const out: string[] = [];
    const err: string[] = [];
    const signals = new EventEmitter();
    const rng = new Rng(5);
    const serving = runServeCommand(
      p.spec,
      {
        port: 0,
        host: "127.0.0.1",
        pollMs: 0,
        clock,
        random: () => rng.next(),
        besideServers: besideServers({
          rollouts: { timers: rolloutTimers.timers, holder: "test" },
          monitor: { timers: monitorTimers.timers, retrain: { cli: { node: process.execPath, script: cli }, runFlags: ["--backend", "cpu"] } },
        }),
      },
      { out: (l) => out.push(l), err: (l) => err.push(l), signals },
    );
    const state = () => ws.registry.getRolloutState<RolloutDoc>("api_rollout")?.state;
    try {
      await until("listening", () => out.some((l) => l.startsWith("listening on ")) && monitorTimers.pending.length === 1);
      const url = out.find((l) => l.startsWith("listening on "))!.slice("listening on ".length);
      expect(state()).toBeUndefined(); // no challenger yet: nothing to roll out

      // the monitor's first evaluation: x2 drifted → a trigger → `mlspec run` in a child
      monitorTimers.fire();
      await until("the retraining", () => ["registered", "failed", "rejected", "unchanged"].includes(listTriggers(db)[0]?.state ?? ""));
      expect(listTriggers(db)[0]).toMatchObject({ monitor: "watch", model: "m", state: "registered", version: 2, alias: "challenger", signals: ["drift #1"] });
      // the hook reconciles at once: the canary starts on v2 without waiting for a pass
      await until("the rollout to start", () => state() !== undefined);
      expect(state()).toMatchObject({ phase: "progressing", step: 0, candidate: { model: "m", version: 2 }, current: { model: "m", version: 1 }, weights: { candidate: 0.5, current: 0.5 } });
      expect(err).toContain("rollouts: m@2 registered as challenger by monitor watch's retraining; reconciling now");

      const traffic = async (seed: number, n: number): Promise<Array<{ arm: string; version: number }>> => {
        const before = (db.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM predictions").get() as { id: number }).id;
        const answers = await Promise.all(binaryRows(n, seed).map((r, i) => post(`${url}/v1/api/predict`, { id: `q${seed}-${i}`, x1: r[1], x2: r[2], color: r[3] })));
        expect(answers.every((a) => a.status === 200)).toBe(true);
        // the feedback route flushes the prediction log; its rows then move onto the controllers' clock
        expect((await post(`${url}/v1/api/feedback`, { feedback: answers.map((a, i) => ({ request_id: a.body.requestId, outcome: i % 2 === 0 })) })).status).toBe(200);
        db.prepare("UPDATE predictions SET at = at + ? WHERE id > ?").run(offset, before);
        return answers.map((a) => ({ arm: a.body.arm as string, version: a.body.model.version as number }));
      };
      const first = await traffic(3, 80);
      const onCandidate = first.filter((a) => a.arm === "candidate");
      expect(onCandidate.length).toBeGreaterThan(20);
      expect(onCandidate.every((a) => a.version === 2)).toBe(true);
      expect(first.filter((a) => a.arm === "current").every((a) => a.version === 1)).toBe(true);

      const pass = async (to: string) => {
        offset += 10 * MIN;
        rolloutTimers.fire();
        await until(to, () => state()!.phase !== "progressing" || state()!.step === 1);
      };
      await pass("step 2");
      expect(state()).toMatchObject({ phase: "progressing", step: 1, weights: { candidate: 1, current: 0 } });
      const second = await traffic(4, 40);
      expect(second.every((a) => a.arm === "candidate" && a.version === 2)).toBe(true);
      offset += 10 * MIN;
      rolloutTimers.fire();
      await until("the promotion", () => state()!.phase === "promoted");
      expect(ws.registry.resolve("m", "champion").version).toBe(2);
      expect(ws.registry.aliasHistory("m", "champion").at(-1)).toMatchObject({ toVersion: 2, movedBy: "rollout api_rollout" });
      expect(ws.registry.listRolloutEvents("api_rollout").map((e) => e.toState)).toEqual(["progressing(step 1/2)", "progressing(step 2/2)", "promoted"]);

      // a challenger registered by anything else (`mlspec run` from a shell) starts the next rollout at the next pass
      fs.appendFileSync(p.data, binaryRows(100, 10).map((r, i) => [`newer${i}`, r[1], r[2], r[3], r[4]].join(",")).join("\n") + "\n");
      const again = await run(p.spec);
      expect(again.summary!.models[0]).toMatchObject({ version: 3, alias: "challenger" });
      expect(state()!.phase).toBe("promoted");
      rolloutTimers.fire();
      await until("the next rollout", () => state()!.phase === "progressing");
      expect(state()).toMatchObject({ step: 0, candidate: { model: "m", version: 3 }, current: { model: "m", version: 2 } });
    } finally {
      signals.emit("SIGTERM");
      expect(await serving).toBe(0);
      ws.close();
    }
    expect(monitorTimers.pending).toEqual([]);
    expect(rolloutTimers.pending).toEqual([]);
  }, 180_000);
});
