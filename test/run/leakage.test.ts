/**
 * No leakage (DESIGN.md, non-negotiables): feature statistics are fitted on the
 * training split only. The split depends on row numbers and the seed, not on
 * values, so extreme values written into exactly the validation and test rows
 * leave the split unchanged; the fitted pipeline must not move at all, and its
 * standardize mean and std must be the training rows' own.
 */
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { StandardizeState } from "../../stdlib/transforms/standardize.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { BINARY_HEADER, binaryRows, binarySpec, csvOf, multiclassProject, removeTempDirs, run, writeProject } from "./fixtures.js";
import { pipelineOfRun, referenceSplit } from "./reference.js";

afterAll(removeTempDirs);

function populationStats(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length) };
}

function fittedPipelineOf(dir: string, runId: number) {
  const ws = openWorkspace(path.join(dir, ".mlspec"));
  try {
    return pipelineOfRun(ws, runId);
  } finally {
    ws.close();
  }
}

describe("features are fitted on the training split only", () => {
  it("extreme values in validation and test rows change no fitted statistic", async () => {
    const spec = binarySpec({ epochs: 1 });
    const rows = binaryRows(300);
    const clean = writeProject(spec, csvOf(BINARY_HEADER, rows));
    const before = await referenceSplit(clean.spec);
    const heldOut = new Set([...before.parts.validation.id!, ...before.parts.test.id!].map(String));
    expect(heldOut.size).toBe(120);

    // x2 is an unbounded float: 1e6 passes the contract, and would dominate any mean it reached
    const poisoned = rows.map(([id, x1, x2, color, label]) => [id, x1, heldOut.has(id) ? 1e6 : x2, color, label] as const);
    const dirty = writeProject(spec, csvOf(BINARY_HEADER, poisoned.map((r) => [...r])));
    const after = await referenceSplit(dirty.spec);
    for (const part of ["train", "validation", "test"] as const) expect(after.rowNumbers[part]).toEqual(before.rowNumbers[part]);
    expect(after.parts.train.x2).toEqual(before.parts.train.x2);
    expect(after.parts.test.x2!.every((v) => v === 1e6)).toBe(true);

    const a = await run(clean.spec);
    const b = await run(dirty.spec);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    const pa = fittedPipelineOf(clean.dir, a.summary!.models[0]!.runId);
    const pb = fittedPipelineOf(dirty.dir, b.summary!.models[0]!.runId);
    expect(JSON.stringify(pb)).toBe(JSON.stringify(pa));

    // and those statistics are the training rows' own
    const x2z = pb.features.find((f) => f.name === "x2z")!;
    const state = x2z.stages[0]!.state as StandardizeState;
    const train = populationStats((after.parts.train.x2 as number[]).map(Number));
    const all = populationStats(poisoned.map((r) => Number(r[2])));
    expect(state.mean[0]).toBeCloseTo(train.mean, 5);
    expect(state.scale[0]).toBeCloseTo(train.std, 5);
    expect(Math.abs(all.mean - train.mean)).toBeGreaterThan(1e5);
  }, 30_000);

  it("a category seen only outside training gets no column of its own", async () => {
    const spec = binarySpec({ epochs: 1, features: "  x1z = standardize(x1)\n  idh = onehot(id)" });
    const p = writeProject(spec, csvOf(BINARY_HEADER, binaryRows(300)));
    const { parts } = await referenceSplit(p.spec);
    const r = await run(p.spec);
    expect(r.exitCode).toBe(0);
    const pipeline = fittedPipelineOf(p.dir, r.summary!.models[0]!.runId);
    // ids are unique: the fitted vocabulary is exactly the training ids
    const vocabulary = (pipeline.features.find((f) => f.name === "idh")!.stages[0]!.state as { vocabulary: { values: string[] } }).vocabulary.values;
    expect(new Set(vocabulary.map(String))).toEqual(new Set(parts.train.id!.map(String)));
    expect(pipeline.featureNames.filter((n) => n.startsWith("idh="))).toHaveLength(parts.train.id!.length + 1);
    for (const id of [...parts.validation.id!, ...parts.test.id!]) expect(vocabulary).not.toContain(id);
  }, 30_000);

  it("a stratified split trains on the rows the independent reference puts in train", async () => {
    const p = multiclassProject(301);
    const { parts, split } = await referenceSplit(p.spec);
    // 301 rows in classes of 101, 100, 100: 20% gives 60.2 → 60 test rows, not 20 + 20 + 20 + 1
    expect([split.test.length, split.validation.length, split.train.length]).toEqual([60, 60, 181]);
    const r = await run(p.spec);
    expect(r.exitCode).toBe(0);
    expect(r.summary!.datasets[0]).toMatchObject({ split: { train: 181, validation: 60, test: 60 } });
    const pipeline = fittedPipelineOf(p.dir, r.summary!.models[0]!.runId);
    const state = pipeline.features.find((f) => f.name === "x1z")!.stages[0]!.state as StandardizeState;
    const train = populationStats((parts.train.x1 as number[]).map(Number));
    expect(state.mean[0]).toBeCloseTo(train.mean, 6);
    expect(state.scale[0]).toBeCloseTo(train.std, 6);
  }, 30_000);
});
