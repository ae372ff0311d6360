/**
 * `mlspec init` against the hand-written examples: each example's spec and the spec `init`
 * infers from the same data file are run in the same process (wasm backend, the specs' own
 * seeds), and their test metrics compared (the goal: init within 2 points of the hand-written).
 *
 *   npx tsx bench/init-metrics.ts [example…]
 *
 * The compared model: the hand-written spec's trained model, and init's MLP. The two specs split
 * with different seeds (init always writes seed 7), so the test rows differ; movies is compared
 * for the record only (hand-written: matrix factorization on a time-ordered split; init cannot
 * know the order and writes a regression on a random split).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { initSpec } from "../bin/commands/init-command.js";
import { runSpec } from "../runtime/run/run-spec.js";

const EXAMPLES = [
  { example: "churn", file: "customers.csv", label: "churned", model: "churn_mlp", metric: "auc" },
  { example: "credit", file: "applicants.csv", label: "defaulted", model: "credit_mlp", metric: "auc" },
  { example: "housing", file: "houses.csv", label: "price", model: "price_mlp", metric: "r2" },
  { example: "iris", file: "iris.csv", label: "species", model: "iris_mlp", metric: "accuracy" },
  { example: "movies", file: "ratings.csv", label: "rating", model: "movie_mf", metric: "rmse" },
];
const wanted = process.argv.slice(2);
const repo = path.resolve(import.meta.dirname, "..");
const sink = new (class extends (await import("node:stream")).Writable {
  override _write(_c: unknown, _e: string, cb: () => void) {
    cb();
  }
})();

async function metricOf(spec: string, model: string, metric: string): Promise<number> {
  const { exitCode, summary } = await runSpec(spec, { backend: "wasm", out: sink });
  if (exitCode !== 0 && exitCode !== 3) throw new Error(`${spec}: exit ${exitCode}`);
  return summary!.models.find((m) => m.model === model)!.metrics[metric]!;
}

const rows: string[][] = [];
for (const e of EXAMPLES.filter((x) => wanted.length === 0 || wanted.includes(x.example))) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mlspec-init-bench-"));
  try {
    fs.cpSync(path.join(repo, "examples", e.example), path.join(tmp, "hand"), { recursive: true, filter: (p) => path.basename(p) !== ".mlspec" });
    const hand = await metricOf(path.join(tmp, "hand", `${e.example}.mlspec`), e.model, e.metric);
    fs.mkdirSync(path.join(tmp, "init", "data"), { recursive: true });
    fs.cpSync(path.join(repo, "examples", e.example, "data", e.file), path.join(tmp, "init", "data", e.file));
    const made = await initSpec(`data/${e.file}`, { label: e.label, cwd: path.join(tmp, "init") });
    const stem = path.basename(made.specPath, ".mlspec");
    const init = await metricOf(made.specPath, `${stem}_mlp`, e.metric);
    const points = (init - hand) * 100;
    rows.push([e.example, e.metric, hand.toFixed(4), init.toFixed(4), `${points >= 0 ? "+" : ""}${points.toFixed(1)}`]);
    process.stderr.write(`${e.example} done\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
const header = ["example", "metric", "hand-written", "init (MLP)", "init − hand, points"];
const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
for (const r of [header, ...rows]) console.log(r.map((c, k) => c.padEnd(widths[k]!)).join("  "));
