/**
 * Serving benchmark, loopback only (127.0.0.1), every load bounded in time.
 *
 *   npx tsx bench/serve.ts [seconds per measurement, default 5]
 *
 * A churn MLP (the example's features, hidden [32, 16]) is registered in a
 * temporary workspace. Servers run in child processes so that the load
 * generator (autocannon, in this process) does not share their event loop:
 *   - `mlspec serve` as the CLI runs it (worker executor, prediction log on),
 *     with two serve blocks: batching(max_batch = 64, max_wait = 2ms) and none;
 *   - the same with the inline executor, and with the prediction log off;
 *   - a bare fastify route that calls one onnxruntime session of the same
 *     model directly (rows → tensors → run → JSON), in the same child as the
 *     first server.
 * Latency percentiles come from every response's time as autocannon measures
 * it (hrtime, sub-millisecond), not autocannon's whole-millisecond histogram.
 *
 * 1. one row per request at concurrency 16: p50, p99, requests/s; mlspec vs bare
 * 2. `instances` batches of 256 rows at concurrency 4: rows/s, vs raw
 *    onnxruntime on 256-row batches in one process (no HTTP)
 * 3. batching on vs off at concurrency 64
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { cpus } from "node:os";
import { churnModel, churnRows, churnSpecText, makeProject, type ChurnRow } from "../test/serve/models.js";

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- child side

async function runChild(kind: string, specPath: string, workspace: string, executor: string, log: boolean): Promise<void> {
  const { loadServing } = await import("../runtime/serve/load-serving.js");
  const { listenServing } = await import("../runtime/serve/http-server.js");
  const serving = await loadServing(specPath, { workspace, executor: executor as "inline" | "worker", predictionLog: log, pollMs: 0 });
  const servers = await listenServing(serving, { host: "127.0.0.1", port: 0 });
  const ports: Record<string, number> = { mlspec: servers[0]!.port };
  let bareClose: (() => Promise<void>) | undefined;
  if (kind === "with-bare") {
    const { default: Fastify } = await import("fastify");
    const ort = await import("onnxruntime-node");
    const { SERVING_SESSION_OPTIONS } = await import("../runtime/serve/ort-executor.js");
    const { numericCell, stringCell } = await import("../runtime/features/raw-columns.js");
    const version = serving.workspace.registry.resolve("churn_mlp", "champion");
    const session = await ort.InferenceSession.create(serving.workspace.artifacts.get(version.artifactSha256), SERVING_SESSION_OPTIONS);
    const inputs = session.inputMetadata.map((m) => ({ name: m.name, string: m.isTensor && m.type === "string" }));
    const bare = Fastify({ logger: false });
    bare.post("/predict", async (request) => {
      const row = request.body as Record<string, unknown>;
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
      for (const input of inputs) {
        const value = row[input.name] as string | number | null;
        feeds[input.name] = input.string
          ? new ort.Tensor("string", [stringCell(value)], [1, 1])
          : new ort.Tensor("float32", new Float32Array([numericCell(input.name, value, 0)]), [1, 1]);
      }
      const out = await session.run(feeds);
      const p = (out.probability!.data as Float32Array)[0]!;
      return { prediction: p >= 0.5, probabilities: { false: 1 - p, true: p } };
    });
    await bare.listen({ host: "127.0.0.1", port: 0 });
    ports.bare = (bare.server.address() as { port: number }).port;
    bareClose = async () => {
      await bare.close();
      await session.release();
    };
  }
  process.stdout.write(`${JSON.stringify(ports)}\n`);
  process.once("SIGTERM", () => {
    void (async () => {
      await bareClose?.();
      await Promise.all(servers.map((s) => s.app.close()));
      await serving.close();
      process.exit(0);
    })();
  });
}

// --------------------------------------------------------------- parent side

interface Child {
  process: ChildProcess;
  ports: Record<string, number>;
}

function startChild(kind: string, specPath: string, workspace: string, executor: string, log: boolean): Promise<Child> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ["--import", "tsx", self, "--child", kind, specPath, workspace, executor, log ? "log" : "nolog"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error("server child did not start in 60 s")), 60_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split("\n").find((l) => l.startsWith("{"));
      if (line) {
        clearTimeout(timer);
        resolve({ process: child, ports: JSON.parse(line) as Record<string, number> });
      }
    });
    child.once("exit", (code) => reject(new Error(`server child exited with code ${code}`)));
  });
}

async function stopChild(child: Child): Promise<void> {
  await new Promise<void>((resolve) => {
    child.process.once("exit", () => resolve());
    child.process.kill("SIGTERM");
  });
}

interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  requests: number;
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

type Autocannon = (options: Record<string, unknown>) => Promise<{ non2xx: number; errors: number; duration: number }> & { on(event: string, fn: (...a: unknown[]) => void): void };
const autocannon = require("autocannon") as Autocannon;

async function load(url: string, body: string, connections: number, seconds: number): Promise<LoadResult> {
  const options = { url, method: "POST", body, headers: { "content-type": "application/json" }, connections, pipelining: 1 };
  // warm-up: connections, JIT, onnxruntime arenas
  await autocannon({ ...options, duration: 1 });
  const times: number[] = [];
  const run = autocannon({ ...options, duration: seconds });
  run.on("response", (...args: unknown[]) => {
    if ((args[1] as number) < 300) times.push(args[3] as number);
  });
  const result = await run;
  times.sort((a, b) => a - b);
  return {
    requestsPerSecond: times.length / result.duration,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    non2xx: result.non2xx,
    errors: result.errors,
    requests: times.length,
  };
}

async function rawOrtRowsPerSecond(bytes: Uint8Array, rows: ChurnRow[], seconds: number): Promise<number> {
  const ort = await import("onnxruntime-node");
  const { SERVING_SESSION_OPTIONS } = await import("../runtime/serve/ort-executor.js");
  const { numericCell, stringCell } = await import("../runtime/features/raw-columns.js");
  const session = await ort.InferenceSession.create(bytes, SERVING_SESSION_OPTIONS);
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
  for (const m of session.inputMetadata) {
    const string = m.isTensor && m.type === "string";
    feeds[m.name] = string
      ? new ort.Tensor("string", rows.map((r) => stringCell(r[m.name] as string)), [rows.length, 1])
      : new ort.Tensor("float32", Float32Array.from(rows, (r, i) => numericCell(m.name, r[m.name] as number | null, i)), [rows.length, 1]);
  }
  for (let i = 0; i < 50; i++) await session.run(feeds);
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await session.run(feeds);
    runs++;
  }
  const elapsed = (performance.now() - start) / 1000;
  await session.release();
  return (runs * rows.length) / elapsed;
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
const line = (label: string, r: LoadResult) =>
  `  ${label.padEnd(34)} p50 ${fmt(r.p50).padStart(9)}  p99 ${fmt(r.p99).padStart(9)}  ${Math.round(r.requestsPerSecond).toString().padStart(6)} req/s` +
  (r.non2xx || r.errors ? `  (${r.non2xx} non-2xx, ${r.errors} errors)` : "");

async function main(): Promise<void> {
  const seconds = Math.min(30, Math.max(1, Number(process.argv[2] ?? 5)));
  const spec = `${churnSpecText({ batching: { maxBatch: 64, maxWait: "2ms" } })}
serve churn_direct {
  model = churn_mlp@champion
  http(port = 0)
  timeout = 250ms
}
`;
  const project = makeProject(spec);
  const model = churnModel({ seed: 1 });
  project.register("churn_mlp", model.bytes);
  project.workspace.close();
  const rows = churnRows(42, 256);
  const one = JSON.stringify(rows[0]);
  const batch = JSON.stringify({ instances: rows });
  console.log(`serving benchmark: churn MLP [32, 16], ${seconds} s per measurement after 1 s warm-up, node ${process.version}, ${cpus().length} CPUs`);

  const results: Record<string, LoadResult> = {};
  const main = await startChild("with-bare", project.specPath, project.workspaceDir, "worker", true);
  try {
    const mlspec = `http://127.0.0.1:${main.ports.mlspec}`;
    const bare = `http://127.0.0.1:${main.ports.bare}/predict`;
    console.log("\n1. one row per request, concurrency 16");
    results.bare16 = await load(bare, one, 16, seconds);
    console.log(line("bare fastify + onnxruntime", results.bare16));
    results.worker16 = await load(`${mlspec}/v1/churn_api/predict`, one, 16, seconds);
    console.log(line("mlspec serve (worker, log on)", results.worker16));

    console.log("\n2. instances of 256 rows, concurrency 4");
    results.instances = await load(`${mlspec}/v1/churn_api/predict`, batch, 4, seconds);
    console.log(`  mlspec serve: ${Math.round(results.instances.requestsPerSecond * 256)} rows/s (p50 ${fmt(results.instances.p50)}, p99 ${fmt(results.instances.p99)} per request)`);

    console.log("\n3. one row per request, concurrency 64: batching on vs off");
    results.batchOn = await load(`${mlspec}/v1/churn_api/predict`, one, 64, seconds);
    console.log(line("batching(64, 2ms)", results.batchOn));
    results.batchOff = await load(`${mlspec}/v1/churn_direct/predict`, one, 64, seconds);
    console.log(line("no batching", results.batchOff));
    results.bare64 = await load(bare, one, 64, seconds);
    console.log(line("bare fastify + onnxruntime", results.bare64));
  } finally {
    await stopChild(main);
  }

  console.log("\n4. executor and prediction log, one row per request, concurrency 16");
  for (const [label, executor, log] of [
    ["inline executor, log on", "inline", true],
    ["worker executor, log off", "worker", false],
  ] as const) {
    const child = await startChild("plain", project.specPath, project.workspaceDir, executor, log);
    try {
      const r = await load(`http://127.0.0.1:${child.ports.mlspec}/v1/churn_api/predict`, one, 16, seconds);
      results[label] = r;
      console.log(line(label, r));
    } finally {
      await stopChild(child);
    }
  }

  const raw = await rawOrtRowsPerSecond(model.bytes, rows, seconds);
  console.log(`\n  raw onnxruntime, 256-row batches, no HTTP: ${Math.round(raw)} rows/s`);

  const ratio = results.worker16!.requestsPerSecond / results.bare16!.requestsPerSecond;
  console.log(`\nsummary`);
  console.log(`  single row, c=16: p99 ${fmt(results.worker16!.p99)} (goal <= 2 ms); throughput ${(ratio * 100).toFixed(0)}% of the bare route (goal >= 80%)`);
  console.log(`  instances: ${Math.round(results.instances!.requestsPerSecond * 256)} rows/s over HTTP vs ${Math.round(raw)} rows/s raw onnxruntime`);
  console.log(`  c=64: batching on ${Math.round(results.batchOn!.requestsPerSecond)} req/s, off ${Math.round(results.batchOff!.requestsPerSecond)} req/s`);
  project.cleanup();
}

if (process.argv[2] === "--child") {
  const [, , , kind, specPath, workspace, executor, log] = process.argv;
  await runChild(kind!, specPath!, workspace!, executor!, log === "log");
} else {
  await main();
}
