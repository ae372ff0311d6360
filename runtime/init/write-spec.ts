/**
 * The text of the spec `mlspec init` writes: a dataset with the inferred contract, a
 * features block, a linear model and an MLP, and a serve block, in `mlspec fmt`'s layout,
 * with a comment on each inferred line saying what was seen.
 */
import { fmtNumber, type InferredColumn, type InferredSpec, type InferredType, RANGE_MARGIN, ROWS_SHARE, type Task } from "./infer-contract.js";

export interface SpecNames {
  /** Block name stem (from the file name). */
  stem: string;
  /** The data file as the spec reads it (relative to the spec's folder, forward slashes). */
  sourcePath: string;
  format: "csv" | "jsonl" | "parquet";
  /** The file as the user named it, for the header comment. */
  shownFile: string;
}

/** Training rows a text value needs to get its own one-hot column. */
const RARE_MIN = 5;

const TASK_CALL: Record<Task, string> = {
  binary: "binary_classification",
  multiclass: "multiclass_classification",
  regression: "regression",
};
const METRICS: Record<Task, string[]> = {
  binary: ["auc", "accuracy", "logloss"],
  multiclass: ["accuracy", "logloss", "f1"],
  regression: ["rmse", "mae", "r2"],
};
const WATCHED: Record<Task, string> = { binary: "val.auc", multiclass: "val.logloss", regression: "val.rmse" };

function typeText(t: InferredType): string {
  return t.kind === "enum" ? `enum(${t.values.map((v) => JSON.stringify(v)).join(", ")})` : t.kind;
}

/** Lines `left  # comment` with the comments aligned, as `fmt` aligns trailing comments. */
function aligned(lines: Array<[string, string]>): string[] {
  const width = Math.max(...lines.map(([l, c]) => (c ? l.length : 0)));
  return lines.map(([l, c]) => (c ? `${l.padEnd(width)} # ${c}` : l));
}

/** `name : type …` lines with names and types aligned in columns. */
function contractLines(columns: InferredColumn[]): Array<[string, string]> {
  const nameWidth = Math.max(...columns.map((c) => c.name.length));
  return columns.map((c) => {
    const parts = [typeText(c.type)];
    if (c.range) parts.push(`range ${fmtNumber(c.range.min)}..${fmtNumber(c.range.max)}`);
    if (c.unique) parts.push("unique");
    if (c.nullsPercent !== undefined) parts.push(`nulls <= ${c.nullsPercent}%`);
    return [`    ${c.name.padEnd(nameWidth)} : ${parts.join(" ")}`, c.why];
  });
}

function featureLines(columns: InferredColumn[]): string[] {
  const defs: Array<[string, string]> = [];
  for (const c of columns) {
    if (!("as" in c.use) || c.use.as === "label") continue;
    if (c.use.as === "onehot") defs.push([`${c.name}_oh`, c.type.kind === "enum" ? `onehot(${c.name})` : `onehot(${c.name}, min_frequency = ${RARE_MIN})`]);
    else if (c.use.impute) defs.push([`${c.name}_z`, `impute(${c.name}, strategy = median) |> standardize`]);
    else defs.push([`${c.name}_z`, `standardize(${c.name})`]);
  }
  const width = Math.max(...defs.map(([n]) => n.length));
  return defs.map(([n, p]) => `  ${n.padEnd(width)} = ${p}`);
}

export function writeSpec(spec: InferredSpec, names: SpecNames, label: string): string {
  const { stem } = names;
  const task = spec.task;
  const stratify = task === "regression" ? "" : `, stratify = ${label}`;
  const validation = task === "regression" ? "10%" : "20%";
  const skipped = spec.columns.filter((c) => "skip" in c.use);
  const features = featureLines(spec.columns);
  if (features.length === 0) return "";
  const metrics = METRICS[task];
  const taskLine = `${TASK_CALL[task]}(target = ${label})`;
  const out: string[] = [
    "mlspec 1",
    "",
    `# Written by \`mlspec init ${names.shownFile} --label ${label}\` from ${spec.rowsRead} rows. Every line below`,
    "# is a guess from the data seen: read it, tighten what you know better, then `mlspec run` it.",
    `# Types: the narrowest every value parses as; ranges: min..max widened by ${RANGE_MARGIN * 100}% of the span`,
    "# (never below 0 for a column with no negative value); enums: text columns with at most 20",
    "# distinct values; unique: every value distinct (an id); nulls: twice the share seen.",
    `dataset ${stem} {`,
    `  source = ${names.format}(${JSON.stringify(names.sourcePath)})`,
    `  label  = ${label}`,
    `  split  = holdout(test = 20%, validation = ${validation}${stratify}, seed = 7)`,
    "",
    "  contract {",
    ...aligned(contractLines(spec.columns)),
    `    rows >= ${spec.rowsAtLeast} # ${spec.rowsRead} rows read; a file of at least ${ROWS_SHARE * 100}% of that runs`,
    "  }",
    "}",
    "",
    `# ${task}: ${spec.taskWhy}.`,
    "# Numbers are standardized (nulls imputed by the training median first), enums one-hot encoded",
    "# (a missing or unseen value has its own column), repeated text one-hot encoded by its values seen",
    `# at least ${RARE_MIN} times in training (rarer ones share the unknown column).`,
  ];
  for (const c of skipped) out.push(`# not a feature: ${c.name}, ${(c.use as { skip: string }).skip}`);
  for (const c of spec.leftOut) out.push(`# not in the contract: ${JSON.stringify(c.name)}, ${c.why}`);
  out.push(`features ${stem}_features from ${stem} {`, ...features, "}", "");
  const earlyStop = `early_stop(${WATCHED[task]}, patience = 8)`;
  // the two models differ only in their architecture and training budget
  const model = (name: string, arch: string, lr: string, epochs: number, batch: number) => [
    `model ${stem}_${name} {`,
    `  task   = ${taskLine}`,
    `  inputs = ${stem}_features`,
    `  arch   = ${arch}`,
    "  train {",
    `    optimizer = adam(lr = ${lr})`,
    `    epochs    = ${epochs}`,
    `    batch     = ${batch}`,
    "    seed      = 1",
    `    ${earlyStop}`,
    "  }",
    `  metrics = [${metrics.join(", ")}]`,
    "}",
    "",
  ];
  out.push(
    "# a linear baseline: every feature weighted once",
    ...model("linear", "linear()", "3e-2", 60, 64),
    ...model("mlp", "mlp(hidden = [32, 16], activation = relu, dropout = 0.1)", "3e-3", 80, task === "multiclass" && spec.rowsRead < 1000 ? 16 : 64),
    `serve ${stem}_api {`,
    `  model    = ${stem}_mlp@champion`,
    `  fallback = ${stem}_linear@champion`,
    "}",
    "",
  );
  return out.join("\n");
}
