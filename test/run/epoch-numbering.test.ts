/**
 * One epoch numbering, from 1, everywhere a user reads an epoch (issue 8, item 5):
 * the epoch lines, the early-stop summary's best epoch, and the registry's epochs
 * and checkpoints (the resume message reads those; see crash-resume.test.ts).
 */
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { binaryCsv, binarySpec, removeTempDirs, run, writeProject } from "./fixtures.js";

afterAll(removeTempDirs);

describe("epoch numbering", () => {
  it("numbers epochs from 1 in the log, the early-stop summary and the registry alike", async () => {
    const spec = binarySpec({ epochs: 40, lr: "5e-2" }).replace("seed = 1 }", "seed = 1 early_stop(val.auc, patience = 3) }");
    const p = writeProject(spec, binaryCsv(300, 4));
    // --verbose: a line for every epoch (off a terminal the default is every 10%)
    const r = await run(p.spec, { cache: false, verbose: true });
    expect(r.exitCode, r.stderr).toBe(0);

    const lines = [...r.stdout.matchAll(/^ {2}m epoch (\d+)\/40 .*val\.auc (\S+)/gm)].map((m) => ({ epoch: Number(m[1]), auc: Number(m[2]) }));
    const summary = /^train:m\s+(\d+) epochs in .*early stop \(best epoch (\d+)\)$/m.exec(r.stdout);
    expect(summary, r.stdout).not.toBeNull();
    const trained = Number(summary![1]);
    const bestEpoch = Number(summary![2]);
    expect(lines.map((l) => l.epoch)).toEqual(Array.from({ length: trained }, (_, i) => i + 1));
    // the best epoch is the line with the best val.auc (the first of equals), patience epochs before the last
    const best = Math.max(...lines.map((l) => l.auc));
    expect(bestEpoch).toBe(lines.find((l) => l.auc === best)!.epoch);
    expect(bestEpoch).toBe(trained - 3);

    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    try {
      const id = ws.registry.listRuns({ kind: "train" })[0]!.id;
      const record = ws.registry.getRun(id);
      expect(record.epochs.map((e) => e.epoch)).toEqual(lines.map((l) => l.epoch));
      expect(ws.registry.lastCheckpoint(id)!.epoch).toBe(trained);
      expect(record.epochs.find((e) => e.epoch === bestEpoch)!.metrics["val.auc"]).toBeCloseTo(best, 4);
    } finally {
      ws.close();
    }
  }, 60_000);
});
