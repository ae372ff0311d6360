/**
 * fast-check generators of mlspec source text.
 */
import fc from "fast-check";

type Kind = "int" | "float" | "bool" | "string" | "enum";

interface Column {
  name: string;
  kind: Kind;
  decl: string;
}

/** Names, including words the language uses elsewhere (a column may be called `unique`). */
const name = fc.oneof(
  { weight: 5, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/) },
  { weight: 1, arbitrary: fc.constantFrom("unique", "range", "model", "features", "label", "source", "train", "in", "at", "most", "per", "using") },
);
const RESERVED = new Set(["from", "for", "and", "or", "not", "true", "false", "require", "retrain", "when", "maximize", "minimize", "mlspec", "import", "dataset", "search", "serve", "rollout", "monitor", "contract"]);
const goodName = name.filter((n) => !RESERVED.has(n));

const comment = fc.constantFrom("# why this is here", "# TODO: more data", "#", "# ünïcode ✓", "# a # in a comment");
const maybeComment = fc.option(comment, { freq: 3, nil: undefined }).map((c) => (c ? `  ${c}` : ""));

function columnArb(kind: Kind): fc.Arbitrary<string> {
  const pct = fc.integer({ min: 0, max: 50 }).map((n) => ` nulls <= ${n}%`);
  switch (kind) {
    case "int":
      return fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 100 }), fc.boolean(), fc.option(pct, { nil: "" })).map(
        ([lo, span, unique, nulls]) => `int range ${lo}..${lo + span}${unique ? " unique" : ""}${nulls}`,
      );
    case "float":
      return fc.tuple(fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }), fc.option(pct, { nil: "" })).map(([hi, nulls]) => `float${hi ? ` range 0..${hi}.5` : ""}${nulls}`);
    case "bool":
      return fc.constant("bool");
    case "string":
      return fc.boolean().map((u) => `string${u ? " unique" : ""}`);
    case "enum":
      return fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 2, maxLength: 4 }).map((vs) => `enum(${vs.map((v) => JSON.stringify(v)).join(", ")})`);
  }
}

const TRANSFORMS: Record<Kind, string[]> = {
  int: ["standardize({c})", "minmax({c})", "log1p({c}) |> clip(0, 10)", "impute({c}, strategy = median) |> standardize", "{c}", "bucketize({c}, bins = 4)"],
  float: ["standardize({c})", "{c} |> log1p |> clip(0, 12)", "impute({c}) |> minmax", "{c}"],
  bool: ["{c}", "onehot({c})"],
  string: ["onehot({c})", "hash({c}, buckets = 32)", "embed_index({c})"],
  enum: ["onehot({c})", "hash({c}, buckets = 8, seed = 1)"],
};

const TASKS = {
  binary: { task: "binary_classification", label: "bool" as Kind, metrics: ["auc", "accuracy", "logloss", "f1", "precision", "recall"], loss: false },
  regression: { task: "regression", label: "float" as Kind, metrics: ["rmse", "mae", "r2"], loss: true },
  multiclass: { task: "multiclass_classification", label: "enum" as Kind, metrics: ["accuracy", "logloss"], loss: false },
};

/** A spec that checks clean: a dataset, a model of a fitting task, and optionally
 * features, search, serve, rollout and monitor blocks, with comments sprinkled in. */
export const validSpec = fc
  .record({
    ds: goodName,
    feats: goodName,
    model: goodName,
    cols: fc.uniqueArray(fc.tuple(goodName, fc.constantFrom<Kind>("int", "float", "bool", "string", "enum")), { minLength: 1, maxLength: 6, selector: ([n]) => n }),
    taskKey: fc.constantFrom<keyof typeof TASKS>("binary", "regression", "multiclass"),
    labelName: goodName,
    useFeatures: fc.boolean(),
    /** Column groups (spec/language.md#column-groups) in the contract and the features block. */
    groups: fc.boolean(),
    arch: fc.constantFrom(
      "linear()",
      "mlp(hidden = [16, 8], dropout = 0.1)",
      "mlp(hidden = [4], activation = relu)",
      // one statement over several lines, with comments inside it
      "mlp(\n    hidden  = [32, 16],  # two layers\n    # regularise a little\n    dropout = 0.2,\n  )",
    ),
    train: fc.option(fc.constantFrom("train {\n    optimizer = adam(lr = 1e-3)\n    epochs    = 5\n  }", "train { optimizer = sgd(lr = 0.1, momentum = 0.9)  epochs = 3  batch = 32 }", "train {\n    seed = 7\n    early_stop(val.loss, patience = 2)\n  }"), { nil: undefined }),
    gate: fc.boolean(),
    search: fc.boolean(),
    serve: fc.boolean(),
    rollout: fc.constantFrom("canary", "shadow", "none"),
    monitor: fc.boolean(),
    header: fc.boolean(),
    comments: fc.array(maybeComment, { minLength: 12, maxLength: 12 }),
    /** Comments on lines of their own, at a few places inside blocks. */
    ownLine: fc.array(fc.option(comment, { freq: 2, nil: undefined }), { minLength: 4, maxLength: 4 }),
    seed: fc.nat(),
  })
  .filter((r) => {
    const names = [r.ds, r.feats, r.model, "svc", "rollout_a", "watch", "tune", r.labelName, ...r.cols.map(([n]) => n)];
    return new Set([r.ds, r.feats, r.model, "svc", "rollout_a", "watch", "tune"]).size === 7 && !r.cols.some(([n]) => n === r.labelName) && names.every((n) => n.length > 0);
  })
  .chain((r) => {
    const t = TASKS[r.taskKey];
    return fc.tuple(fc.constant(r), fc.tuple(...r.cols.map(([, kind]) => columnArb(kind))), columnArb(t.label), fc.tuple(...r.cols.map(([, kind]) => fc.constantFrom(...TRANSFORMS[kind]))));
  })
  .map(([r, colTypes, labelType, transforms]) => {
    const t = TASKS[r.taskKey];
    // a two-valued enum label is binary, not multiclass: give multiclass three values
    const label = r.taskKey === "multiclass" ? 'enum("a", "b", "c")' : labelType.replace(/ unique/, "");
    const columns: Column[] = r.cols.map(([n, kind], i) => ({ name: n, kind, decl: colTypes[i]! }));
    const c = r.comments;
    const lines: string[] = [];
    if (r.header) lines.push(`mlspec 1${c[0]}`, "");
    const own = (i: number, indent: string) => (r.ownLine[i] ? [`${indent}${r.ownLine[i]}`] : []);
    lines.push(`dataset ${r.ds} {${c[1]}`, ...own(0, "  "), `  source = csv("data/${r.ds}.csv")`, `  label  = ${r.labelName}`, `  split  = holdout(test = 20%, seed = ${r.seed % 100})`, "", "  contract {");
    columns.forEach((col, i) => {
      if (i === 1) lines.push(...own(1, "    "));
      lines.push(`    ${col.name} : ${col.decl}${c[2]}`);
    });
    const numeric = columns.some((col) => col.kind === "int" || col.kind === "float");
    const groupNames = ["g_a", "g_b"].filter((g) => g !== r.labelName && !columns.some((col) => col.name === g));
    if (r.groups && groupNames.length === 2) lines.push(`    each [${groupNames.join(", ")}] : float range 0..10${c[2]}`);
    lines.push(`    ${r.labelName} : ${label}`);
    if (r.groups && numeric && r.taskKey !== "regression") lines.push("    each numeric : nulls <= 5%");
    lines.push("    rows >= 10", "  }", "}", "");
    const inputs = r.useFeatures ? r.feats : `columns(${r.ds}, except = [${r.labelName}])`;
    if (r.useFeatures) {
      lines.push(`features ${r.feats} from ${r.ds} {`);
      columns.forEach((col, i) => lines.push(`  f_${i} = ${transforms[i]!.replaceAll("{c}", col.name)}${c[3]}`));
      if (r.groups && (numeric || groupNames.length === 2)) lines.push(`  each numeric as *_g = impute(strategy = median) |> standardize${c[3]}`);
      lines.push("}", "");
    }
    const metrics = t.metrics.slice(0, 2);
    lines.push(`model ${r.model} {`, `  task    = ${t.task}(target = ${r.labelName})${c[4]}`, `  inputs  = ${inputs}`, `  arch    = ${r.arch}`);
    if (r.train) lines.push(`  ${r.train}`);
    lines.push(...own(2, "  "), `  metrics = [${metrics.join(", ")}]`);
    if (r.gate) lines.push(`  require ${metrics[0]} ${t.loss ? "<=" : ">="} ${t.loss ? "10" : "0.5"}${c[5]}`, `  require ${metrics[0]} ${t.loss ? "<=" : ">="} champion.${metrics[0]} ${t.loss ? "+" : "-"} 0.01`);
    lines.push(...own(3, "  "), "}", "");
    if (r.search) {
      const objective = `${t.loss ? "minimize" : "maximize"} val.${metrics[0]}`;
      lines.push(`search tune for ${r.model} {`, "  train.optimizer.lr ~ loguniform(1e-4, 1e-1)", "  train.epochs ~ int(2, 8)", `  sampler   = random(trials = 4, seed = 1)${c[6]}`, `  objective = ${objective}`, "}", "");
    }
    if (r.serve) {
      lines.push("serve svc {", `  model   = ${r.model}@champion`, "  timeout = 200ms", "  slo { p99_latency < 50ms  error_rate < 1% }", "}", "");
      if (r.rollout === "canary") lines.push("rollout rollout_a for svc {", `  canary(steps = [10%, 50%, 100%], interval = 5m)${c[7]}`, "  guard { error_rate < 2% }", "}", "");
      if (r.rollout === "shadow") lines.push("rollout rollout_a for svc {", `  shadow(${r.model}@challenger, sample = 50%, duration = 1h)`, "}", "");
      if (r.monitor) {
        lines.push("monitor watch for svc {", "  drift(features = all, test = psi, threshold = 0.2, window = 1h)", `  performance(${metrics[0]} ${t.loss ? "<=" : ">="} 0.5, window = 1d, labels = csv("data/feedback.csv"))`);
        lines.push(`  retrain when drift or performance, at most 1 per 1d${r.search ? ", using tune" : ""}${c[8]}`, "}", "");
      }
    }
    if (c[9]) lines.push(c[9].trim());
    return lines.join("\n");
  });
