/**
 * Scale: `mlspec run` end to end (validate, profile, split, fit_features, 1 epoch of
 * training, evaluate, export, register) on N rows × 20 float features and a binary label,
 * one fresh process per size, with its wall time, peak RSS and per-step times.
 *
 *   npx tsx bench/scale.ts [rows,rows,...] [--baseline path/to/old/dist/mlspec.mjs] [--bin path/to/dist/mlspec.mjs]
 *
 * The CSV is generated deterministically (seeded) under the OS temporary directory and kept
 * there between runs of the bench (generation is not timed); nothing is written to the repo.
 * With --baseline, every size also runs that build (e.g. one made from an older commit),
 * interleaved with this one, so the ratios come from the same run and load.
 *
 * Columns: wall = process start to exit; rss = peak resident set (VmHWM, polled); train/s =
 * training rows ÷ the train step's own time; the step columns are the seconds between the
 * step's report line and the previous one (the first from process start).
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Rng } from "../core/rng.js";

const WIDTH = 20;
const args = process.argv.slice(2);
const baselineAt = args.indexOf("--baseline");
const binAt = args.indexOf("--bin");
const baselineBin = baselineAt >= 0 ? path.resolve(args[baselineAt + 1]!) : null;
const sizes = (args.find((a, i) => !a.startsWith("--") && i !== baselineAt + 1 && i !== binAt + 1) ?? "1000000,2000000").split(",").map(Number);
// --bin: a copy of the build, so that rebuilding dist/ while the bench runs changes nothing
const ourBin = binAt >= 0 ? path.resolve(args[binAt + 1]!) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/mlspec.mjs");
const root = path.join(os.tmpdir(), "mlspec-bench-scale");
const STEPS = ["validate", "profile", "split", "fit_features", "train", "evaluate", "export", "register"] as const;

/** Writes the CSV for `rows` rows unless it is there already; returns its folder. */
async function dataset(rows: number): Promise<string> {
  const dir = path.join(root, String(rows));
  const csv = path.join(dir, "data.csv");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "scale.mlspec"), spec());
  if (existsSync(csv + ".done")) return dir;
  const out = createWriteStream(csv);
  out.write([...Array.from({ length: WIDTH }, (_, j) => `f${j}`), "label"].join(",") + "\n");
  const rng = new Rng(20261204);
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const cells: string[] = [];
    for (let j = 0; j < WIDTH; j++) {
      const v = rng.normal();
      s += (j % 3 === 0 ? 1 : -0.3) * v;
      cells.push(v.toFixed(5));
    }
    chunk += cells.join(",") + (s + rng.normal() > 0 ? ",true\n" : ",false\n");
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
      chunk = "";
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  writeFileSync(csv + ".done", "");
  return dir;
}

function spec(): string {
  const contract = Array.from({ length: WIDTH }, (_, j) => `    f${j} : float`).join("\n");
  const features = Array.from({ length: WIDTH }, (_, j) => `  f${j}_z = standardize(f${j})`).join("\n");
  return `mlspec 1

dataset rows {
  source = csv("data.csv")
  label  = label
  split  = holdout(test = 10%, validation = 10%, seed = 7)
  contract {
${contract}
    label : bool
  }
}

features scale_features from rows {
${features}
}

model scale_mlp {
  task   = binary_classification(target = label)
  inputs = scale_features
  arch   = mlp(hidden = [64, 64], activation = relu)
  train {
    optimizer = adam(lr = 1e-3)
    epochs    = 1
    batch     = 256
    seed      = 1
  }
  metrics = [auc]
}
`;
}

interface Measured {
  wallS: number;
  peakRssMb: number;
  steps: Partial<Record<(typeof STEPS)[number], number>>;
  trainRows: number;
  trainS: number;
}

function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function runOnce(bin: string, dir: string): Promise<Measured> {
  const ws = path.join(dir, `ws-${process.pid}`);
  rmSync(ws, { recursive: true, force: true });
  mkdirSync(ws);
  const started = performance.now();
  const child = spawn(process.execPath, [bin, "run", "scale.mlspec", "-w", ws, "--no-cache", "--backend", "wasm"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let peak = 0;
  const poll = setInterval(() => (peak = Math.max(peak, peakRss(child.pid!))), 100);
  const steps: Measured["steps"] = {};
  let last = started;
  let trainRows = 0;
  let trainS = 0;
  let output = "";
  const onLine = (line: string) => {
    output += line + "\n";
    const m = /^(\w+):\S+\s+(.*)$/.exec(line);
    if (!m || !(STEPS as readonly string[]).includes(m[1]!)) return;
    const now = performance.now();
    steps[m[1] as (typeof STEPS)[number]] = (now - last) / 1000;
    last = now;
    const split = /train (\d+)/.exec(m[2]!);
    if (m[1] === "split" && split) trainRows = Number(split[1]);
    const train = /in ([\d.]+)s/.exec(m[2]!);
    if (m[1] === "train" && train) trainS = Number(train[1]);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = "";
    stream.setEncoding("utf8");
    stream.on("data", (text: string) => {
      buffered += text;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        onLine(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    });
  }
  const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
  clearInterval(poll);
  rmSync(ws, { recursive: true, force: true });
  if (code !== 0) throw new Error(`${bin} exited ${code}:\n${output.slice(-2000)}`);
  return { wallS: (performance.now() - started) / 1000, peakRssMb: peak, steps, trainRows, trainS };
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
const f1 = (v: number | undefined) => (v === undefined ? "-" : v.toFixed(1));
const header = ["build", "rows", "wall s", "µs/row", "rss MB", "train/s", ...STEPS.map((s) => `${s} s`), "eval/train", "export/train", "load"];
console.log(header.join(" | "));
const rowsOut: Array<Record<string, unknown>> = [];
for (const rows of sizes) {
  const dir = await dataset(rows);
  const builds: Array<[string, string]> = baselineBin ? [["baseline", baselineBin], ["this", ourBin]] : [["this", ourBin]];
  for (const [name, bin] of builds) {
    const m = await runOnce(bin, dir);
    const ratio = (s: number | undefined) => (s === undefined || m.trainS === 0 ? "-" : `${((100 * s) / m.trainS).toFixed(1)}%`);
    const cells = [name, String(rows), m.wallS.toFixed(1), ((m.wallS / rows) * 1e6).toFixed(1), m.peakRssMb.toFixed(0), String(Math.round(m.trainRows / m.trainS)), ...STEPS.map((s) => f1(m.steps[s])), ratio(m.steps.evaluate), ratio(m.steps.export), load()];
    console.log(cells.join(" | "));
    rowsOut.push({ build: name, rows, ...m, load: os.loadavg() });
  }
}
console.log(JSON.stringify({ bench: "scale", results: rowsOut }));
