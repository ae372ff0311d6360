/**
 * A generated spec for the compiler benchmark (bench/compile.ts) and the parser
 * tests: projects of a dataset with its contract, features, two models, a
 * search, a serve block, a rollout and a monitor, each with varied names,
 * columns and settings. It checks clean.
 */
import { Rng } from "../core/rng.js";

const WORDS = ["orders", "visits", "claims", "loans", "trips", "sensors", "tickets", "listings", "sessions", "invoices", "patients", "shipments"];
const CATEGORIES = ["north", "south", "east", "west", "basic", "pro", "enterprise", "web", "ios", "android", "retail", "partner"];

/** One project: a dataset and everything built on it, ~100 lines. */
function project(rng: Rng, i: number): string {
  const base = `${WORDS[i % WORDS.length]}_${i}`;
  const task = (["binary", "regression", "multiclass"] as const)[i % 3]!;
  const numeric = 6 + rng.int(0, 6);
  const categorical = 2 + rng.int(0, 3);
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  push(`# project ${i}: ${task}`, `dataset ${base} {`, `  source = csv("data/${base}.csv")`, "  label  = target");
  push(`  split  = holdout(test = ${10 + rng.int(0, 20)}%, validation = ${5 + rng.int(0, 10)}%${task === "regression" ? "" : ", stratify = target"}, seed = ${rng.int(0, 1000)})`, "");
  push("  contract {", "    id : string unique");
  for (let c = 0; c < numeric; c++) {
    const type = c % 2 === 0 ? "int" : "float";
    const hi = 10 + rng.int(0, 10_000);
    push(`    x${c} : ${type} range 0..${hi}${c % 4 === 3 ? ` nulls <= ${1 + rng.int(0, 5)}%` : ""}`);
  }
  for (let c = 0; c < categorical; c++) {
    const values = CATEGORIES.slice(c * 2, c * 2 + 2 + rng.int(0, 3)).map((v) => JSON.stringify(v));
    push(`    k${c} : enum(${values.join(", ")})`);
  }
  push(`    target : ${task === "binary" ? "bool" : task === "multiclass" ? 'enum("low", "mid", "high")' : "float range -1e6..1e6"}`);
  push(`    rows >= ${100 + rng.int(0, 10_000)}`, "  }", "}", "");

  push(`features ${base}_features from ${base} {`);
  for (let c = 0; c < numeric; c++) {
    const f = [`standardize(x${c})`, `log1p(x${c}) |> standardize`, `impute(x${c}, strategy = median) |> clip(0, ${100 + c})`, `bucketize(x${c}, bins = ${4 + c})`, `minmax(x${c})`][c % 5];
    push(`  f${c} = ${f}`);
  }
  for (let c = 0; c < categorical; c++) push(`  k${c}_oh = ${c % 2 === 0 ? `onehot(k${c})` : `hash(k${c}, buckets = ${8 << c})`}`);
  if (categorical >= 2) push(`  k_cross = cross(k0, k1, buckets = 64)`);
  push("}", "");

  const metrics = task === "binary" ? ["auc", "accuracy", "logloss"] : task === "multiclass" ? ["accuracy", "f1", "logloss"] : ["rmse", "mae", "r2"];
  const best = metrics[0]!;
  const direction = task === "regression" ? "minimize" : "maximize";
  const gate = task === "regression" ? `require r2 >= 0.${50 + rng.int(0, 40)}` : `require ${best} >= 0.${60 + rng.int(0, 30)}`;
  const taskCall = { binary: "binary_classification", regression: "regression", multiclass: "multiclass_classification" }[task];
  for (const [suffix, arch] of [
    ["mlp", `mlp(hidden = [${32 + 16 * rng.int(0, 4)}, ${8 + 8 * rng.int(0, 3)}], activation = relu, dropout = 0.${rng.int(0, 5)})`],
    ["linear", `linear(l2 = 0.00${1 + rng.int(0, 8)})`],
  ] as const) {
    push(`model ${base}_${suffix} {`, `  task    = ${taskCall}(target = target)`, `  inputs  = ${base}_features`, `  arch    = ${arch}`);
    push("  train {", `    optimizer = adam(lr = ${1 + rng.int(0, 9)}e-3)`, `    epochs    = ${10 + rng.int(0, 40)}`, `    batch     = ${[32, 64, 128, 256][rng.int(0, 3)]}`, `    seed      = ${rng.int(0, 100)}`);
    push(`    early_stop(val.${best}, patience = ${2 + rng.int(0, 5)})`, "  }", `  metrics = [${metrics.join(", ")}]`, `  ${gate}`);
    if (suffix === "mlp") push(`  require ${best} ${direction === "maximize" ? ">=" : "<="} champion.${best} ${direction === "maximize" ? "-" : "+"} 0.02`);
    push("}", "");
  }

  push(`search ${base}_search for ${base}_mlp {`, "  arch.hidden        ~ choice([16], [32, 16], [64, 32])", `  arch.dropout       ~ uniform(0.0, 0.${3 + rng.int(0, 5)})`);
  push("  train.optimizer.lr ~ loguniform(1e-4, 3e-2)", `  train.epochs       ~ int(5, ${20 + rng.int(0, 30)})`);
  push(`  sampler   = tpe(trials = ${10 + rng.int(0, 40)}, parallel = 2, seed = ${rng.int(0, 100)})`, `  objective = ${direction} val.${best}`, "  prune     = median(warmup = 3)", "}", "");

  push(`serve ${base}_api {`, `  model    = ${base}_mlp@champion`, `  fallback = ${base}_linear@champion`, `  http(port = ${8000 + i})`);
  push(`  batching(max_batch = ${16 << rng.int(0, 3)}, max_wait = ${1 + rng.int(0, 4)}ms)`, `  timeout  = ${100 + 50 * rng.int(0, 6)}ms`, `  slo { p99_latency < ${20 + rng.int(0, 80)}ms  error_rate < 0.${1 + rng.int(0, 8)}% }`, "}", "");

  push(`rollout ${base}_rollout for ${base}_api {`, `  canary(steps = [5%, 25%, 50%, 100%], interval = ${5 + rng.int(0, 55)}m)`);
  push(`  guard { p99_latency < 80ms  error_rate < 1%  ${best} ${direction === "maximize" ? ">=" : "<="} champion.${best} ${direction === "maximize" ? "-" : "+"} 0.01 }`, "  on_fail = rollback", "}", "");

  push(`monitor ${base}_watch for ${base}_api {`, `  drift(features = all, test = psi, threshold = 0.${1 + rng.int(0, 3)}, window = ${1 + rng.int(0, 5)}h)`, "  drift(prediction, test = ks, p_value < 0.01)");
  push(`  performance(${best} ${direction === "maximize" ? ">=" : "<="} 0.${50 + rng.int(0, 40)}, window = 1d, labels = csv("data/${base}_feedback.csv"))`);
  push(`  retrain when drift or performance, at most 1 per 1d, using ${base}_search`, "}", "");
  return lines.join("\n");
}

export function generateSpec(targetLines: number, seed = 1): string {
  const rng = new Rng(seed);
  const parts = ["mlspec 1", ""];
  let lines = 2;
  for (let i = 0; lines < targetLines; i++) {
    const p = project(rng, i);
    parts.push(p);
    lines += p.split("\n").length;
  }
  return parts.join("\n") + "\n";
}
