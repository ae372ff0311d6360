/**
 * Training throughput: the runtime's `trainNetwork` against two hand-written
 * minimal tfjs loops on the same MLP, data and backend, in the same process.
 *
 *   npx tsx bench/train.ts [rows] [epochs]
 *
 * - runtime:  trainNetwork (seeded init, per-epoch shuffle, validation loss + AUC each epoch)
 * - fit:      tf.sequential + model.fit(shuffle, validationData): tfjs's own training loop
 * - minimize: tf variables + optimizer.minimize over shuffled gathered batches, validation loss each epoch
 *
 * Each contender trains `epochs` epochs; runs alternate and repeat, and the median time
 * counts (other processes share the machine). Throughput = training rows × epochs / second.
 * Ratio = runtime samples/s ÷ the reference's samples/s (goal ≥ 0.9).
 */
import * as tf from "@tensorflow/tfjs";
import { performance } from "node:perf_hooks";
import { Rng } from "../core/rng.js";
import { selectBackend, type BackendName } from "../runtime/train/backend.js";
import { trainNetwork, type TrainConfig, type TrainSplit } from "../runtime/train/fit.js";

const ROWS = Number(process.argv[2] ?? 20_000);
const EPOCHS = Number(process.argv[3] ?? 3);
const WIDTH = 32;
const HIDDEN = [64, 32];
const BATCH = 256;
const LR = 1e-3;
const REPEATS = 3;

function makeSplit(rows: number, seed: number): TrainSplit {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * WIDTH);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < WIDTH; j++) {
      const v = rng.normal();
      x[i * WIDTH + j] = v;
      s += (j % 3 === 0 ? 1 : -0.3) * v + (j === 1 ? v * x[i * WIDTH]! : 0);
    }
    y[i] = s + rng.normal() > 0 ? 1 : 0;
  }
  return { x, y };
}

const train = makeSplit(ROWS, 1);
const validation = makeSplit(Math.floor(ROWS / 10), 2);

async function runtimeRun(epochs: number): Promise<number> {
  const config: TrainConfig = {
    task: "binary",
    arch: { kind: "mlp", params: { hidden: HIDDEN, activation: "relu" } },
    optimizer: { kind: "adam", lr: LR },
    epochs,
    batchSize: BATCH,
    seed: 7,
    metrics: ["auc"],
  };
  const t0 = performance.now();
  await trainNetwork(config, { train, validation });
  return performance.now() - t0;
}

async function fitRun(epochs: number): Promise<number> {
  const t0 = performance.now();
  const model = tf.sequential();
  HIDDEN.forEach((units, i) => model.add(tf.layers.dense({ units, activation: "relu", inputShape: i === 0 ? [WIDTH] : undefined })));
  model.add(tf.layers.dense({ units: 1, activation: "sigmoid" }));
  model.compile({ optimizer: tf.train.adam(LR), loss: "binaryCrossentropy" });
  const xs = tf.tensor2d(train.x, [ROWS, WIDTH]);
  const ys = tf.tensor2d(train.y, [ROWS, 1]);
  const vx = tf.tensor2d(validation.x, [validation.y.length, WIDTH]);
  const vy = tf.tensor2d(validation.y, [validation.y.length, 1]);
  await model.fit(xs, ys, { batchSize: BATCH, epochs, shuffle: true, validationData: [vx, vy], verbose: 0 });
  const elapsed = performance.now() - t0;
  tf.dispose([xs, ys, vx, vy]);
  model.dispose();
  return elapsed;
}

async function minimizeRun(epochs: number): Promise<number> {
  const t0 = performance.now();
  const widths = [WIDTH, ...HIDDEN, 1];
  const vars: tf.Variable[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    vars.push(tf.variable(tf.randomUniform([widths[i]!, widths[i + 1]!], -0.1, 0.1)), tf.variable(tf.zeros([widths[i + 1]!])));
  }
  const forward = (x: tf.Tensor2D) => {
    let h: tf.Tensor2D = x;
    for (let l = 0; l < vars.length / 2; l++) {
      const last = l === vars.length / 2 - 1;
      h = tf.fused.matMul({ a: h, b: vars[2 * l] as tf.Tensor2D, bias: vars[2 * l + 1], activation: last ? "linear" : "relu" }) as tf.Tensor2D;
    }
    return h;
  };
  const optimizer = tf.train.adam(LR);
  const xs = tf.tensor2d(train.x, [ROWS, WIDTH]);
  const ys = tf.tensor2d(train.y, [ROWS, 1]);
  const vx = tf.tensor2d(validation.x, [validation.y.length, WIDTH]);
  const vy = tf.tensor2d(validation.y, [validation.y.length, 1]);
  const order = Int32Array.from({ length: ROWS }, (_, i) => i);
  for (let e = 0; e < epochs; e++) {
    tf.util.shuffle(order);
    for (let s = 0; s < ROWS; s += BATCH) {
      const idx = tf.tensor1d(order.slice(s, Math.min(ROWS, s + BATCH)), "int32");
      optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(tf.gather(ys, idx), forward(tf.gather(xs, idx))) as tf.Scalar, false, vars);
      idx.dispose();
    }
    tf.tidy(() => tf.losses.sigmoidCrossEntropy(vy, forward(vx)).dataSync());
  }
  const elapsed = performance.now() - t0;
  tf.dispose([xs, ys, vx, vy, ...vars]);
  optimizer.dispose();
  return elapsed;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const contenders = { runtime: runtimeRun, fit: fitRun, minimize: minimizeRun } as const;
type Contender = keyof typeof contenders;

async function benchBackend(backend: BackendName) {
  await selectBackend(backend);
  for (const run of Object.values(contenders)) await run(1); // warm-up: kernels, JIT
  const times: Record<Contender, number[]> = { runtime: [], fit: [], minimize: [] };
  for (let r = 0; r < REPEATS; r++) {
    // rotate the order so that no contender always runs first
    const names = Object.keys(contenders) as Contender[];
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]!;
      times[name].push(await contenders[name](EPOCHS));
    }
  }
  const rate = (name: Contender) => (ROWS * EPOCHS) / (median(times[name]) / 1000);
  return {
    backend,
    runtimeSamplesPerSec: Math.round(rate("runtime")),
    fitSamplesPerSec: Math.round(rate("fit")),
    minimizeSamplesPerSec: Math.round(rate("minimize")),
    ratioVsFit: Number((rate("runtime") / rate("fit")).toFixed(3)),
    ratioVsMinimize: Number((rate("runtime") / rate("minimize")).toFixed(3)),
    medianMs: { runtime: Math.round(median(times.runtime)), fit: Math.round(median(times.fit)), minimize: Math.round(median(times.minimize)) },
  };
}

console.log(`mlp ${WIDTH}→${HIDDEN.join("→")}→1, ${ROWS} rows (+${validation.y.length} validation), batch ${BATCH}, ${EPOCHS} epochs, median of ${REPEATS}`);
const results = [];
for (const backend of ["wasm", "cpu"] as const) {
  const r = await benchBackend(backend);
  results.push(r);
  console.log(
    `${backend.padEnd(5)} runtime ${r.runtimeSamplesPerSec} samples/s | model.fit ${r.fitSamplesPerSec} (ratio ${r.ratioVsFit}) | minimize loop ${r.minimizeSamplesPerSec} (ratio ${r.ratioVsMinimize})`,
  );
}
console.log(JSON.stringify({ bench: "train", rows: ROWS, epochs: EPOCHS, results }));
