/**
 * Retraining end to end with the real `mlspec run` in a child process: new rows in the
 * dataset's source, a trigger, the child killed with SIGKILL while it trains, the trigger
 * retried (the run resumed), a new version with a new data hash as champion — and the
 * workspace consistent throughout (integrity, foreign keys, every version with its
 * monitoring reference, the champion a registered version).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listTriggers } from "../../runtime/monitor/retrain-store.js";
import { Retrainer } from "../../runtime/monitor/retrainer.js";
import { planForServing } from "../../runtime/serve/serve-plan.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { binaryCsv, binarySpec, buildCli, removeTempDirs, run, writeProject } from "../run/fixtures.js";

afterAll(removeTempDirs);

const SPEC =
  binarySpec({ epochs: 60 }) +
  `
serve api {
  model = m@champion
}

monitor watch for api {
  drift(features = all)
  retrain when drift, at most 2 per 1d
}
`;

async function until(cond: () => boolean, what: string, limitMs = 240_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("retraining killed with SIGKILL", () => {
  it("is retried, registers a version of the new data, and leaves the workspace consistent", async () => {
    const p = writeProject(SPEC, binaryCsv(600));
    expect((await run(p.spec, { quiet: true })).exitCode).toBe(0);
    // new rows arrive in the source: the retraining must read them (a new data hash)
    const more = binaryCsv(900, 5).split("\n").slice(1).map((l) => l.replace(/^r/, "n")).join("\n");
    fs.appendFileSync(path.join(p.dir, "data.csv"), more);

    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    const db = ws.registry.db;
    const log: string[] = [];
    try {
      const v1 = ws.registry.resolve("m", "champion");
      const plan = planForServing(p.spec);
      const r = new Retrainer({ db, plan, specPath: p.spec, clock: () => Date.parse("2026-12-03T10:00:00Z"), log: (l) => log.push(l), cli: { node: process.execPath, script: await buildCli() } });
      const t = r.onEvaluation(plan.monitors[0]!, { drift: ["drift #1"], performance: [], firingIds: [] })!;
      expect(t.state).toBe("pending");

      // kill the child once its training run is under way
      const childPid = () => listTriggers(db)[0]!.pid;
      await until(() => {
        const pid = childPid();
        return pid !== null && db.prepare("SELECT 1 FROM runs WHERE pid = ? AND state = 'running' AND kind = 'train'").get(pid) !== undefined;
      }, "the retraining's training run");
      const killed = childPid()!;
      process.kill(killed, "SIGKILL");

      await until(() => ["registered", "rejected", "failed", "unchanged"].includes(listTriggers(db)[0]!.state), "the retried retraining");
      await r.idle();
      const done = listTriggers(db)[0]!;
      expect(done.state, done.reason ?? "").toBe("registered");
      expect(done.attempts).toBe(2);
      expect(log.some((l) => l.includes("ended by SIGKILL"))).toBe(true);

      const v2 = ws.registry.resolve("m", "champion");
      expect(v2.version).toBe(done.version);
      expect(v2.version).toBeGreaterThan(v1.version);
      expect(done.dataHash).not.toBe(v1.dataHash);

      expect(db.prepare("PRAGMA integrity_check").all()).toEqual([{ integrity_check: "ok" }]);
      expect(db.prepare("PRAGMA foreign_key_check").all()).toEqual([]);
      const withoutReference = db.prepare("SELECT v.version FROM model_versions v LEFT JOIN monitoring_references r ON r.name = v.name AND r.version = v.version WHERE r.version IS NULL").all();
      expect(withoutReference).toEqual([]);
      // the killed process's run reads as interrupted (or was resumed to completion); nothing claims to run
      const states = ws.registry.listRuns().map((x) => x.state);
      expect(states).not.toContain("running");
      expect(ws.registry.listRuns().find((x) => x.pid === killed)?.state ?? "complete").toMatch(/^(interrupted|complete)$/);
    } finally {
      ws.close();
    }
  }, 600_000);
});
