/**
 * `mlspec run` end to end for every task (binary, regression, multiclass,
 * recommendation) on small generated data: exit 0, a version registered as
 * @champion with its metrics and ONNX artifact, and the ONNX graph, loaded back
 * from the artifact store into onnxruntime, agreeing with the trained network's
 * JS forward pass on the validation rows.
 */
import * as path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { encodeOnnxInputs } from "../../runtime/export/onnx-inputs.js";
import { OUTPUT_NAMES } from "../../runtime/export/onnx.js";
import { applyPipeline } from "../../runtime/features/pipeline.js";
import { predictNetwork } from "../../runtime/model/forward.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import {
  binaryProject,
  cli,
  hasStack,
  multiclassProject,
  recommendationProject,
  regressionProject,
  removeTempDirs,
  run,
  type Project,
} from "./fixtures.js";
import { networkOfRun, pipelineOfRun, referenceSplit } from "./reference.js";

afterAll(removeTempDirs);

const cases: Array<{ task: "binary" | "regression" | "multiclass" | "recommendation"; model: string; metrics: string[]; make: () => Project }> = [
  { task: "binary", model: "m", metrics: ["auc", "accuracy"], make: () => binaryProject({ gates: ["auc >= 0.6"] }) },
  { task: "regression", model: "r", metrics: ["rmse", "r2"], make: () => regressionProject() },
  { task: "multiclass", model: "c", metrics: ["accuracy", "logloss"], make: () => multiclassProject() },
  { task: "recommendation", model: "mf", metrics: ["rmse", "ndcg@10"], make: () => recommendationProject() },
];

/** onnxruntime on the registered graph vs predictNetwork on the same validation rows. */
async function onnxParity(p: Project, task: (typeof cases)[number]["task"], model: string): Promise<{ rows: number; maxRelDiff: number }> {
  const ws = openWorkspace(path.join(p.dir, ".mlspec"));
  try {
    const version = ws.registry.resolve(model, "champion");
    const network = networkOfRun(ws, version.runId!);
    const pipeline = pipelineOfRun(ws, version.runId!);
    const { parts } = await referenceSplit(p.spec);
    const raw = parts.validation;
    const features = applyPipeline(pipeline, raw);
    const want = predictNetwork(network, features);

    const session = await ort.InferenceSession.create(ws.artifacts.get(version.artifactSha256));
    try {
      const used = pipeline.columns.filter((c) => session.inputNames.includes(c.name));
      expect(used.map((c) => c.name).sort()).toEqual([...session.inputNames].sort());
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(encodeOnnxInputs(used, raw))) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      const out = await session.run(feeds);
      const got = out[OUTPUT_NAMES[task]]!.data as Float32Array;
      expect(got.length).toBe(want.length);
      let maxRelDiff = 0;
      for (let i = 0; i < want.length; i++) maxRelDiff = Math.max(maxRelDiff, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
      return { rows: features.rows, maxRelDiff };
    } finally {
      await session.release();
    }
  } finally {
    ws.close();
  }
}

describe.each(cases)("mlspec run, $task", ({ task, model, metrics, make }) => {
  const p = make();

  it("registers a @champion with metrics and an ONNX artifact", async () => {
    const r = await run(p.spec);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const outcome = r.summary!.models.find((m) => m.model === model)!;
    expect(outcome.status).toBe("registered");
    expect(outcome.alias).toBe("champion");
    expect(outcome.version).toBe(1);
    expect(Object.keys(outcome).sort()).toEqual(["alias", "baseline", "cached", "epochs", "gate", "metrics", "model", "onnxSha", "runId", "status", "task", "trainMs", "version"]);

    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    try {
      const v = ws.registry.resolve(model, "champion");
      expect(v.version).toBe(1);
      expect(v.status).toBe("registered");
      for (const k of metrics) {
        expect(Number.isFinite(v.metrics[k])).toBe(true);
        expect(Number.isFinite(v.metrics[`val.${k}`])).toBe(true);
      }
      expect(v.artifactSha256).toBe(outcome.onnxSha);
      expect(ws.artifacts.verify(v.artifactSha256)).toBe("ok");
      // the version is the registry's: the artifact, exported before registering, does not claim one
      expect(ws.artifacts.meta(v.artifactSha256)).toEqual({ kind: "onnx", model });
    } finally {
      ws.close();
    }
  }, 30_000);

  it("exports a graph that matches the trained network on the validation rows to 1e-5", async () => {
    const { rows, maxRelDiff } = await onnxParity(p, task, model);
    expect(rows).toBeGreaterThan(0);
    expect(maxRelDiff).toBeLessThanOrEqual(1e-5);
  }, 30_000);
});

describe("listings", () => {
  it("`models list --format json` gives exactly {name, version, aliases, status, metrics, artifactSha256, createdAt}", async () => {
    const p = binaryProject({ gates: ["auc >= 0.6"] });
    expect((await run(p.spec)).exitCode).toBe(0);
    const r = await cli(["models", "list", "--format", "json", "-w", path.join(p.dir, ".mlspec")]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const listed = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(listed).toHaveLength(1);
    const entry = listed[0]!;
    expect(Object.keys(entry).sort()).toEqual(["aliases", "artifactSha256", "beatsBaseline", "createdAt", "metrics", "name", "status", "version"]);
    expect(entry).toMatchObject({ name: "m", version: 1, aliases: ["champion"], status: "registered" });
    expect(entry.artifactSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(new Date(String(entry.createdAt)).toISOString()).toBe(entry.createdAt);
    expect(Object.keys(entry.metrics as object).sort()).toEqual(["accuracy", "auc", "val.accuracy", "val.auc"]);

    const show = await cli(["models", "show", "m@champion", "-w", path.join(p.dir, ".mlspec")]);
    expect(show.status).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ name: "m", version: 1, aliases: ["champion"], artifactSha256: entry.artifactSha256 });
    const alias = await cli(["models", "alias", "m@1", "best", "-w", path.join(p.dir, ".mlspec")]);
    expect([alias.status, alias.stdout]).toEqual([0, "m@best → v1 (new alias)\n"]);
    const yaml = await cli(["models", "list", "--format", "yaml", "-w", path.join(p.dir, ".mlspec")]);
    expect(yaml.status).toBe(2);
    expect(yaml.stderr).toMatch(/argument 'yaml' is invalid\. Allowed choices are table, json/);
    const missing = await cli(["models", "show", "m@7", "-w", path.join(p.dir, ".mlspec")]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/^mlspec: /);
    expect(hasStack(missing.stderr)).toBe(false);
  }, 60_000);
});
