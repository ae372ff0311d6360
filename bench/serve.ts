/**
 * Serving benchmark, loopback only (127.0.0.1), every load bounded in time.
 *
 *   npx tsx bench/serve.ts [seconds per round, default 3]
 *
 * A churn MLP (the example's 8 raw columns → 13 features, hidden [32, 16]) is
 * registered in a temporary workspace. One child process runs every server,
 * each idle while another is measured, so that the load generator (autocannon,
 * in this process) does not share their event loop:
 *   - `mlspec serve` as the CLI runs it (inline executor, prediction log on), with
 *     two serve blocks: batching(max_batch = 64, max_wait = 2ms), and none;
 *   - the same with the prediction log off, and with the worker executor;
 *   - a bare fastify route that calls one onnxruntime session of the same model
 *     directly (row → tensors → run → JSON).
 * Latency percentiles come from every response's time as autocannon measures
 * it (hrtime, sub-millisecond), not from autocannon's whole-millisecond
 * histogram. Each figure is the median of 3 rounds that alternate between the
 * routes compared.
 *
 * 1. one row per request at concurrency 1 and 16: p50, p99, requests/s, mlspec vs bare
 * 2. `instances` of 256 rows at concurrency 4: rows/s, vs raw onnxruntime on
 *    256-row batches in one process (no HTTP)
 * 3. batching on vs off at concurrency 64
 * 4. the prediction log on vs off, and the worker executor, at concurrency 16
 * 5. a canary at 50% (a second version in the candidate slot, the router
 *    splitting by weight) vs no rollout, at concurrency 1 and 16: p99 and
 *    requests/s, goal within 10%; the arms' shares from the server's /metrics
 *
 *   npx tsx bench/serve.ts [seconds] --canary   runs section 5 alone
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { cpus } from "node:os";
import { churnModel, churnRows, churnSpecText, makeProject, type ChurnRow } from "../test/serve/models.js";

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- child side

/** The servers, all in one process, each idle while another is measured. */
async function runChild(specPath: string, workspace: string): Promise<void> {
  const { loadServing } = await import("../runtime/serve/load-serving.js");
  const { listenServing, closeServers } = await import("../runtime/serve/http-server.js");
  const variants = {
    mlspec: { executor: "inline", predictionLog: true }, // what `mlspec serve` runs
    nolog: { executor: "inline", predictionLog: false },
    worker: { executor: "worker", predictionLog: true },
  } as const;
  const ports: Record<string, number> = {};
  const closers: Array<() => Promise<void>> = [];
  for (const [name, v] of Object.entries(variants)) {
    const serving = await loadServing(specPath, { workspace, executor: v.executor, predictionLog: v.predictionLog, pollMs: 0 });
    const servers = await listenServing(serving, { host: "127.0.0.1", port: 0 });
    ports[name] = servers[0]!.port;
    closers.push(async () => {
      await closeServers(servers);
      await serving.close();
    });
  }

  // a canary at 50%: what the rollout controller sets at that step (the candidate slot, the router's weights)
  // on one server, turned on and off between rounds, so that no rollout and the canary are measured on the same instance
  const canary = await loadServing(specPath, { workspace, executor: "inline", predictionLog: true, pollMs: 0 });
  await canary.endpoint("churn_api").setSlot("candidate", "churn_mlp@challenger");
  const setCanary = (on: boolean) => {
    const router = canary.endpoint("churn_api").router;
    if (on) router.setWeights("bench_canary", { current: 0.5, candidate: 0.5 });
    else router.clear();
  };
  const canaryServers = await listenServing(canary, { host: "127.0.0.1", port: 0 });
  ports.canary = canaryServers[0]!.port;
  closers.push(async () => {
    await closeServers(canaryServers);
    await canary.close();
  });

  // the bare route: fastify + one onnxruntime session of the same model, rows → tensors → run → JSON
  const { default: Fastify } = await import("fastify");
  const ort = await import("onnxruntime-node");
  const { SERVING_SESSION_OPTIONS } = await import("../runtime/serve/ort-executor.js");
  const { numericCell, stringCell } = await import("../runtime/features/raw-columns.js");
  const { openWorkspace } = await import("../runtime/workspace/workspace.js");
  const ws = openWorkspace(workspace);
  const version = ws.registry.resolve("churn_mlp", "champion");
  const session = await ort.InferenceSession.create(ws.artifacts.get(version.artifactSha256), SERVING_SESSION_OPTIONS);
  ws.close();
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
  // CPU time of this process, every thread (the prediction log's writers included): a cost other processes do not inflate
  bare.get("/bench/cpu", async () => {
    const used = process.cpuUsage();
    return { micros: used.user + used.system };
  });
  bare.post("/bench/canary/:mode", async (request) => {
    setCanary((request.params as { mode: string }).mode === "on");
    return { ok: true };
  });
  await bare.listen({ host: "127.0.0.1", port: 0 });
  ports.bare = (bare.server.address() as { port: number }).port;
  closers.push(async () => {
    await bare.close();
    await session.release();
  });

  process.stdout.write(`${JSON.stringify(ports)}\n`);
  process.once("SIGTERM", () => {
    void (async () => {
      for (const close of closers) await close();
      process.exit(0);
    })();
  });
}

// --------------------------------------------------------------- parent side

interface Child {
  process: ChildProcess;
  ports: Record<string, number>;
}

function startChild(specPath: string, workspace: string): Promise<Child> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ["--import", "tsx", self, "--child", specPath, workspace], {
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

async function load(url: string, body: string, connections: number, seconds: number, afterWarmUp?: () => Promise<void>): Promise<LoadResult> {
  const options = { url, method: "POST", body, headers: { "content-type": "application/json" }, connections, pipelining: 1 };
  // warm-up: connections, JIT, onnxruntime arenas
  await autocannon({ ...options, duration: 1 });
  await afterWarmUp?.();
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Rounds alternate between the routes so that a noisy neighbour hurts each alike; the median round is reported. */
async function compare(urls: Record<string, string>, body: string, connections: number, seconds: number, rounds: number): Promise<Record<string, LoadResult>> {
  const runs: Record<string, LoadResult[]> = Object.fromEntries(Object.keys(urls).map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    const order = Object.keys(urls);
    if (round % 2 === 1) order.reverse();
    for (const name of order) runs[name]!.push(await load(urls[name]!, body, connections, seconds));
  }
  return Object.fromEntries(
    Object.entries(runs).map(([name, list]) => {
      const rps = median(list.map((r) => r.requestsPerSecond));
      return [
        name,
        {
          requestsPerSecond: rps,
          p50: median(list.map((r) => r.p50)),
          p99: median(list.map((r) => r.p99)),
          non2xx: list.reduce((a, r) => a + r.non2xx, 0),
          errors: list.reduce((a, r) => a + r.errors, 0),
          requests: list.reduce((a, r) => a + r.requests, 0),
        },
      ];
    }),
  );
}

async function main(): Promise<void> {
  const given = process.argv.slice(2).find((a) => /^\d+(\.\d+)?$/.test(a));
  const seconds = Math.min(30, Math.max(1, Number(given ?? 3)));
  const rounds = 3;
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
  project.register("churn_mlp", churnModel({ seed: 2 }).bytes, "challenger"); // the canary's candidate: same shape, other weights
  project.workspace.close();
  const rows = churnRows(42, 256);
  const one = JSON.stringify(rows[0]);
  const batch = JSON.stringify({ instances: rows });
  const load1 = (await import("node:os")).loadavg()[0]!;
  console.log(`serving benchmark: churn MLP [32, 16] (8 raw columns → 13 features), node ${process.version}, ${cpus().length} CPUs, load average ${load1.toFixed(1)} at start`);
  console.log(`each figure: the median of ${rounds} rounds of ${seconds} s (after 1 s warm-up), rounds alternating between routes`);

  const child = await startChild(project.specPath, project.workspaceDir);
  const at = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;
  const routes = {
    "mlspec serve": at(child.ports.mlspec!, "/v1/churn_api/predict"),
    "bare fastify + onnxruntime": at(child.ports.bare!, "/predict"),
  };
  const summary: string[] = [];
  const canaryOnly = process.argv.includes("--canary");
  try {
    if (!canaryOnly) await sections(routes, at, child, one, batch, rows, model.bytes, seconds, rounds, summary);
    await canarySection(at, child, one, seconds, rounds, summary);
  } finally {
    await stopChild(child);
  }
  console.log("\nsummary");
  for (const s of summary) console.log(`  ${s}`);
  project.cleanup();
}

async function canarySection(at: (port: number, path: string) => string, child: Child, one: string, seconds: number, rounds: number, summary: string[]): Promise<void> {
  const { loadavg } = await import("node:os");
  const url = at(child.ports.canary!, "/v1/churn_api/predict");
  const toggle = async (on: boolean) => void (await fetch(at(child.ports.bare!, `/bench/canary/${on ? "on" : "off"}`), { method: "POST" }));
  // rows per model run of churn_api (both versions: the histogram is labelled by model name)
  const batches = async () => {
    const text = await (await fetch(at(child.ports.canary!, "/metrics"))).text();
    const value = (name: string) => Number(new RegExp(`^${name}\\{serve="churn_api",model="churn_mlp"\\} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
    return { rows: value("mlspec_batch_size_rows_sum"), runs: value("mlspec_batch_size_rows_count") };
  };
  const cpuMicros = async () => ((await (await fetch(at(child.ports.bare!, "/bench/cpu"))).json()) as { micros: number }).micros;
  // no rollout measured twice (rounds before and after the canary's): how far two runs of one setting differ is the noise the ratio must beat
  const modes = ["no rollout", "canary at 50%", "no rollout, again"] as const;
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const n = Math.max(rounds, 5);
  for (const connections of [1, 16]) {
    const loadBefore = loadavg()[0]!;
    console.log(`\n5. one row per request, concurrency ${connections}: a canary at 50% vs no rollout, one server (load average ${loadBefore.toFixed(1)})`);
    const runs: Record<string, LoadResult[]> = Object.fromEntries(modes.map((m) => [m, []]));
    const cpu: Record<string, number[]> = Object.fromEntries(modes.map((m) => [m, []]));
    const batchRows: Record<string, { rows: number; runs: number }> = Object.fromEntries(modes.map((m) => [m, { rows: 0, runs: 0 }]));
    for (let round = 0; round < n; round++) {
      const order = round % 2 === 0 ? [...modes] : [...modes].reverse();
      for (const mode of order) {
        await toggle(mode === "canary at 50%");
        let cpuBefore = 0;
        let batchesBefore = { rows: 0, runs: 0 };
        const result = await load(url, one, connections, seconds, async () => {
          batchesBefore = await batches();
          cpuBefore = await cpuMicros();
        });
        runs[mode]!.push(result);
        cpu[mode]!.push((await cpuMicros() - cpuBefore) / result.requests);
        const batchesAfter = await batches();
        batchRows[mode]!.rows += batchesAfter.rows - batchesBefore.rows;
        batchRows[mode]!.runs += batchesAfter.runs - batchesBefore.runs;
      }
    }
    const r = Object.fromEntries(
      modes.map((m) => {
        const list = runs[m]!;
        const out: LoadResult = {
          requestsPerSecond: median(list.map((x) => x.requestsPerSecond)),
          p50: median(list.map((x) => x.p50)),
          p99: median(list.map((x) => x.p99)),
          non2xx: list.reduce((a, x) => a + x.non2xx, 0),
          errors: list.reduce((a, x) => a + x.errors, 0),
          requests: list.reduce((a, x) => a + x.requests, 0),
        };
        return [m, out];
      }),
    ) as Record<(typeof modes)[number], LoadResult>;
    for (const m of modes) console.log(line(m, r[m]));
    const a = r["no rollout"];
    const again = r["no rollout, again"];
    const can = r["canary at 50%"];
    const baseRps = (a.requestsPerSecond + again.requestsPerSecond) / 2;
    const baseP99 = (a.p99 + again.p99) / 2;
    const throughput = can.requestsPerSecond / baseRps;
    const p99 = can.p99 / baseP99;
    const noise = Math.max(Math.abs(a.requestsPerSecond / again.requestsPerSecond - 1), Math.abs(a.p99 / again.p99 - 1));
    // a ratio inside the noise shows nothing either way
    const verdict = noise > 0.1 ? `not shown: the two no-rollout runs differ by ${pct(noise)}` : throughput >= 0.9 && p99 <= 1.1 ? "met" : "not met";
    console.log(`  canary / no rollout: throughput ${pct(throughput)}, p99 ${pct(p99)}; no rollout / again: throughput ${pct(a.requestsPerSecond / again.requestsPerSecond)}, p99 ${pct(a.p99 / again.p99)} (goal within 10%: ${verdict})`);
    const cpuOf = (m: string) => median(cpu[m]!);
    const cpuRatio = cpuOf("canary at 50%") / ((cpuOf("no rollout") + cpuOf("no rollout, again")) / 2);
    console.log(`  server CPU a request: no rollout ${cpuOf("no rollout").toFixed(0)} µs, canary ${cpuOf("canary at 50%").toFixed(0)} µs, again ${cpuOf("no rollout, again").toFixed(0)} µs: canary ${pct(cpuRatio)}`);
    const perRun = (m: string) => (batchRows[m]!.rows / Math.max(1, batchRows[m]!.runs)).toFixed(2);
    console.log(`  rows per model run: no rollout ${perRun("no rollout")}, canary ${perRun("canary at 50%")} (each version batches its own half), again ${perRun("no rollout, again")}`);
    summary.push(`canary 50% at c=${connections}: rows per model run ${perRun("canary at 50%")} vs ${perRun("no rollout")}/${perRun("no rollout, again")} without`);
    summary.push(`canary 50% at c=${connections}: server CPU ${cpuOf("canary at 50%").toFixed(0)} µs a request vs ${cpuOf("no rollout").toFixed(0)}/${cpuOf("no rollout, again").toFixed(0)} µs without: ${pct(cpuRatio)}`);
    summary.push(
      `canary 50% at c=${connections}: ${Math.round(can.requestsPerSecond)} req/s, p99 ${fmt(can.p99)} vs no rollout ${Math.round(baseRps)} req/s, p99 ${fmt(baseP99)}: throughput ${pct(throughput)}, p99 ${pct(p99)}; A/A noise ${pct(noise)} (${verdict}; load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)})`,
    );
  }
  // the split the canary made, from the server's own /metrics around one more second of load
  const count = async () => {
    const text = await (await fetch(at(child.ports.canary!, "/metrics"))).text();
    const arm = (name: string) => Number(new RegExp(`mlspec_arm_requests_total\\{serve="churn_api",arm="${name}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    return { candidate: arm("candidate"), current: arm("current") };
  };
  await toggle(true);
  const before = await count();
  await load(url, one, 16, 1);
  const after = await count();
  const candidate = after.candidate - before.candidate;
  const total = candidate + after.current - before.current;
  console.log(`  the canary's arms: candidate ${candidate} of ${total} requests (${((candidate / total) * 100).toFixed(1)}%)`);
}

async function sections(
  routes: Record<"mlspec serve" | "bare fastify + onnxruntime", string>,
  at: (port: number, path: string) => string,
  child: Child,
  one: string,
  batch: string,
  rows: ChurnRow[],
  bytes: Uint8Array,
  seconds: number,
  rounds: number,
  summary: string[],
): Promise<void> {
  {
    for (const connections of [1, 16]) {
      console.log(`\n1. one row per request, concurrency ${connections}`);
      const r = await compare(routes, one, connections, seconds, rounds);
      for (const [name, result] of Object.entries(r)) console.log(line(name, result));
      const ratio = r["mlspec serve"]!.requestsPerSecond / r["bare fastify + onnxruntime"]!.requestsPerSecond;
      console.log(`  mlspec / bare throughput: ${(ratio * 100).toFixed(0)}%`);
      summary.push(`c=${connections}: mlspec p50 ${fmt(r["mlspec serve"]!.p50)}, p99 ${fmt(r["mlspec serve"]!.p99)} (bare ${fmt(r["bare fastify + onnxruntime"]!.p99)}); throughput ${(ratio * 100).toFixed(0)}% of bare`);
    }

    console.log("\n2. instances: 256 rows per request, concurrency 4");
    const instances = await compare({ "mlspec serve": routes["mlspec serve"] }, batch, 4, seconds, rounds);
    const httpRows = instances["mlspec serve"]!.requestsPerSecond * 256;
    console.log(`  mlspec serve: ${Math.round(httpRows)} rows/s (p50 ${fmt(instances["mlspec serve"]!.p50)}, p99 ${fmt(instances["mlspec serve"]!.p99)} a request)`);
    const raw = await rawOrtRowsPerSecond(bytes, rows, seconds);
    console.log(`  raw onnxruntime, 256-row batches, one session, no HTTP: ${Math.round(raw)} rows/s`);
    summary.push(`instances: ${Math.round(httpRows)} rows/s over HTTP = ${((httpRows / raw) * 100).toFixed(0)}% of raw onnxruntime (${Math.round(raw)} rows/s)`);

    console.log("\n3. one row per request, concurrency 64: batching on vs off");
    const c64 = await compare(
      {
        "batching(max_batch = 64, max_wait = 2ms)": routes["mlspec serve"],
        "no batching": at(child.ports.mlspec!, "/v1/churn_direct/predict"),
        "bare fastify + onnxruntime": routes["bare fastify + onnxruntime"],
      },
      one,
      64,
      seconds,
      rounds,
    );
    for (const [name, result] of Object.entries(c64)) console.log(line(name, result));
    summary.push(
      `c=64: batching on ${Math.round(c64["batching(max_batch = 64, max_wait = 2ms)"]!.requestsPerSecond)} req/s (p99 ${fmt(c64["batching(max_batch = 64, max_wait = 2ms)"]!.p99)}), off ${Math.round(c64["no batching"]!.requestsPerSecond)} req/s (p99 ${fmt(c64["no batching"]!.p99)})`,
    );

    console.log("\n4. one row per request, concurrency 16: prediction log and executor");
    const variants = await compare(
      {
        "inline, log on (the default)": routes["mlspec serve"],
        "inline, log off": at(child.ports.nolog!, "/v1/churn_api/predict"),
        "worker executor, log on": at(child.ports.worker!, "/v1/churn_api/predict"),
      },
      one,
      16,
      seconds,
      rounds,
    );
    for (const [name, result] of Object.entries(variants)) console.log(line(name, result));
    summary.push(`prediction log at c=16: p99 ${fmt(variants["inline, log on (the default)"]!.p99)} on vs ${fmt(variants["inline, log off"]!.p99)} off`);
  }
}

if (process.argv[2] === "--child") {
  const [, , , specPath, workspace] = process.argv;
  await runChild(specPath!, workspace!);
} else {
  await main();
}
