/**
 * Monitoring benchmark: `mlspec monitor --once` over 1,000,000 logged predictions (one
 * hour, one version) of a small trained binary model (test/run/fixtures.ts), two drift
 * rules (features = all with auto, prediction with ks), against a baseline that only
 * reads the same window from the prediction log and parses each row's JSON.
 *
 *   npx tsx bench/monitor.ts [rows]
 */
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { evaluateMonitorsOnce } from "../runtime/monitor/monitor-once.js";
import { Rng } from "../core/rng.js";
import { readPredictions } from "../runtime/workspace/predictions.js";
import { planForServing } from "../runtime/serve/serve-plan.js";
import { openWorkspace } from "../runtime/workspace/workspace.js";
import { binaryCsv, binarySpec, removeTempDirs, run, writeProject } from "../test/run/fixtures.js";

const rows = Number(process.argv[2] ?? 1_000_000);
const T0 = Date.parse("2026-12-03T10:00:00Z");
const HOUR = 3_600_000;
const spec =
  binarySpec() +
  `
serve api {
  model = m@champion
  http(port = 8080)
}

monitor watch for api {
  drift(features = all, window = 1h)
  drift(prediction, test = ks, p_value < 0.01, window = 1h)
  alert(channel = log)
}
`;

const p = writeProject(spec, binaryCsv(3000));
if ((await run(p.spec)).exitCode !== 0) throw new Error("training failed");
const ws = openWorkspace(path.join(p.dir, ".mlspec"));
const version = ws.registry.resolve("m", "champion").version;
const log = ws.registry.predictionLog({ maxRows: 50_000 });
const rng = new Rng(1);
for (let i = 0; i < rows; i++) {
  const pr = rng.next();
  log.log({
    requestId: `r${i}`,
    time: T0 + Math.floor((i * HOUR) / rows),
    serve: "api",
    model: "m",
    version,
    inputs: { id: `r${i}`, x1: Number(rng.uniform(0, 10).toFixed(3)), x2: Number(rng.normal().toFixed(3)), color: ["red", "green", "blue"][rng.int(0, 2)] },
    output: { prediction: pr >= 0.5, probabilities: { false: 1 - pr, true: pr } },
    latencyMs: 1,
  });
}
log.close();

const plan = planForServing(p.spec);
const baseline = () => {
  const t = performance.now();
  const got = ws.registry.db.prepare("SELECT inputs, output FROM predictions WHERE serve = ? AND at >= ? AND at < ?").all("api", T0, T0 + HOUR) as Array<{ inputs: string; output: string }>;
  let n = 0;
  for (const r of got) n += (JSON.parse(r.inputs) ? 1 : 0) + (JSON.parse(r.output) ? 1 : 0);
  if (n !== 2 * rows) throw new Error("baseline read the wrong rows");
  return performance.now() - t;
};
const readOnly = () => {
  const t = performance.now();
  if (readPredictions(ws.registry.db, { serve: "api", since: T0, until: T0 + HOUR }).length !== rows) throw new Error("wrong rows");
  return performance.now() - t;
};
const ours = async () => {
  const t = performance.now();
  const [report] = await evaluateMonitorsOnce(plan, ws, { from: T0, to: T0 + HOUR, now: () => T0 + HOUR });
  if (report!.drift[0]!.versions[0]!.rows !== rows) throw new Error("monitor read the wrong rows");
  return performance.now() - t;
};
const b: number[] = [];
const o: number[] = [];
const r: number[] = [];
for (let k = 0; k < 3; k++) {
  b.push(baseline());
  r.push(readOnly());
  o.push(await ours());
}
const best = (xs: number[]) => Math.min(...xs);
console.log(`${rows} logged predictions, 2 drift rules (x1, x2, color by auto; prediction by ks)`);
console.log(`monitor --once: best ${best(o).toFixed(0)} ms (${o.map((x) => x.toFixed(0)).join(", ")})`);
console.log(`baseline, read + JSON.parse of the window: best ${best(b).toFixed(0)} ms (${b.map((x) => x.toFixed(0)).join(", ")})`);
console.log(`of which readPredictions (the workspace's reader): best ${best(r).toFixed(0)} ms (${r.map((x) => x.toFixed(0)).join(", ")})`);
console.log(`ratio ${(best(o) / best(b)).toFixed(2)}`);
ws.close();
removeTempDirs();
