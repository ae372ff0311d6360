/**
 * The one home of the tests' small projects: a spec and a generated CSV written
 * into a temp dir — one builder per task, a search project, the ONNX import
 * fixtures' data — plus ways to run the runtime in process (output captured)
 * and the CLI as a child process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "../core/rng.js";
import { runSpec, type RunSpecOptions } from "../runtime/run/run-spec.js";
import type { RunSummary } from "../runtime/run/run-summary.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const made: string[] = [];

export function tempDir(prefix = "mlspec-run-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every temp dir this module made (call from afterAll). */
export function removeTempDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export interface Project {
  dir: string;
  spec: string;
  data: string;
}

/** Writes `spec.mlspec` and `data.csv` into a fresh temp dir. */
export function writeProject(spec: string, csv: string | Buffer, dir = tempDir()): Project {
  fs.writeFileSync(path.join(dir, "spec.mlspec"), spec);
  fs.writeFileSync(path.join(dir, "data.csv"), csv);
  return { dir, spec: path.join(dir, "spec.mlspec"), data: path.join(dir, "data.csv") };
}

export function csvOf(header: string[], rows: Array<Array<string | number | boolean>>): string {
  return [header.join(","), ...rows.map((r) => r.join(","))].join("\n") + "\n";
}

// ---- binary classification --------------------------------------------------

export function binaryRows(n: number, seed = 1): Array<[string, number, number, string, boolean]> {
  const rng = new Rng(seed);
  const rows: Array<[string, number, number, string, boolean]> = [];
  for (let i = 0; i < n; i++) {
    const x1 = Number(rng.uniform(0, 10).toFixed(3));
    const x2 = Number(rng.normal().toFixed(3));
    const color = ["red", "green", "blue"][rng.int(0, 2)]!;
    const logit = 0.9 * (x1 - 5) + 1.5 * x2 + (color === "red" ? 1 : 0) + rng.normal(0, 0.5);
    rows.push([`r${i}`, x1, x2, color, logit > 0]);
  }
  return rows;
}

export const BINARY_HEADER = ["id", "x1", "x2", "color", "label"];

export function binaryCsv(n = 300, seed = 1): string {
  return csvOf(BINARY_HEADER, binaryRows(n, seed));
}

export interface BinarySpecOptions {
  epochs?: number;
  gates?: string[];
  rowsRule?: string;
  x1Type?: string;
  seed?: number;
  lr?: string;
  hidden?: string;
  /** The body of the features block (default: x1, x2 standardized, color one-hot). */
  features?: string;
}

export function binarySpec(o: BinarySpecOptions = {}): string {
  return `mlspec 1
dataset d {
  source = csv("data.csv")
  label  = label
  split  = holdout(test = 20%, validation = 20%, seed = 3)
  contract {
    id    : string unique
    x1    : ${o.x1Type ?? "float range 0..10"}
    x2    : float
    color : enum("red", "green", "blue")
    label : bool
    ${o.rowsRule ?? "rows >= 100"}
  }
}
features f from d {
${o.features ?? "  x1z = standardize(x1)\n  x2z = standardize(x2)\n  c   = onehot(color)"}
}
model m {
  task    = binary_classification(target = label)
  inputs  = f
  arch    = mlp(hidden = ${o.hidden ?? "[8]"}, activation = relu)
  train { optimizer = adam(lr = ${o.lr ?? "1e-2"})  epochs = ${o.epochs ?? 4}  batch = 32  seed = ${o.seed ?? 1} }
  metrics = [auc, accuracy]
${(o.gates ?? []).map((g) => `  require ${g}`).join("\n")}
}
`;
}

export function binaryProject(o: BinarySpecOptions & { rows?: number; dataSeed?: number } = {}, dir?: string): Project {
  return writeProject(binarySpec(o), binaryCsv(o.rows ?? 300, o.dataSeed ?? 1), dir);
}

// ---- regression ---------------------------------------------------------------

export function regressionProject(rows = 300): Project {
  const rng = new Rng(5);
  const data: Array<Array<string | number>> = [];
  for (let i = 0; i < rows; i++) {
    const x1 = rng.uniform(0, 10);
    const x2 = rng.normal();
    const kind = rng.next() < 0.5 ? "a" : "b";
    data.push([x1.toFixed(3), x2.toFixed(3), kind, (0.4 * x1 - 0.6 * x2 + (kind === "a" ? 1 : 0) + rng.normal(0, 0.1)).toFixed(3)]);
  }
  const spec = `mlspec 1
dataset d {
  source = csv("data.csv")
  label  = y
  split  = holdout(test = 20%, validation = 20%, seed = 3)
  contract {
    x1   : float
    x2   : float
    kind : enum("a", "b")
    y    : float
  }
}
features f from d {
  x1z = standardize(x1)
  x2z = standardize(x2)
  k   = onehot(kind)
}
model r {
  task    = regression(target = y)
  inputs  = f
  arch    = mlp(hidden = [8], activation = relu)
  train { optimizer = adam(lr = 3e-2)  epochs = 5  batch = 32  seed = 1 }
  metrics = [rmse, r2]
}
`;
  return writeProject(spec, csvOf(["x1", "x2", "kind", "y"], data));
}

// ---- multiclass ---------------------------------------------------------------

export function multiclassProject(rows = 300): Project {
  const rng = new Rng(9);
  const data: Array<Array<string | number>> = [];
  for (let i = 0; i < rows; i++) {
    const c = i % 3;
    data.push([(c * 2 + rng.next()).toFixed(3), (rng.next() * 2 - c).toFixed(3), `s${c}`]);
  }
  const spec = `mlspec 1
dataset d {
  source = csv("data.csv")
  label  = species
  split  = holdout(test = 20%, validation = 20%, stratify = species, seed = 3)
  contract {
    x1      : float
    x2      : float
    species : enum("s0", "s1", "s2")
  }
}
features f from d {
  x1z = standardize(x1)
  x2z = standardize(x2)
}
model c {
  task    = multiclass_classification(target = species)
  inputs  = f
  arch    = mlp(hidden = [8], activation = relu)
  train { optimizer = adam(lr = 3e-2)  epochs = 5  batch = 32  seed = 1 }
  metrics = [accuracy, logloss]
}
`;
  return writeProject(spec, csvOf(["x1", "x2", "species"], data));
}

// ---- recommendation -------------------------------------------------------------

export function recommendationProject(rows = 300): Project {
  const rng = new Rng(13);
  const data: Array<Array<string | number>> = [];
  for (let i = 0; i < rows; i++) {
    const u = rng.int(0, 19);
    const it = rng.int(0, 14);
    const rating = Math.min(5, Math.max(1, 1 + (u % 5) * 0.5 + (it % 3) + rng.next() * 0.5));
    data.push([`u${u}`, `i${it}`, rating.toFixed(1), 1000 + i]);
  }
  const spec = `mlspec 1
dataset d {
  source = csv("data.csv")
  label  = rating
  split  = holdout(test = 20%, validation = 20%, order_by = ts)
  contract {
    user_id : string
    item_id : string
    rating  : float range 1..5
    ts      : int
  }
}
features ids from d {
  user = embed_index(user_id)
  item = embed_index(item_id)
}
model mf {
  task    = recommendation(user = user_id, item = item_id, target = rating)
  inputs  = ids
  arch    = matrix_factorization(dim = 4)
  train { optimizer = adam(lr = 3e-2)  epochs = 5  batch = 32  seed = 1 }
  metrics = [rmse, ndcg@10]
}
`;
  return writeProject(spec, csvOf(["user_id", "item_id", "rating", "ts"], data));
}

// ---- search -------------------------------------------------------------------

export interface SearchProjectOptions {
  trials?: number;
  parallel?: number;
  epochs?: number;
  rows?: number;
  /** Seed of the generated rows (default 11). */
  dataSeed?: number;
  /** A categorical column `cat` one-hot encoded beside x1 and x2 (default true). */
  category?: boolean;
  hidden?: string;
  /** `require auc >= 0.5` in the model (default true). */
  gate?: boolean;
  /** The sampler line (default: built from sampler, trials, parallel); "" when searchBody has its own. */
  samplerLine?: string;
  sampler?: string;
  /** A statement added to the train block, e.g. `early_stop(val.auc, patience = 50)`. */
  trainExtra?: string;
  /** Replaces the search block's sampler-independent statements (space, objective, pruner). */
  searchBody?: string;
  /** Appended to the spec, e.g. a second model trained after the search's. */
  extra?: string;
}

/** x1, x2 normal (and cat in a, b, c), y drawn from a logistic model of them. */
function logisticCsv(rows: number, seed: number, category: boolean): string {
  const rng = new Rng(seed);
  const lines = [category ? "id,x1,x2,cat,y" : "id,x1,x2,y"];
  for (let i = 0; i < rows; i++) {
    const x1 = rng.normal();
    const x2 = rng.normal();
    const cat = category ? ["a", "b", "c"][rng.int(0, 2)]! : undefined;
    const logit = 1.5 * x1 - x2 + (cat === undefined ? 0 : cat === "a" ? 0.8 : -0.3);
    const y = rng.next() < 1 / (1 + Math.exp(-logit));
    lines.push(`r${i},${x1.toFixed(4)},${x2.toFixed(4)},${cat === undefined ? "" : `${cat},`}${y}`);
  }
  return lines.join("\n") + "\n";
}

/** A small binary dataset (`d.csv`) and a spec with a search block (`s.mlspec`), in a fresh temp dir. */
export function writeSearchProject(opts: SearchProjectOptions, dir = tempDir("mlspec-search-")): { dir: string; spec: string } {
  const category = opts.category ?? true;
  fs.writeFileSync(path.join(dir, "d.csv"), logisticCsv(opts.rows ?? 300, opts.dataSeed ?? 11, category));
  const spec = path.join(dir, "s.mlspec");
  const samplerLine = opts.samplerLine ?? `sampler = ${opts.sampler ?? "tpe"}(trials = ${opts.trials}, parallel = ${opts.parallel}, seed = 2)`;
  fs.writeFileSync(
    spec,
    `mlspec 1
dataset d {
  source = csv("d.csv")
  label = y
  split = holdout(test = 20%, validation = 20%, stratify = y, seed = 1)
  contract {
    id : string unique
    x1 : float
    x2 : float
${category ? '    cat : enum("a", "b", "c")\n' : ""}    y : bool
  }
}
features f from d {
  a = standardize(x1)
  b = standardize(x2)
${category ? "  c = onehot(cat)\n" : ""}}
model m {
  task = binary_classification(target = y)
  inputs = f
  arch = mlp(hidden = ${opts.hidden ?? "[8]"})
  train { optimizer = adam(lr = 1e-2) epochs = ${opts.epochs ?? 4} batch = 32 seed = 3 ${opts.trainExtra ?? ""} }
  metrics = [auc]
${opts.gate ?? true ? "  require auc >= 0.5\n" : ""}}
search s for m {
${
  opts.searchBody ??
  `  train.optimizer.lr ~ loguniform(1e-3, 1e-1)
  arch.hidden ~ choice([4], [8])
  objective = maximize val.auc`
}
${samplerLine ? `  ${samplerLine}\n` : ""}}
${opts.extra ?? ""}`,
  );
  return { dir, spec };
}

// ---- the ONNX import fixtures' data -------------------------------------------

/** test/import/fixtures/onnx-binary.csv with its 0/1 label written as false/true (a bool column). */
export function onnxBinaryCsv(): string {
  const lines = fs.readFileSync(path.join(repoRoot, "test", "import", "fixtures", "onnx-binary.csv"), "utf8").trim().split("\n");
  return [lines[0], ...lines.slice(1).map((l) => l.replace(/,1$/, ",true").replace(/,0$/, ",false"))].join("\n") + "\n";
}

// ---- running ------------------------------------------------------------------

export interface Captured {
  exitCode: number;
  summary?: RunSummary;
  stdout: string;
  stderr: string;
}

/** Runs `fn` with process.stdout/stderr writes captured instead of printed. */
export async function capture<T>(fn: () => Promise<T>): Promise<{ value: T; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const value = await fn();
    return { value, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** `mlspec run` in process; the backend is pinned so runs compare byte for byte. */
export async function run(spec: string, opts: RunSpecOptions = {}): Promise<Captured> {
  const { value, stdout, stderr } = await capture(() => runSpec(spec, { backend: "cpu", ...opts }));
  return { exitCode: value.exitCode, ...(value.summary ? { summary: value.summary } : {}), stdout, stderr };
}

/**
 * The CLI bundled from the sources into a private folder, once per test file:
 * dist/ is shared with other test files that rebuild it, and running the sources
 * through tsx costs ~2 s a start. It sits under node_modules so that its bare
 * imports (tfjs, duckdb, ...) resolve to the installed packages.
 */
let built: Promise<string> | undefined;
export function buildCli(): Promise<string> {
  built ??= (async () => {
    const { build } = await import("esbuild");
    const base = path.join(repoRoot, "node_modules", ".cache");
    fs.mkdirSync(base, { recursive: true });
    const outdir = fs.mkdtempSync(path.join(base, "mlspec-test-cli-"));
    made.push(outdir);
    await build({
      entryPoints: { mlspec: path.join(repoRoot, "bin", "mlspec.ts") },
      outdir,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      outExtension: { ".js": ".mjs" },
      packages: "external",
      banner: { js: "import { createRequire as __mlspecRequire } from 'node:module'; const require = __mlspecRequire(import.meta.url);" },
      logLevel: "error",
    });
    return path.join(outdir, "mlspec.mjs");
  })();
  return built;
}

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  const child = spawnCli(args, await buildCli());
  return finished(child, timeoutMs);
}

export function spawnCli(args: string[], bundle: string): ChildProcess {
  return spawn(process.execPath, [bundle, ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, MLSPEC_DEBUG: "" } });
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcess, timeoutMs = 60_000): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`mlspec ${child.spawnargs.slice(2).join(" ")} ran past ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** No line of a stack trace (`    at f (file:1:2)`). */
export function hasStack(text: string): boolean {
  return /^\s+at .+/m.test(text);
}
