/**
 * `import = onnx(...)` through `mlspec run`: the wrapped model is evaluated,
 * gated, exported and registered; served, it answers as the model itself does.
 * A malformed file is a check error (E0802): the run stops with exit 5 (a
 * model that cannot be imported, as at run time) and registers nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import onnxProto from "onnx-proto";
import { afterAll, describe, expect, it } from "vitest";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { showVersion } from "../../bin/commands/list-commands.js";
import { createServeApp } from "../../runtime/serve/http-server.js";
import { loadServing } from "../../runtime/serve/load-serving.js";
import { onnxBinaryCsv, removeTempDirs, run, tempDir } from "../projects.js";

afterAll(removeTempDirs);

function withOpset(bytes: Buffer, version: number): Uint8Array {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  model.opsetImport = (model.opsetImport ?? []).map((o) => (o.domain ? o : { ...o, version }));
  return onnxProto.onnx.ModelProto.encode(model).finish();
}

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

function onnxProject(): { dir: string; spec: string } {
  const dir = tempDir("mlspec-import-onnx-");
  fs.writeFileSync(path.join(dir, "data.csv"), onnxBinaryCsv());
  fs.mkdirSync(path.join(dir, "models"));
  fs.copyFileSync(path.join(FIXTURES, "onnx-binary.onnx"), path.join(dir, "models", "legacy.onnx"));
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
model legacy {
  task    = binary_classification(target = label)
  inputs  = columns(d)
  import  = onnx("models/legacy.onnx")
  metrics = [auc, accuracy]
  require auc >= 0.7
}
serve legacy_api {
  model = legacy@champion
  http(port = 0)
}
`,
  );
  return { dir, spec: path.join(dir, "spec.mlspec") };
}

describe("mlspec run with an imported ONNX model", () => {
  it("registers a version with lineage, and mlspec serve answers as the model does", async () => {
    const p = onnxProject();
    const result = await run(p.spec);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/import_model:legacy .*onnx from generate\.py, opset 15: inputs float_input → probability/);
    expect(result.summary!.models[0]).toMatchObject({ model: "legacy", version: 1, status: "registered", alias: "champion" });
    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    try {
      expect(showVersion(ws, "legacy", 1).lineage).toMatchObject({ imported_from: "models/legacy.onnx", format: "onnx", producer: "generate.py", opset: "15" });
    } finally {
      ws.close();
    }
    const serving = await loadServing(p.spec, { pollMs: 0 });
    const app = await createServeApp(serving);
    try {
      const want = (JSON.parse(fs.readFileSync(path.join(FIXTURES, "onnx-binary.expected.json"), "utf8")) as { predict: number[] }).predict;
      const [a, b, c] = fs.readFileSync(path.join(FIXTURES, "onnx-binary.csv"), "utf8").split("\n")[1]!.split(",").map(Number);
      const res = await app.inject({ method: "POST", url: "/v1/legacy_api/predict", payload: { a, b, c } });
      expect(res.statusCode).toBe(200);
      const body = JSON.parse(res.body) as { probabilities: Record<string, number> };
      expect(Math.abs(body.probabilities.true! - want[0]!)).toBeLessThanOrEqual(1e-5);
    } finally {
      await app.close();
      await serving.close();
    }
  });

  for (const [name, bytes, message] of [
    ["truncated", (b: Buffer) => b.subarray(0, Math.floor(b.length / 2)), "not an ONNX model"],
    ["not protobuf", () => Buffer.from("definitely not an onnx model\n"), "not an ONNX model"],
    ["opset 6", (b: Buffer) => withOpset(b, 6), "the model's opset 6 is not supported"],
  ] as const) {
    it(`a ${name} file: a check error, exit 5, nothing registered`, async () => {
      const p = onnxProject();
      const file = path.join(p.dir, "models", "legacy.onnx");
      fs.writeFileSync(file, bytes(fs.readFileSync(file)));
      const result = await run(p.spec);
      expect(result.exitCode).toBe(5);
      expect(result.stderr).toMatch(new RegExp(`^error\\[E0802\\]: model file \`models/legacy.onnx\` cannot be imported: ${message}`, "m"));
      expect(result.stderr).toMatch(/a model file cannot be imported; nothing was run or registered/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      const ws = openWorkspace(path.join(p.dir, ".mlspec"));
      try {
        expect(ws.registry.listVersions()).toEqual([]);
      } finally {
        ws.close();
      }
    });
  }
});
