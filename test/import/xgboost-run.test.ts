/**
 * `import = xgboost(...)` through `mlspec run`: the model is evaluated, gated,
 * exported and registered with its lineage, and the registered ONNX artifact
 * answers XGBoost's own predictions on every row of the file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { fmt } from "../../runtime/run/reporter.js";
import { afterAll, describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { showVersion } from "../../bin/commands/list-commands.js";
import { encodeOnnxInputs } from "../../runtime/export/onnx-inputs.js";
import { removeTempDirs, run, tempDir } from "../run/fixtures.js";
import { createServeApp } from "../../runtime/serve/http-server.js";
import { loadServing } from "../../runtime/serve/load-serving.js";

afterAll(removeTempDirs);

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const COLUMNS = ["tenure", "monthly", "calls", "age"];

/** The binary fixture as a project: label 0/1 as a bool column, the model under models/. */
export function binaryImportProject(o: { gate?: string; modelFile?: string; inputs?: string; serve?: boolean } = {}): { dir: string; spec: string } {
  const dir = tempDir("mlspec-import-");
  const lines = fs.readFileSync(path.join(FIXTURES, "binary.csv"), "utf8").trim().split("\n");
  // an id column, as a real table has (and as the spec's `except = [id]` leaves out)
  const csv = [`id,${lines[0]}`, ...lines.slice(1).map((l, i) => `r${i},${l.replace(/,1$/, ",true").replace(/,0$/, ",false")}`)].join("\n") + "\n";
  fs.writeFileSync(path.join(dir, "data.csv"), csv);
  fs.mkdirSync(path.join(dir, "models"));
  fs.copyFileSync(path.join(FIXTURES, "binary.json"), path.join(dir, "models", "legacy.json"));
  const spec = `mlspec 1
dataset d {
  source = csv("data.csv")
  label  = label
  split  = holdout(test = 25%, validation = 25%, seed = 3)
  contract {
    id    : string unique
${COLUMNS.map((c) => `    ${c} : float nulls <= 40%`).join("\n")}
    label : bool
  }
}
model legacy {
  task    = binary_classification(target = label)
  inputs  = ${o.inputs ?? "columns(d, except = [id])"}
  import  = xgboost("${o.modelFile ?? "models/legacy.json"}")
  metrics = [auc, accuracy]
  require ${o.gate ?? "auc >= 0.7"}
}
${o.serve ? "serve legacy_api {\n  model = legacy@champion\n  http(port = 0)\n}\n" : ""}`;
  fs.writeFileSync(path.join(dir, "spec.mlspec"), spec);
  return { dir, spec: path.join(dir, "spec.mlspec") };
}

function csvColumns(): Record<string, Array<number | null>> {
  const lines = fs.readFileSync(path.join(FIXTURES, "binary.csv"), "utf8").trim().split("\n").slice(1);
  return Object.fromEntries(COLUMNS.map((c, j) => [c, lines.map((l) => (l.split(",")[j] === "" ? null : Number(l.split(",")[j])))]));
}

describe("mlspec run with an imported XGBoost model", () => {
  it("registers a version whose artifact predicts as XGBoost does, with lineage", async () => {
    const p = binaryImportProject();
    const result = await run(p.spec);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/import_model:legacy .*xgboost 1\.7\.4 binary:logistic: 25 trees, 4 features by name/);
    const outcome = result.summary!.models[0]!;
    expect(outcome).toMatchObject({ model: "legacy", version: 1, status: "registered", alias: "champion" });
    expect(outcome.metrics.auc).toBeGreaterThan(0.7);

    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    try {
      const shown = showVersion(ws, "legacy", "champion");
      const sha = (await import("node:crypto")).createHash("sha256").update(fs.readFileSync(path.join(FIXTURES, "binary.json"))).digest("hex");
      expect(shown.lineage).toEqual({ imported_from: "models/legacy.json", sha256: sha, format: "xgboost", xgboost_version: "1.7.4", objective: "binary:logistic" });
      expect((shown.inputSchema as { columns: Array<{ name: string }> }).columns.map((c) => c.name)).toEqual(["id", ...COLUMNS]);

      const session = await ort.InferenceSession.create(ws.artifacts.get(shown.artifactSha256));
      const feeds: Record<string, ort.Tensor> = {};
      const columns = COLUMNS.map((name) => ({ name, type: { kind: "float" as const } }));
      for (const [name, t] of Object.entries(encodeOnnxInputs(columns, csvColumns()))) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      const got = (await session.run(feeds)).probability!.data as Float32Array;
      const want = (JSON.parse(fs.readFileSync(path.join(FIXTURES, "binary.expected.json"), "utf8")) as { predict: number[] }).predict;
      expect(got.length).toBe(want.length);
      expect(Math.max(...want.map((w, i) => Math.abs(got[i]! - w)))).toBeLessThanOrEqual(1e-5);
      await session.release();
    } finally {
      ws.close();
    }
  });

  it("a failed gate records a rejected version, exit 3", async () => {
    const result = await run(binaryImportProject({ gate: "auc >= 0.999" }).spec);
    expect(result.exitCode).toBe(3);
    expect(result.summary!.models[0]).toMatchObject({ status: "rejected" });
  });

  it("a feature the model names but the inputs lack is a check error with the names (E0805), exit 1, nothing run", async () => {
    const p = binaryImportProject({ inputs: "columns(d, except = [id, calls])" });
    const result = await run(p.spec);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/error\[E0805\]: model file `models\/legacy.json` reads feature `calls`, which the model's inputs do not give/);
    expect(result.stderr).toMatch(/the inputs give `tenure`, `monthly`, `age`/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("a file that is not an XGBoost model is a check error (E0802); the run exits 5, a model that cannot be imported", async () => {
    const p = binaryImportProject();
    fs.writeFileSync(path.join(p.dir, "models", "legacy.json"), "{ truncated");
    const result = await run(p.spec);
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(/error\[E0802\]: model file `models\/legacy.json` cannot be imported: not an XGBoost JSON model/);
  });

  it("a trained challenger is gated against the imported champion's version of the same run", async () => {
    const p = binaryImportProject();
    const challenger = (gate: string) => `model challenger {
  task    = binary_classification(target = label)
  inputs  = columns(d, except = [id])
  arch    = linear()
  train {
    epochs = 2
    seed   = 1
  }
  metrics = [auc]
  require ${gate}
}
`;
    // declared before the model it compares with: the plan runs legacy first
    const base = fs.readFileSync(p.spec, "utf8");
    const withChallenger = (gate: string) => fs.writeFileSync(p.spec, base.replace("model legacy {", `${challenger(gate)}model legacy {`));
    withChallenger("auc >= legacy@champion.auc + 1");
    const failed = await run(p.spec);
    expect(failed.exitCode).toBe(3);
    const legacyAuc = failed.summary!.models.find((m) => m.model === "legacy")!.metrics.auc!;
    const rejected = failed.summary!.models.find((m) => m.model === "challenger")!;
    expect(rejected.status).toBe("rejected");
    expect(rejected.gate.reasons).toEqual([`auc >= legacy@champion.auc + 1: auc is ${fmt(rejected.metrics.auc!)}, needs >= ${fmt(legacyAuc + 1)}`]);
    withChallenger("auc >= legacy@champion.auc - 1");
    const passed = await run(p.spec);
    expect(passed.exitCode).toBe(0);
    expect(passed.summary!.models.find((m) => m.model === "challenger")).toMatchObject({ status: "registered" });
  });

  it("mlspec serve answers with the imported model, a missing value following XGBoost's default direction", async () => {
    const p = binaryImportProject({ serve: true });
    expect((await run(p.spec)).exitCode).toBe(0);
    const serving = await loadServing(p.spec, { pollMs: 0 });
    const app = await createServeApp(serving);
    try {
      const expected = (JSON.parse(fs.readFileSync(path.join(FIXTURES, "binary.expected.json"), "utf8")) as { predict: number[] }).predict;
      const columns = csvColumns();
      // rows 0 (complete) and 9 (tenure missing)
      for (const i of [0, 9]) {
        const row = { id: `r${i}`, ...Object.fromEntries(COLUMNS.map((c) => [c, columns[c]![i]])) };
        const res = await app.inject({ method: "POST", url: "/v1/legacy_api/predict", payload: row });
        expect(res.statusCode).toBe(200);
        const body = JSON.parse(res.body) as { model: unknown; probabilities: Record<string, number> };
        expect(body.model).toEqual({ name: "legacy", version: 1 });
        expect(Math.abs(body.probabilities.true! - expected[i]!)).toBeLessThanOrEqual(1e-5);
      }
      expect(columns.tenure![9]).toBeNull();
    } finally {
      await app.close();
      await serving.close();
    }
  });
});
