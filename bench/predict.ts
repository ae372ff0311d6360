/**
 * Batch scoring benchmark: `mlspec predict` against raw onnxruntime, same model, same rows,
 * same run.
 *
 *   npx tsx bench/predict.ts [rows, default 500000]
 *
 * A small binary MLP (x1, x2 standardized, color one-hot, hidden [32, 16]) is trained and
 * registered in a temporary project; a CSV of `rows` rows is generated. Then, each the median
 * of 3 rounds:
 *   - predict: batchPredict, as the CLI runs it: read the CSV, check every row by the contract,
 *     score, write the scored CSV (input columns + prediction + probabilities);
 *   - raw: one onnxruntime session of the same graph and session options, fed tensors built
 *     beforehand from the same rows, in batches of the same size; only session.run is timed.
 * Prints rows/s for both and the ratio (the goal: predict at >= 50% of raw).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ort from "onnxruntime-node";
import { compileFile } from "../compiler/compile.js";
import { planOf } from "../compiler/plan/index.js";
import { batchPredict } from "../runtime/predict/batch-predict.js";
import { SERVING_SESSION_OPTIONS } from "../runtime/serve/ort-executor.js";
import { openWorkspace } from "../runtime/workspace/workspace.js";
import { binaryProject, binaryRows, removeTempDirs, run } from "../test/run/fixtures.js";

const ROWS = Number(process.argv[2] ?? 500_000);
const BATCH = 8192;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const project = binaryProject({ epochs: 2, hidden: "[32, 16]" });
  const trained = await run(project.spec);
  if (trained.exitCode !== 0) throw new Error(`training failed:\n${trained.stderr}`);
  const rows = binaryRows(ROWS, 11);
  const input = path.join(project.dir, "score.csv");
  fs.writeFileSync(input, ["id,x1,x2,color", ...rows.map(([id, x1, x2, color]) => `${id},${x1},${x2},${color}`)].join("\n") + "\n");
  const plan = planOf(compileFile(project.spec));

  const ws = openWorkspace(path.join(project.dir, ".mlspec"));
  const bytes = ws.artifacts.get(ws.registry.resolve("m", "champion").artifactSha256);
  ws.close();
  const session = await ort.InferenceSession.create(bytes, SERVING_SESSION_OPTIONS);
  const feeds: Array<Record<string, ort.Tensor>> = [];
  for (let start = 0; start < ROWS; start += BATCH) {
    const part = rows.slice(start, start + BATCH);
    const n = part.length;
    feeds.push({
      x1: new ort.Tensor("float32", Float32Array.from(part, (r) => r[1]), [n, 1]),
      x2: new ort.Tensor("float32", Float32Array.from(part, (r) => r[2]), [n, 1]),
      color: new ort.Tensor("string", part.map((r) => r[3]), [n, 1]),
    });
  }

  const predictTimes: number[] = [];
  const rawTimes: number[] = [];
  const out = path.join(project.dir, "scored.csv");
  for (let round = 0; round < 3; round++) {
    let t = performance.now();
    const summary = await batchPredict({ plan, specPath: project.spec, model: "m", ref: "champion", input, out, batchRows: BATCH });
    predictTimes.push(performance.now() - t);
    if (summary.scored !== ROWS) throw new Error(`scored ${summary.scored} of ${ROWS}`);
    t = performance.now();
    for (const f of feeds) await session.run(f);
    rawTimes.push(performance.now() - t);
  }
  await session.release();
  const predictRate = ROWS / (median(predictTimes) / 1000);
  const rawRate = ROWS / (median(rawTimes) / 1000);
  const mb = (fs.statSync(input).size / 1e6).toFixed(1);
  console.log(`${ROWS} rows (${mb} MB CSV), batches of ${BATCH}, median of 3 rounds`);
  console.log(`predict (read CSV, check, score, write CSV): ${Math.round(predictRate).toLocaleString("en-US")} rows/s`);
  console.log(`raw onnxruntime (session.run on prebuilt tensors): ${Math.round(rawRate).toLocaleString("en-US")} rows/s`);
  console.log(`ratio: ${((100 * predictRate) / rawRate).toFixed(0)}% of raw`);
  removeTempDirs();
}

await main();
