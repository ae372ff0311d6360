/**
 * Multiclass and regression XGBoost models through `mlspec run`: the registered
 * artifact gives XGBoost's predict on every row (features by position, no
 * feature_names in these files).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { encodeOnnxInputs } from "../../runtime/export/onnx-inputs.js";
import { removeTempDirs, run, tempDir } from "../run/fixtures.js";

afterAll(removeTempDirs);

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

async function importedPredictions(fixture: string, label: string, task: string, output: string, metrics: string): Promise<{ got: Float32Array; want: number[] }> {
  const dir = tempDir("mlspec-import-task-");
  const [header, ...lines] = fs.readFileSync(path.join(FIXTURES, `${fixture}.csv`), "utf8").trim().split("\n");
  const names = header!.split(",").slice(0, -1);
  fs.writeFileSync(path.join(dir, "data.csv"), [`id,${header}`, ...lines.map((l, i) => `r${i},${l}`)].join("\n") + "\n");
  fs.copyFileSync(path.join(FIXTURES, `${fixture}.json`), path.join(dir, "m.json"));
  fs.writeFileSync(
    path.join(dir, "spec.mlspec"),
    `mlspec 1
dataset d {
  source = csv("data.csv")
  label  = label
  split  = holdout(test = 25%, validation = 25%, seed = 3)
  contract {
    id : string unique
${names.map((n) => `    ${n} : float nulls <= 40%`).join("\n")}
    label : ${label}
  }
}
model m {
  task    = ${task}
  inputs  = columns(d, except = [id])
  import  = xgboost("m.json")
  metrics = [${metrics}]
}
`,
  );
  const result = await run(path.join(dir, "spec.mlspec"));
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  const ws = openWorkspace(path.join(dir, ".mlspec"));
  try {
    const session = await ort.InferenceSession.create(ws.artifacts.get(ws.registry.resolve("m", "champion").artifactSha256));
    const data = Object.fromEntries(names.map((n, j) => [n, lines.map((l) => (l.split(",")[j] === "" ? null : Number(l.split(",")[j])))]));
    const feeds: Record<string, ort.Tensor> = {};
    for (const [n, t] of Object.entries(encodeOnnxInputs(names.map((name) => ({ name, type: { kind: "float" as const } })), data))) feeds[n] = new ort.Tensor(t.type, t.data, t.dims);
    const got = (await session.run(feeds))[output]!.data as Float32Array;
    await session.release();
    const want = (JSON.parse(fs.readFileSync(path.join(FIXTURES, `${fixture}.expected.json`), "utf8")) as { predict: Array<number | number[]> }).predict.flatMap((v) => (Array.isArray(v) ? v : [v]));
    return { got, want };
  } finally {
    ws.close();
  }
}

const maxDiff = (got: ArrayLike<number>, want: number[]) => {
  expect(got.length).toBe(want.length);
  return Math.max(...want.map((w, i) => Math.abs(got[i]! - w) / Math.max(1, Math.abs(w))));
};

describe("imported XGBoost models of every task", () => {
  it("multi:softprob as a multiclass model: probabilities in class order", async () => {
    const { got, want } = await importedPredictions("multiclass", "int", "multiclass_classification(target = label)", "probabilities", "accuracy, logloss");
    expect(maxDiff(got, want)).toBeLessThanOrEqual(1e-5);
  });

  it("reg:squarederror with base_score 3.5", async () => {
    const { got, want } = await importedPredictions("regression", "float", "regression(target = label)", "prediction", "rmse");
    expect(maxDiff(got, want)).toBeLessThanOrEqual(1e-5);
  });

  it("count:poisson", async () => {
    const { got, want } = await importedPredictions("poisson", "int", "regression(target = label)", "prediction", "rmse");
    expect(maxDiff(got, want)).toBeLessThanOrEqual(1e-5);
  });
});
