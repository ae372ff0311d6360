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

/**
 * A table with at least this many columns gets column groups (spec/language.md#column-groups)
 * where they make the spec shorter; a narrower one keeps a line per column, with its exact
 * range and what was seen beside it.
 */
export const GROUP_MIN_COLUMNS = 12;

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

/**
 * The range a grouped column is given: its widened range rounded out to a power of ten
 * (0..1, 0..100, or −10^k..10^k for a column with negative values), so that columns of one
 * magnitude share a line. Contains the widened range.
 */
export function decadeRange(range: { min: number; max: number }, isInt: boolean): { min: number; max: number } {
  const reach = Math.max(Math.abs(range.min), Math.abs(range.max));
  let bound = reach > 0 ? 10 ** Math.ceil(Math.log10(reach)) : 1;
  bound = Number(bound.toPrecision(12));
  if (bound < reach) bound *= 10;
  if (isInt) bound = Math.max(1, Math.round(bound));
  return { min: range.min >= 0 ? 0 : -bound, max: bound };
}

/** What a column's contract line says after its name. */
function ruleText(c: InferredColumn, range: { min: number; max: number } | undefined): string {
  const parts = [typeText(c.type)];
  if (range) parts.push(`range ${fmtNumber(range.min)}..${fmtNumber(range.max)}`);
  if (c.unique) parts.push("unique");
  if (c.nullsPercent !== undefined) parts.push(`nulls <= ${c.nullsPercent}%`);
  return parts.join(" ");
}

/**
 * The contract with columns of one type and the same (power-of-ten) constraints on one
 * `each [...]` line; a column alone in its kind, an enum or an id keeps its own line.
 */
function groupedContractLines(columns: InferredColumn[]): Array<[string, string]> {
  const groups = new Map<string, InferredColumn[]>();
  const order: Array<string | InferredColumn> = [];
  for (const c of columns) {
    if (c.type.kind === "enum" || c.unique || ("as" in c.use && c.use.as === "label")) {
      order.push(c);
      continue;
    }
    const key = ruleText(c, c.range && decadeRange(c.range, c.type.kind === "int"));
    if (!groups.has(key)) {
      groups.set(key, []);
      order.push(key);
    }
    groups.get(key)!.push(c);
  }
  return order.map((x): [string, string] => {
    if (typeof x !== "string") return [`    ${x.name} : ${ruleText(x, x.range)}`, x.why];
    const members = groups.get(x)!;
    if (members.length === 1) return [`    ${members[0]!.name} : ${ruleText(members[0]!, members[0]!.range)}`, members[0]!.why];
    const ranged = members.filter((m) => m.range);
    const within = ranged.length > 0 ? `, widened ranges within ${fmtNumber(Math.min(...ranged.map((m) => m.range!.min)))}..${fmtNumber(Math.max(...ranged.map((m) => m.range!.max)))} rounded out to a power of ten` : "";
    return [`    # ${members.length} columns${within}\n    each [${members.map((m) => m.name).join(", ")}] : ${x}`, ""];
  });
}

/** A feature's pipeline without its column: `standardize`, `onehot(min_frequency = 5)`. */
function pipelineOf(c: InferredColumn): { suffix: string; pipeline: string } | undefined {
  if (!("as" in c.use) || c.use.as === "label") return undefined;
  if (c.use.as === "onehot") return { suffix: "_oh", pipeline: c.type.kind === "enum" ? "onehot" : `onehot(min_frequency = ${RARE_MIN})` };
  if (c.use.impute) return { suffix: "_z", pipeline: "impute(strategy = median) |> standardize" };
  return { suffix: "_z", pipeline: "standardize" };
}

/**
 * Features with one pipeline on one group line: `each numeric except [...]` when that names
 * fewer columns than a list would, else `each [a, b, ...]`; a pipeline of one column keeps its line.
 */
function groupedFeatureLines(columns: InferredColumn[]): string[] {
  const byPipeline = new Map<string, InferredColumn[]>();
  for (const c of columns) {
    const p = pipelineOf(c);
    if (!p) continue;
    const key = `${p.suffix} = ${p.pipeline}`;
    byPipeline.set(key, [...(byPipeline.get(key) ?? []), c]);
  }
  const label = columns.find((c) => "as" in c.use && c.use.as === "label")?.name;
  const lines: string[] = [];
  for (const [key, members] of byPipeline) {
    const [suffix, pipeline] = key.split(" = ") as [string, string];
    if (members.length === 1) {
      lines.push(...featureLines(members));
      continue;
    }
    const kind = members.every((m) => m.type.kind === "enum") ? "enum" : members.every((m) => m.type.kind === "int" || m.type.kind === "float") ? "numeric" : undefined;
    const names = new Set(members.map((m) => m.name));
    const others = kind ? columns.filter((c) => c.name !== label && !names.has(c.name) && (kind === "enum" ? c.type.kind === "enum" : c.type.kind === "int" || c.type.kind === "float")) : [];
    const selector = kind && others.length < members.length ? `${kind}${others.length > 0 ? ` except [${others.map((o) => o.name).join(", ")}]` : ""}` : `[${members.map((m) => m.name).join(", ")}]`;
    lines.push(`  each ${selector} as *${suffix} = ${pipeline}`);
  }
  return lines;
}

/** Lines a statement takes once `fmt` wraps a long group's column list. */
function printedLines(line: string): number {
  return line.length <= 100 ? 1 : 2 + Math.ceil(line.length / 90);
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
  let features = featureLines(spec.columns);
  if (features.length === 0) return "";
  let contract = contractLines(spec.columns);
  let grouped = false;
  if (spec.columns.length >= GROUP_MIN_COLUMNS) {
    const groupedContract = groupedContractLines(spec.columns);
    const groupedFeatures = groupedFeatureLines(spec.columns);
    const count = (ls: string[]) => ls.reduce((n, l) => n + printedLines(l), 0);
    if (count([...groupedContract.map(([l]) => l), ...groupedFeatures]) < count([...contract.map(([l]) => l), ...features])) {
      contract = groupedContract;
      features = groupedFeatures;
      grouped = true;
    }
  }
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
    ...(grouped
      ? [
          `# ${spec.columns.length} columns: columns of one type and magnitude share an \`each [...]\` line, their ranges`,
          "# rounded out to a power of ten (spec/language.md#column-groups); give a column its own line to tighten it.",
        ]
      : []),
    `dataset ${stem} {`,
    `  source = ${names.format}(${JSON.stringify(names.sourcePath)})`,
    `  label  = ${label}`,
    `  split  = holdout(test = 20%, validation = ${validation}${stratify}, seed = 7)`,
    "",
    "  contract {",
    ...aligned(contract),
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
