/**
 * Reproducibility and the step cache: the same spec, data, seed and backend in
 * two fresh workspaces give the same plan hash and the same ONNX bytes; an
 * unchanged spec reuses its training ("cached"), `--no-cache` retrains to the
 * same weights; `runs list --format json` records what a run needs to be redone.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { printRuns } from "../../bin/commands/list-commands.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { binaryProject, binarySpec, binaryCsv, capture, removeTempDirs, run, tempDir, writeProject } from "./fixtures.js";
import { networkOfRun, planOfFile } from "./reference.js";
import { encodeNetwork } from "../../runtime/run/network-codec.js";

afterAll(removeTempDirs);

describe("reproducible runs", () => {
  it.each(["cpu", "wasm"])("gives identical ONNX bytes and plan hash in two fresh workspaces (backend %s)", async (backend) => {
    // two separate project folders with the same files
    const a = writeProject(binarySpec({ epochs: 3 }), binaryCsv());
    const b = writeProject(fs.readFileSync(a.spec, "utf8"), fs.readFileSync(a.data), tempDir());
    const ra = await run(a.spec, { backend });
    const rb = await run(b.spec, { backend });
    expect(ra.summary!.backend).toBe(backend);
    expect([ra.exitCode, rb.exitCode]).toEqual([0, 0]);
    expect(ra.summary!.specHash).toBe(rb.summary!.specHash);
    expect(planOfFile(a.spec).specHash).toBe(ra.summary!.specHash);
    expect(JSON.stringify(planOfFile(a.spec))).toBe(JSON.stringify(planOfFile(b.spec)));
    expect(ra.summary!.datasets[0]!.dataHash).toBe(rb.summary!.datasets[0]!.dataHash);
    const [ma, mb] = [ra.summary!.models[0]!, rb.summary!.models[0]!];
    expect(ma.onnxSha).toMatch(/^[0-9a-f]{64}$/);
    expect(ma.onnxSha).toBe(mb.onnxSha);
    expect(ma.metrics).toEqual(mb.metrics);
    const wa = openWorkspace(path.join(a.dir, ".mlspec"));
    const wb = openWorkspace(path.join(b.dir, ".mlspec"));
    try {
      expect(wa.artifacts.get(ma.onnxSha!).equals(wb.artifacts.get(mb.onnxSha!))).toBe(true);
    } finally {
      wa.close();
      wb.close();
    }
  }, 30_000);

  it("reuses an unchanged training from the step cache, and --no-cache retrains to the same weights", async () => {
    const p = binaryProject({ epochs: 3 });
    const first = await run(p.spec);
    expect(first.exitCode).toBe(0);
    expect(first.summary!.models[0]!.cached).toBe(false);
    expect(first.stdout).not.toMatch(/cached/);

    const second = await run(p.spec);
    expect(second.exitCode).toBe(0);
    expect(second.summary!.models[0]!.cached).toBe(true);
    expect(second.stdout).toMatch(/^train:m\s+cached/m);
    expect(second.stdout).not.toMatch(/epoch 1\/3/);
    expect(second.summary!.models[0]!.metrics).toEqual(first.summary!.models[0]!.metrics);

    const third = await run(p.spec, { cache: false });
    expect(third.exitCode).toBe(0);
    expect(third.summary!.models[0]!.cached).toBe(false);
    expect(third.stdout).toMatch(/epoch 3\/3/);
    expect(third.stdout).not.toMatch(/^train:m\s+cached/m);
    expect(third.summary!.models[0]!.metrics).toEqual(first.summary!.models[0]!.metrics);

    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    try {
      const runs = [first, second, third].map((r) => r.summary!.models[0]!.runId);
      expect(new Set(runs).size).toBe(3);
      expect(ws.registry.getRun(runs[1]!).params.cachedFrom).toMatch(/^[0-9a-f]{64}$/);
      // the retrained weights are byte-identical: the content-addressed store holds one network
      const networks = ws.artifacts.list().filter((sha) => ws.artifacts.meta(sha)?.kind === "network");
      expect(networks).toHaveLength(1);
      expect(JSON.stringify(encodeNetwork(networkOfRun(ws, runs[2]!)))).toBe(JSON.stringify(encodeNetwork(networkOfRun(ws, runs[0]!))));
      // each run is a version of its own; a model no endpoint serves makes its newest passing version the champion
      expect(ws.registry.listVersions("m").map((v) => v.version)).toEqual([1, 2, 3]);
      expect(ws.registry.resolve("m", "champion").version).toBe(3);
    } finally {
      ws.close();
    }
  }, 30_000);

  it("`runs list --format json` records params, per-epoch metrics, backend, spec hash, data hash and seed", async () => {
    const p = binaryProject({ epochs: 3, seed: 7 });
    const r = await run(p.spec);
    expect(r.exitCode).toBe(0);
    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    let listed: Array<Record<string, unknown>>;
    try {
      listed = JSON.parse((await capture(async () => printRuns(ws, { format: "json" }))).stdout) as Array<Record<string, unknown>>;
    } finally {
      ws.close();
    }
    expect(listed).toHaveLength(1);
    const record = listed[0]!;
    expect(record).toMatchObject({
      kind: "train",
      modelName: "m",
      state: "complete",
      backend: "cpu",
      seed: 7,
      specHash: r.summary!.specHash,
      dataHash: r.summary!.datasets[0]!.dataHash,
    });
    const params = record.params as Record<string, unknown>;
    expect(params).toMatchObject({
      arch: { kind: "mlp", params: { hidden: [8], activation: "relu" } },
      train: { epochs: 3, batchSize: 32, seed: 7, optimizer: { kind: "adam", params: { lr: 0.01 } } },
      features: "f",
    });
    const epochs = record.epochs as Array<{ epoch: number; metrics: Record<string, number> }>;
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    for (const e of epochs) {
      for (const k of ["loss", "val.loss", "val.auc", "val.accuracy"]) expect(Number.isFinite(e.metrics[k])).toBe(true);
    }
    expect(record.metrics).toEqual(r.summary!.models[0]!.metrics);
  }, 30_000);
});
