/**
 * Imported XGBoost model: predictions through mlspec's serving path vs the
 * XGBoost JSON evaluated by a plain tree walk in TypeScript, same run.
 *
 *   npx tsx bench/import.ts [rounds, default 5]
 *
 * The model is test/import/fixtures/bench-binary.json (100 trees of depth 5,
 * 8 features, binary:logistic, saved by XGBoost 1.7.4). `mlspec run` imports it
 * into a temporary workspace; then, in this process (no HTTP):
 *   - mlspec: `loadServing(spec).predict(rows)` — request validation, the
 *     batcher, the ONNX graph (raw columns → TreeEnsembleRegressor → Sigmoid)
 *     in onnxruntime, the answer objects, the prediction log;
 *   - onnxruntime alone: the registered artifact in one session, rows → tensors → run;
 *   - tree walk: rows → a Float32Array → runtime/import/xgboost-predict.ts.
 * Single row (sequential awaits: latency) and batches of 256 rows (rows/s).
 * Each figure is the median over rounds that alternate between the two.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { runSpec } from "../runtime/run/run-spec.js";
import { loadServing } from "../runtime/serve/load-serving.js";
import { readXgboostModel } from "../stdlib/imports/xgboost-model.js";
import { xgboostPredict } from "../runtime/import/xgboost-predict.js";
import { encodeOnnxInputs } from "../runtime/export/onnx-inputs.js";
import { openWorkspace } from "../runtime/workspace/workspace.js";
import * as ort from "onnxruntime-node";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, "..", "test", "import", "fixtures");
const rounds = Number(process.argv[2] ?? 5);
const FEATURES = Array.from({ length: 8 }, (_, i) => `f${i}`);

type Row = Record<string, number | null>;

function project(): { dir: string; spec: string; rows: Row[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlspec-bench-import-"));
  const [, ...lines] = fs.readFileSync(path.join(fixtures, "bench-binary.csv"), "utf8").trim().split("\n");
  const rows: Row[] = lines.map((l) => Object.fromEntries(FEATURES.map((f, j) => [f, l.split(",")[j] === "" ? null : Number(l.split(",")[j])])));
  const csv = [`id,${FEATURES.join(",")},label`, ...lines.map((l, i) => `r${i},${l.replace(/,1$/, ",true").replace(/,0$/, ",false")}`)].join("\n") + "\n";
  fs.writeFileSync(path.join(dir, "data.csv"), csv);
  fs.copyFileSync(path.join(fixtures, "bench-binary.json"), path.join(dir, "model.json"));
  const spec = `mlspec 1
dataset d {
  source = csv("data.csv")
  label  = label
  split  = holdout(test = 20%, validation = 20%, seed = 1)
  contract {
    id : string unique
${FEATURES.map((f) => `    ${f} : float nulls <= 20%`).join("\n")}
    label : bool
  }
}
model xgb {
  task    = binary_classification(target = label)
  inputs  = columns(d, except = [id])
  import  = xgboost("model.json")
  metrics = [auc]
}
serve xgb_api {
  model = xgb@champion
  http(port = 0)
}
`;
  fs.writeFileSync(path.join(dir, "spec.mlspec"), spec);
  return { dir, spec: path.join(dir, "spec.mlspec"), rows };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeIt(fn: () => Promise<unknown> | unknown, iterations: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  return (performance.now() - start) / iterations;
}

async function main(): Promise<void> {
  const p = project();
  const result = await runSpec(p.spec, { backend: "cpu", quiet: true });
  if (result.exitCode !== 0) throw new Error(`mlspec run exited ${result.exitCode}`);
  const serving = await loadServing(p.spec, { pollMs: 0 });
  const model = readXgboostModel(fs.readFileSync(path.join(fixtures, "bench-binary.json"), "utf8"));
  const walk = (rows: Row[]) => {
    const x = new Float32Array(rows.length * FEATURES.length);
    rows.forEach((r, i) => FEATURES.forEach((f, j) => (x[i * FEATURES.length + j] = r[f] ?? NaN)));
    return xgboostPredict(model, x, rows.length);
  };
  const ws = openWorkspace(path.join(p.dir, ".mlspec"));
  const session = await ort.InferenceSession.create(ws.artifacts.get(ws.registry.resolve("xgb", "champion").artifactSha256));
  ws.close();
  const columns = FEATURES.map((name) => ({ name, type: { kind: "float" as const } }));
  const ortAlone = async (rows: Row[]) => {
    const data = Object.fromEntries(FEATURES.map((f) => [f, rows.map((r) => r[f] ?? null)]));
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(encodeOnnxInputs(columns, data))) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    return session.run(feeds);
  };
  const batches = Array.from({ length: Math.floor(p.rows.length / 256) }, (_, b) => p.rows.slice(b * 256, b * 256 + 256));
  let single = 0;
  let batch = 0;
  const figures = { mlspecRow: [] as number[], ortRow: [] as number[], walkRow: [] as number[], mlspecBatch: [] as number[], ortBatch: [] as number[], walkBatch: [] as number[] };
  // warm both
  await timeIt(() => serving.predict(p.rows[single++ % p.rows.length]!), 200);
  await timeIt(() => walk([p.rows[single++ % p.rows.length]!]), 200);
  await timeIt(() => ortAlone([p.rows[single++ % p.rows.length]!]), 200);
  for (let r = 0; r < rounds; r++) {
    figures.mlspecRow.push(await timeIt(() => serving.predict(p.rows[single++ % p.rows.length]!), 2000));
    figures.ortRow.push(await timeIt(() => ortAlone([p.rows[single++ % p.rows.length]!]), 2000));
    figures.walkRow.push(await timeIt(() => walk([p.rows[single++ % p.rows.length]!]), 2000));
    figures.mlspecBatch.push(await timeIt(() => serving.predict(batches[batch++ % batches.length]!), 100));
    figures.ortBatch.push(await timeIt(() => ortAlone(batches[batch++ % batches.length]!), 100));
    figures.walkBatch.push(await timeIt(() => walk(batches[batch++ % batches.length]!), 100));
  }
  await serving.close();
  await session.release();
  fs.rmSync(p.dir, { recursive: true, force: true });
  const ms = (x: number) => `${(x * 1000).toFixed(1)} µs`;
  const rowsPerSec = (x: number) => `${Math.round(256 / (x / 1000)).toLocaleString("en-US")} rows/s`;
  console.log(`model: ${model.trees.length} trees, ${model.numFeature} features; ${rounds} rounds, median`);
  console.log(`single row   mlspec serving ${ms(median(figures.mlspecRow))}/row   onnxruntime alone ${ms(median(figures.ortRow))}/row   tree walk ${ms(median(figures.walkRow))}/row`);
  console.log(`batch of 256 mlspec serving ${rowsPerSec(median(figures.mlspecBatch))}   onnxruntime alone ${rowsPerSec(median(figures.ortBatch))}   tree walk ${rowsPerSec(median(figures.walkBatch))}`);
}

await main();
