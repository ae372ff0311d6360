/**
 * fast-check arbitraries for small valid specs: a dataset, features, a model, and
 * optionally a search, a serve block, a rollout and a monitor, with numbers, names
 * and optional settings varied within what the language accepts.
 */
import fc from "fast-check";
import { builtins } from "../../stdlib/index.js";

type Task = "binary" | "multiclass" | "regression";

const WORDS = ["amber", "basalt", "cedar", "delta", "ember", "fjord", "glade", "harbor", "iris", "juniper"];
const METRICS: Record<Task, string[]> = {
  binary: ["auc", "accuracy", "logloss", "f1", "precision", "recall"],
  multiclass: ["accuracy", "f1", "logloss", "auc"],
  regression: ["rmse", "mae", "r2"],
};
const TASK_CALL: Record<Task, string> = { binary: "binary_classification", multiclass: "multiclass_classification", regression: "regression" };

const fraction = (max = 100) => fc.integer({ min: 0, max }).map((k) => String(k / 100));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const numericColumn = fc.record({
  type: fc.constantFrom("int", "float"),
  low: fc.integer({ min: 0, max: 50 }),
  span: fc.integer({ min: 1, max: 1000 }),
  nulls: maybe(fc.integer({ min: 1, max: 20 })),
  transform: fc.constantFrom("standardize", "minmax", "log1p", "clip", "bucketize", "impute", "bare"),
  bins: fc.integer({ min: 2, max: 20 }),
});

const categoryColumn = fc.record({
  values: fc.uniqueArray(fc.constantFrom("north", "south", "east", "west", "up", "down"), { minLength: 1, maxLength: 4 }),
  encoding: fc.constantFrom("onehot", "onehot_capped", "onehot_frequent", "hash"),
  buckets: fc.integer({ min: 1, max: 64 }),
});

const arch = fc.oneof(
  fc.record({ kind: fc.constant("linear" as const), l2: maybe(fraction(50)) }),
  fc.record({
    kind: fc.constantFrom("mlp" as const, "wide_deep" as const),
    hidden: maybe(fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 3 })),
    activation: maybe(fc.constantFrom("relu", "tanh", "sigmoid", "elu", "gelu")),
    dropout: maybe(fraction(90)),
  }),
);

const train = fc.record({
  optimizer: maybe(
    fc.oneof(
      fc.integer({ min: 1, max: 9 }).map((k) => `adam(lr = ${k}e-3)`),
      fc.tuple(fraction(50), fraction(99)).map(([lr, m]) => `sgd(lr = ${lr === "0" ? "0.01" : lr}, momentum = ${m})`),
      fc.constant("rmsprop()"),
    ),
  ),
  epochs: maybe(fc.integer({ min: 1, max: 100 })),
  batch: maybe(fc.integer({ min: 1, max: 512 })),
  seed: maybe(fc.integer({ min: 0, max: 1000 })),
  earlyStop: maybe(fc.record({ metricIndex: fc.nat(), patience: fc.integer({ min: 1, max: 10 }), qualifier: fc.constantFrom("val.", "") })),
});

const gate = fc.record({
  metricIndex: fc.nat(),
  qualifier: fc.constantFrom("", "val.", "test."),
  op: fc.constantFrom("<", "<=", ">", ">="),
  bound: fc.oneof(
    fraction().map((v) => v),
    fc.tuple(fc.constantFrom("champion", "challenger"), fc.constantFrom("-", "+"), fraction(10)).map(([a, s, v]) => ({ alias: a, sign: s, v })),
    fc.tuple(fraction(50), fraction(40)).map(([a, b]) => `${a} + ${b}`),
  ),
});

const search = fc.record({
  dropout: fc.boolean(),
  lr: fc.boolean(),
  epochs: fc.boolean(),
  optimizerChoice: fc.boolean(),
  lowExp: fc.integer({ min: 2, max: 5 }),
  epochsLow: fc.integer({ min: 1, max: 20 }),
  epochsSpan: fc.integer({ min: 1, max: 50 }),
  sampler: fc.constantFrom("tpe", "random", "grid"),
  trials: maybe(fc.integer({ min: 1, max: 50 })),
  parallel: maybe(fc.integer({ min: 1, max: 4 })),
  objectiveIndex: fc.nat(),
  prune: maybe(fc.constantFrom("median(warmup = 2)", "asha(min_resource = 1, reduction = 3)", "median")),
});

const serve = fc.record({
  port: fc.integer({ min: 1024, max: 65535 }),
  batching: maybe(fc.record({ maxBatch: fc.integer({ min: 1, max: 256 }), maxWaitMs: fc.integer({ min: 1, max: 50 }) })),
  timeoutMs: maybe(fc.integer({ min: 10, max: 5000 })),
  slo: maybe(fc.record({ latency: fc.integer({ min: 1, max: 500 }), errors: fc.integer({ min: 1, max: 10 }) })),
});

const rollout = fc.record({
  strategy: fc.oneof(
    fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 4 }).map((s) => ({ kind: "canary" as const, steps: [...s.sort((a, b) => a - b), 100] })),
    fc.record({ kind: fc.constant("shadow" as const), sample: fc.integer({ min: 1, max: 100 }), hours: fc.integer({ min: 1, max: 48 }) }),
  ),
  guardMetric: fc.boolean(),
  onFail: maybe(fc.constantFrom("rollback", "pause")),
});

const monitor = fc.record({
  featureDrift: maybe(fc.record({ test: fc.constantFrom("psi", "js"), threshold: fraction(50), hours: fc.integer({ min: 1, max: 24 }) })),
  predictionDrift: maybe(fc.integer({ min: 1, max: 10 })),
  performance: maybe(fc.record({ metricIndex: fc.nat(), value: fraction(), days: fc.integer({ min: 1, max: 7 }) })),
  retrain: fc.boolean(),
  atMost: maybe(fc.integer({ min: 1, max: 5 })),
  schedule: maybe(fc.integer({ min: 1, max: 60 })),
});

export const specConfig = fc.record({
  words: fc.shuffledSubarray(WORDS, { minLength: 3, maxLength: 3 }),
  task: fc.constantFrom<Task>("binary", "multiclass", "regression"),
  numeric: fc.array(numericColumn, { minLength: 1, maxLength: 4 }),
  category: maybe(categoryColumn),
  rows: maybe(fc.integer({ min: 1, max: 100_000 })),
  split: maybe(fc.record({ test: fc.integer({ min: 1, max: 40 }), validation: fc.integer({ min: 0, max: 30 }), seed: maybe(fc.nat(1000)), stratify: fc.boolean() })),
  arch,
  train: maybe(train),
  metricCount: fc.integer({ min: 1, max: 3 }),
  gates: fc.array(gate, { maxLength: 2 }),
  search: maybe(search),
  serve: maybe(serve),
  rollout: maybe(rollout),
  monitor: maybe(monitor),
});

export type SpecConfig = typeof specConfig extends fc.Arbitrary<infer C> ? C : never;

/** The spec text of a configuration. */
export function renderSpec(c: SpecConfig): string {
  const [w1, w2, w3] = c.words as [string, string, string];
  const ds = `${w1}_data`;
  const feats = `${w2}_features`;
  const model = `${w3}_model`;
  const metrics = METRICS[c.task].slice(0, c.metricCount);
  const pick = (i: number) => metrics[i % metrics.length]!;
  const out: string[] = ["mlspec 1", "", `dataset ${ds} {`, `  source = csv("data/${w1}.csv")`, "  label = target"];
  if (c.split) {
    const args = [`test = ${c.split.test}%`, `validation = ${c.split.validation}%`];
    if (c.split.stratify && c.task !== "regression") args.push("stratify = target");
    if (c.split.seed !== undefined) args.push(`seed = ${c.split.seed}`);
    out.push(`  split = holdout(${args.join(", ")})`);
  }
  out.push("  contract {", `    id : string unique`);
  c.numeric.forEach((col, i) => {
    const nulls = col.nulls !== undefined ? ` nulls <= ${col.nulls}%` : "";
    out.push(`    n${i} : ${col.type} range ${col.low}..${col.low + col.span}${nulls}`);
  });
  if (c.category) out.push(`    cat : enum(${c.category.values.map((v) => JSON.stringify(v)).join(", ")})`);
  const label = c.task === "binary" ? "bool" : c.task === "multiclass" ? 'enum("a", "b", "c")' : "float range -1000..1000";
  out.push(`    target : ${label}`);
  if (c.rows !== undefined) out.push(`    rows >= ${c.rows}`);
  out.push("  }", "}", "", `features ${feats} from ${ds} {`);
  c.numeric.forEach((col, i) => {
    const n = `n${i}`;
    const def = {
      standardize: `standardize(${n})`,
      minmax: `${n} |> minmax`,
      log1p: `log1p(${n}) |> standardize`,
      clip: `clip(${n}, ${col.low}, ${col.low + col.span})`,
      bucketize: `bucketize(${n}, bins = ${col.bins})`,
      impute: `impute(${n}, strategy = median) |> standardize`,
      bare: n,
    }[col.transform];
    out.push(`  f${i} = ${def}`);
  });
  if (c.category) {
    const enc = { onehot: "onehot(cat)", onehot_capped: `onehot(cat, max_categories = ${c.category.buckets})`, hash: `hash(cat, buckets = ${c.category.buckets})`, onehot_frequent: "onehot(cat, min_frequency = 2)" }[c.category.encoding];
    out.push(`  cat_enc = ${enc}`);
  }
  out.push("}", "", `model ${model} {`, `  task = ${TASK_CALL[c.task]}(target = target)`, `  inputs = ${feats}`);
  const a = c.arch;
  if (a.kind === "linear") out.push(`  arch = linear(${a.l2 !== undefined ? `l2 = ${a.l2}` : ""})`);
  else {
    const args = [a.hidden && `hidden = [${a.hidden.join(", ")}]`, a.activation && `activation = ${a.activation}`, a.dropout !== undefined && `dropout = ${a.dropout}`].filter(Boolean);
    out.push(`  arch = ${a.kind}(${args.join(", ")})`);
  }
  if (c.train) {
    const t = c.train;
    out.push("  train {");
    if (t.optimizer) out.push(`    optimizer = ${t.optimizer}`);
    if (t.epochs !== undefined) out.push(`    epochs = ${t.epochs}`);
    if (t.batch !== undefined) out.push(`    batch = ${t.batch}`);
    if (t.seed !== undefined) out.push(`    seed = ${t.seed}`);
    if (t.earlyStop) out.push(`    early_stop(${t.earlyStop.qualifier}${pick(t.earlyStop.metricIndex)}, patience = ${t.earlyStop.patience})`);
    out.push("  }");
  }
  out.push(`  metrics = [${metrics.join(", ")}]`);
  for (const g of c.gates) {
    const m = pick(g.metricIndex);
    const bound = typeof g.bound === "string" ? g.bound : `${g.bound.alias}.${m} ${g.bound.sign} ${g.bound.v}`;
    out.push(`  require ${g.qualifier}${m} ${g.op} ${bound}`);
  }
  out.push("}");
  const searchName = `${w3}_search`;
  if (c.search) {
    const s = c.search;
    const lines: string[] = [];
    if (s.dropout && a.kind !== "linear") lines.push(`  arch.dropout ~ uniform(0, 0.${s.lowExp})`);
    if (a.kind === "linear") lines.push(`  arch.l2 ~ uniform(0, ${s.lowExp})`);
    else lines.push("  arch.hidden ~ choice([8], [16, 8], [])");
    if (s.lr) lines.push(`  train.optimizer.lr ~ loguniform(1e-${s.lowExp}, 1e-1)`);
    if (s.epochs) lines.push(`  train.epochs ~ int(${s.epochsLow}, ${s.epochsLow + s.epochsSpan})`);
    if (s.optimizerChoice) {
      lines.push("  train.optimizer ~ choice(adam, sgd)", "  train.optimizer.momentum ~ uniform(0, 0.9) when train.optimizer == sgd");
    }
    const samplerArgs = [s.trials !== undefined && `trials = ${s.trials}`, s.parallel !== undefined && `parallel = ${s.parallel}`].filter(Boolean);
    lines.push(`  sampler = ${s.sampler}(${samplerArgs.join(", ")})`, `  objective = ${builtins.metrics.get(pick(s.objectiveIndex))!.direction} val.${pick(s.objectiveIndex)}`);
    if (s.prune) lines.push(`  prune = ${s.prune}`);
    out.push("", `search ${searchName} for ${model} {`, ...lines, "}");
  }
  const serveName = `${w1}_api`;
  if (c.serve) {
    const s = c.serve;
    out.push("", `serve ${serveName} {`, `  model = ${model}@champion`, `  http(port = ${s.port})`);
    if (s.batching) out.push(`  batching(max_batch = ${s.batching.maxBatch}, max_wait = ${s.batching.maxWaitMs}ms)`);
    if (s.timeoutMs !== undefined) out.push(`  timeout = ${s.timeoutMs}ms`);
    if (s.slo) out.push(`  slo { p99_latency < ${s.slo.latency}ms  error_rate < ${s.slo.errors}% }`);
    out.push("}");
    if (c.rollout) {
      const r = c.rollout;
      const call = r.strategy.kind === "canary" ? `canary(steps = [${r.strategy.steps.map((x) => `${x}%`).join(", ")}], interval = 10m)` : `shadow(${model}@challenger, sample = ${r.strategy.sample}%, duration = ${r.strategy.hours}h)`;
      out.push("", `rollout ${w2}_rollout for ${serveName} {`, `  ${call}`);
      out.push(`  guard { error_rate < 1%${r.guardMetric ? `  ${metrics[0]} >= champion.${metrics[0]} - 0.01` : ""} }`);
      if (r.onFail) out.push(`  on_fail = ${r.onFail}`);
      out.push("}");
    }
    if (c.monitor) {
      const m = c.monitor;
      out.push("", `monitor ${w3}_watch for ${serveName} {`);
      if (m.featureDrift) out.push(`  drift(features = all, test = ${m.featureDrift.test}, threshold = ${m.featureDrift.threshold}, window = ${m.featureDrift.hours}h)`);
      if (m.predictionDrift !== undefined) out.push(`  drift(prediction, test = ks, p_value < 0.0${m.predictionDrift === 10 ? "1" : m.predictionDrift})`);
      if (m.performance) out.push(`  performance(${pick(m.performance.metricIndex)} >= ${m.performance.value}, window = ${m.performance.days}d, labels = csv("data/labels.csv"))`);
      const signals = [(m.featureDrift || m.predictionDrift !== undefined) && "drift", m.performance && "performance"].filter(Boolean);
      if (m.retrain && signals.length > 0) {
        const clauses = [m.atMost !== undefined && `at most ${m.atMost} per 1d`, `using ${c.search ? searchName : model}`].filter(Boolean);
        out.push(`  retrain when ${signals.join(" or ")}, ${clauses.join(", ")}`);
      }
      if (m.schedule !== undefined) out.push(`  schedule = ${m.schedule}m`);
      out.push("}");
    }
  }
  return out.join("\n") + "\n";
}
