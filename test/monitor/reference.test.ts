/**
 * `mlspec run` stores with every version its monitoring reference: a seeded uniform
 * sample of the training rows (REFERENCE_ROWS at most) and the model's predictions on
 * them, as an artifact the version points to (monitoring_references).
 */
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { applyPipeline } from "../../runtime/features/pipeline.js";
import { predictNetwork } from "../../runtime/model/forward.js";
import { monitoringReferenceSha } from "../../runtime/monitor/monitor-store.js";
import { loggedPredictionValue, REFERENCE_ROWS, sampleIndices, type MonitoringReference } from "../../runtime/monitor/reference.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { binaryProject, multiclassProject, removeTempDirs, run } from "../run/fixtures.js";
import { networkOfRun, pipelineOfRun, referenceSplit } from "../run/reference.js";

afterAll(removeTempDirs);

describe("sampleIndices", () => {
  it("draws min(n, size) distinct indices in range, ascending, the same for the same seed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 600 }), fc.integer(), (n, size, seed) => {
        const idx = sampleIndices(n, size, seed);
        expect(idx).toHaveLength(Math.min(n, size));
        expect(new Set(idx).size).toBe(idx.length);
        expect(idx.every((i, k) => i >= 0 && i < n && (k === 0 || i > idx[k - 1]!))).toBe(true);
        expect(sampleIndices(n, size, seed)).toEqual(idx);
      }),
    );
  });

  it("is uniform: every index is drawn about size/n of the time", () => {
    const counts = new Array<number>(20).fill(0);
    for (let seed = 0; seed < 2000; seed++) for (const i of sampleIndices(20, 5, seed)) counts[i]!++;
    // each index: Binomial(2000, 1/4), mean 500, sd ~19.4; 5 sd either side
    for (const c of counts) expect(Math.abs(c - 500)).toBeLessThan(97);
  });
});

function storedReference(dir: string, model: string): { reference: MonitoringReference; sha: string; meta: unknown; runId: number | null } {
  const ws = openWorkspace(path.join(dir, ".mlspec"));
  try {
    const v = ws.registry.resolve(model, "champion");
    const sha = monitoringReferenceSha(ws.registry.db, model, v.version)!;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    expect(ws.artifacts.verify(sha)).toBe("ok");
    return { reference: ws.artifacts.getJson(sha) as MonitoringReference, sha, meta: ws.artifacts.meta(sha), runId: v.runId };
  } finally {
    ws.close();
  }
}

describe("mlspec run stores a monitoring reference with the version", () => {
  it("binary: the sampled training rows and the positive class's probability on each", async () => {
    const p = binaryProject({ rows: 400 });
    expect((await run(p.spec)).exitCode).toBe(0);
    const { reference, meta, runId } = storedReference(p.dir, "m");
    expect(meta).toMatchObject({ kind: "monitoring_reference", model: "m", version: 1 });
    const { parts } = await referenceSplit(p.spec);
    const trainRows = parts.train.id!.length;
    expect(reference.trainRows).toBe(trainRows);
    expect(reference.prediction.values).toHaveLength(Math.min(trainRows, REFERENCE_ROWS));
    expect(Object.keys(reference.columns).sort()).toEqual(["color", "id", "x1", "x2"]);
    expect(reference.prediction.track).toEqual({ kind: "numeric", what: "probability", positive: "true" });

    // every training row is in the sample (400 rows < REFERENCE_ROWS), matched by id: the
    // independent reference need not list the rows in the runtime's order
    expect(sampleIndices(trainRows, REFERENCE_ROWS, reference.seed)).toHaveLength(trainRows);
    const ids = reference.columns.id as unknown[];
    expect([...ids].map(String).sort()).toEqual([...parts.train.id!].map(String).sort());
    const at = new Map(parts.train.id!.map((id, i) => [String(id), i]));
    const idx = ids.map((id) => at.get(String(id))!);
    expect(reference.columns.x1).toEqual(idx.map((i) => parts.train.x1![i]));
    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    try {
      const sampled = Object.fromEntries(Object.entries(parts.train).map(([k, v]) => [k, idx.map((i) => v[i]!)]));
      const want = predictNetwork(networkOfRun(ws, runId!), applyPipeline(pipelineOfRun(ws, runId!), sampled));
      reference.prediction.values.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    } finally {
      ws.close();
    }
    // what serve logs for a binary answer reads back as the same kind of value
    expect(loggedPredictionValue(reference.prediction.track, { prediction: true, probabilities: { false: 0.25, true: 0.75 } })).toBe(0.75);

    // the same data and spec in another folder give the same reference, byte for byte
    const q = binaryProject({ rows: 400 });
    expect((await run(q.spec)).exitCode).toBe(0);
    expect(storedReference(q.dir, "m").sha).toBe(storedReference(p.dir, "m").sha);
  }, 60_000);

  it("multiclass: the predicted class", async () => {
    const p = multiclassProject();
    expect((await run(p.spec)).exitCode).toBe(0);
    const { reference } = storedReference(p.dir, "c");
    expect(reference.prediction.track).toEqual({ kind: "categorical", what: "class" });
    expect(reference.prediction.values.every((v) => typeof v === "string")).toBe(true);
    expect(loggedPredictionValue(reference.prediction.track, { prediction: "b", probabilities: { a: 0.1, b: 0.9 } })).toBe("b");
  }, 60_000);
});
