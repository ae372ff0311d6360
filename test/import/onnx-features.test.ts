/**
 * `inputs = my_features` + `import = onnx(...)`: the imported model reads the
 * features block's outputs, and the registered graph is the fitted pipeline
 * followed by the model, one graph over the raw columns. The references below
 * are the fixture models' own arithmetic (test/import/fixtures/generate.py),
 * written out here, on features computed here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { createServeApp } from "../../runtime/serve/http-server.js";
import { loadServing } from "../../runtime/serve/load-serving.js";
import { onnxBinaryCsv, removeTempDirs, run, tempDir } from "../projects.js";

afterAll(removeTempDirs);

const { onnx } = onnxProto;
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const clip = (x: number) => Math.min(1, Math.max(-1, x));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function binaryProject(features: string, modelFile: Uint8Array = fs.readFileSync(path.join(FIXTURES, "onnx-binary.onnx"))): { dir: string; spec: string } {
  const dir = tempDir("mlspec-import-features-");
  fs.writeFileSync(path.join(dir, "data.csv"), onnxBinaryCsv());
  fs.mkdirSync(path.join(dir, "models"));
  fs.writeFileSync(path.join(dir, "models", "legacy.onnx"), modelFile);
  fs.writeFileSync(
    path.join(dir, "spec.mlspec"),
    `mlspec 1
dataset d {
  source = csv("data.csv")
  label  = label
  split  = holdout(test = 25%, validation = 25%, seed = 3)
  contract {
    a : float
    b : float
    c : float
    label : bool
  }
}
features f from d {
${features}
}
model legacy {
  task    = binary_classification(target = label)
  inputs  = f
  import  = onnx("models/legacy.onnx")
  metrics = [auc, accuracy]
}
serve legacy_api {
  model = legacy@champion
  http(port = 0)
}
`,
  );
  return { dir, spec: path.join(dir, "spec.mlspec") };
}

function firstRows(file: string, n: number): number[][] {
  return fs.readFileSync(file, "utf8").trim().split("\n").slice(1, n + 1).map((l) => l.split(",").slice(0, -1).map(Number));
}

async function predictions(spec: string, serve: string, rows: Record<string, number>[]): Promise<Array<Record<string, unknown>>> {
  const serving = await loadServing(spec, { pollMs: 0 });
  const app = await createServeApp(serving);
  try {
    const res = await app.inject({ method: "POST", url: `/v1/${serve}/predict`, payload: { instances: rows } });
    expect(res.statusCode).toBe(200);
    return (JSON.parse(res.body) as { predictions: Array<Record<string, unknown>> }).predictions;
  } finally {
    await app.close();
    await serving.close();
  }
}

/** The model's ONNX bytes with its inputs renamed (as a converter would name them for the features). */
function renamedInputs(file: string, names: Record<string, string>): Uint8Array {
  const model = onnx.ModelProto.decode(fs.readFileSync(file));
  const g = model.graph!;
  const to = (t: string) => names[t] ?? t;
  for (const n of g.node ?? []) n.input = (n.input ?? []).map(to);
  for (const i of g.input ?? []) i.name = to(i.name ?? "");
  return onnx.ModelProto.encode(model).finish();
}

function withOpset(file: string, version: number): Uint8Array {
  const model = onnx.ModelProto.decode(fs.readFileSync(file));
  model.opsetImport = (model.opsetImport ?? []).map((o) => (o.domain ? o : { ...o, version }));
  return onnx.ModelProto.encode(model).finish();
}

describe("an imported ONNX model over the features block", () => {
  it("one [N, F] input: the registered graph is the pipeline then the model, and serving answers as the model on the features", async () => {
    // b is passed bare, a and c clipped: the model's [N, 3] input is (clip(a), b, clip(c))
    const p = binaryProject("  a_c = clip(a, -1, 1)\n  b_raw = b\n  c_c = clip(c, -1, 1)");
    const result = await run(p.spec);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/import_model:legacy .*inputs float_input over features `f` → probability/);
    expect(result.summary!.models[0]).toMatchObject({ model: "legacy", version: 1, status: "registered" });

    const rows = firstRows(path.join(FIXTURES, "onnx-binary.csv"), 40);
    expect(rows.some(([a, , c]) => Math.abs(a!) > 1 || Math.abs(c!) > 1)).toBe(true); // the clip matters
    const got = await predictions(p.spec, "legacy_api", rows.map(([a, b, c]) => ({ a: a!, b: b!, c: c! })));
    rows.forEach(([a, b, c], i) => {
      const want = sigmoid(1.5 * clip(a!) - 1.0 * b! + 0.5 * clip(c!) + 0.2);
      const probability = (got[i]!["probabilities"] as Record<string, number>)["true"]!;
      expect(Math.abs(probability - want)).toBeLessThanOrEqual(1e-5);
    });

    // one onnxruntime session over the raw columns: the stored graph's inputs are a, b, c
    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    try {
      const version = ws.registry.listVersions()[0]!;
      const bytes = ws.artifacts.get(version.artifactSha256);
      const session = await ort.InferenceSession.create(bytes);
      expect([...session.inputNames].sort()).toEqual(["a", "b", "c"]);
      await session.release();
    } finally {
      ws.close();
    }
  }, 60_000);

  it("one input per feature, named as the feature; a feature may be named as a column", async () => {
    const model = renamedInputs(path.join(FIXTURES, "onnx-binary.onnx"), {});
    // a per-feature model: three inputs a, b_c, c (feature names), concatenated inside as float_input was
    const decoded = onnx.ModelProto.decode(model);
    const g = decoded.graph!;
    g.input = ["a", "b_c", "c"].map((name) => onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: "N" }, { dimValue: 1 }] } } } }));
    g.node = [onnx.NodeProto.create({ name: "join", opType: "Concat", input: ["a", "b_c", "c"], output: ["float_input"], attribute: [onnx.AttributeProto.create({ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: 1 })] }), ...(g.node ?? [])];
    const p = binaryProject("  c = clip(c, -1, 1)\n  b_c = clip(b, -1, 1)\n  a = clip(a, -1, 1)", onnx.ModelProto.encode(decoded).finish());
    const result = await run(p.spec);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const rows = firstRows(path.join(FIXTURES, "onnx-binary.csv"), 40);
    const got = await predictions(p.spec, "legacy_api", rows.map(([a, b, c]) => ({ a: a!, b: b!, c: c! })));
    rows.forEach(([a, b, c], i) => {
      const want = sigmoid(1.5 * clip(a!) - 1.0 * clip(b!) + 0.5 * clip(c!) + 0.2);
      expect(Math.abs((got[i]!["probabilities"] as Record<string, number>)["true"]! - want)).toBeLessThanOrEqual(1e-5);
    });
  }, 60_000);

  it("the checker reads the model against the features: a width, an unknown input, an opset too old", () => {
    const check = (features: string, model: Uint8Array) =>
      compileFile(binaryProject(features, model).spec).diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
    const fixture = fs.readFileSync(path.join(FIXTURES, "onnx-binary.onnx"));
    expect(check("  a_c = clip(a, -1, 1)\n  b_raw = b\n  c_c = clip(c, -1, 1)", fixture)).toEqual([]);
    expect(check("  a_c = clip(a, -1, 1)\n  b_raw = b", fixture)).toEqual(["E0806"]);
    expect(check("  a_c = clip(a, -1, 1)\n  b_raw = b\n  c_c = clip(c, -1, 1)", withOpset(path.join(FIXTURES, "onnx-binary.onnx"), 12))).toEqual(["E0813"]);
    const twoInputs = renamedInputs(path.join(FIXTURES, "onnx-regression.onnx"), {});
    expect(check("  a_c = clip(a, -1, 1)", twoInputs)).toEqual(["E0810"]);
  });
});
