/**
 * A contract and a task inferred from column summaries, each decision with the reason
 * `mlspec init` writes beside it (after TFDV's infer_schema: the data seen is taken as
 * the norm, loosened by margins so that the next file of the same kind still passes).
 *
 *   type      the narrowest that every non-null value parses as: bool (true/false) → int →
 *             float → timestamp → enum (at most ENUM_MAX_VALUES distinct strings, each seen
 *             at least twice on average) → string
 *   range     numeric [min, max] widened by RANGE_MARGIN of its span on each side (not below 0
 *             for a column with no negative value), rounded outward (see widenRange)
 *   unique    a string or int column whose every value is distinct (an id); ids are not features
 *   nulls     `nulls <= p%` where nulls were seen: twice the share seen, rounded up to a whole
 *             percent (see nullBound); the label never allows nulls (its null rows are quarantined)
 *   features  numbers standardized (imputed first where nulls were seen), enums one-hot, text with
 *             at most TEXT_ONEHOT_MAX values each seen twice on average one-hot by frequent values;
 *             ids, timestamps and other text are left out (and the spec says so)
 *   rows      `rows >= n`: half the rows read (ROWS_SHARE), so a smaller extract still runs
 */
import type { ColumnSummary, FileSummary } from "./column-summary.js";

export const ENUM_MAX_VALUES = 20;
export const RANGE_MARGIN = 0.1;
export const ROWS_SHARE = 0.5;
/** Most classes `init` takes an int or string label to be a class for (more: regression or refused). */
export const CLASS_MAX_VALUES = 20;
/** Most distinct values a repeated text column (not an enum) may have to be one-hot encoded. */
export const TEXT_ONEHOT_MAX = 1000;

export type InferredType =
  | { kind: "bool" | "int" | "float" | "timestamp" | "string" }
  | { kind: "enum"; values: string[] };

export type Task = "binary" | "multiclass" | "regression";

export interface InferredColumn {
  name: string;
  type: InferredType;
  range?: { min: number; max: number };
  unique?: boolean;
  /** Percent, a whole number. */
  nullsPercent?: number;
  /** Why: the comment written beside the column. */
  why: string;
  /** How the features block uses it; `skip` says why not. */
  use: { as: "numeric"; impute: boolean } | { as: "onehot" } | { as: "label" } | { skip: string };
}

export interface InferredSpec {
  columns: InferredColumn[];
  /** Names left out of the contract (not valid mlspec names), with why. */
  leftOut: Array<{ name: string; why: string }>;
  rowsAtLeast: number;
  rowsRead: number;
  task: Task;
  taskWhy: string;
}

export class InitError extends Error {}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(["from", "for", "and", "or", "not", "true", "false", "require", "retrain", "when", "maximize", "minimize", "in"]);

export function isSpecName(name: string): boolean {
  return IDENT.test(name) && !RESERVED.has(name);
}

/**
 * [min, max] widened by `margin` of its span on each side (a constant column by `margin` of its
 * magnitude, or 1), then rounded outward to a step of 10^(⌊log10 span⌋ − 1) so the bound reads
 * well; an int column's bounds are whole, and a column with no negative value is not given one.
 * The result always contains [min, max].
 */
export function widenRange(min: number, max: number, isInt: boolean, margin = RANGE_MARGIN): { min: number; max: number } {
  const span = max - min;
  const pad = span > 0 ? span * margin : Math.max(Math.abs(max) * margin, 1);
  let lo = min - pad;
  let hi = max + pad;
  if (min >= 0 && lo < 0) lo = 0;
  const raw = 10 ** Math.floor(Math.log10(hi - lo) - 1);
  const step = isInt ? Math.max(1, raw) : raw;
  if (step > 0 && Number.isFinite(step)) {
    lo = tidy(Math.floor(lo / step) * step);
    hi = tidy(Math.ceil(hi / step) * step);
  }
  // floating error in the rounding must not cut into the data
  if (!(lo <= min)) lo = isInt ? Math.floor(min) : min;
  if (!(hi >= max)) hi = isInt ? Math.ceil(max) : max;
  return { min: lo, max: hi };
}

/** Drops binary noise from a rounded bound (0.30000000000000004 → 0.3) without moving it inward. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

/** Twice the null share seen, rounded up to a whole percent, at most 100. */
export function nullBound(nulls: number, rows: number): number {
  if (nulls <= 0 || rows <= 0) return 0;
  return Math.min(100, Math.ceil((200 * nulls) / rows));
}

function inferType(c: ColumnSummary, isLabel: boolean, forcedTask?: Task): InferredType {
  const present = c.rows - c.nulls;
  if (present === 0) return { kind: "string" };
  if (c.parsesAs.bool) return { kind: "bool" };
  // a 0/1 label is a yes/no answer; a 0/1 input stays a number
  if (isLabel && (forcedTask ?? "binary") === "binary" && c.parsesAs.int && c.distinct === 2 && c.min === 0 && c.max === 1) return { kind: "bool" };
  if (c.parsesAs.int) return { kind: "int" };
  if (c.parsesAs.float) return { kind: "float" };
  if (c.parsesAs.timestamp) return { kind: "timestamp" };
  const limit = isLabel ? CLASS_MAX_VALUES : ENUM_MAX_VALUES;
  if (c.distinct <= limit && c.distinct * 2 <= present && c.top.length === c.distinct) {
    return { kind: "enum", values: c.top.map((t) => t.value).sort() };
  }
  return { kind: "string" };
}

function taskOf(label: InferredColumn, summary: ColumnSummary, forced: Task | undefined): { task: Task; why: string } {
  const t = label.type;
  const natural: Task | undefined =
    t.kind === "bool" || (t.kind === "enum" && t.values.length === 2)
      ? "binary"
      : t.kind === "enum" || (t.kind === "int" && summary.distinct <= CLASS_MAX_VALUES)
        ? "multiclass"
        : t.kind === "int" || t.kind === "float"
          ? "regression"
          : undefined;
  if (forced !== undefined) {
    const fits =
      forced === "binary" ? t.kind === "bool" || (t.kind === "enum" && t.values.length === 2)
      : forced === "multiclass" ? t.kind === "enum" || t.kind === "int" || t.kind === "bool"
      : t.kind === "int" || t.kind === "float";
    if (!fits) throw new InitError(`--task ${forced} does not fit the label \`${label.name}\`, ${describe(t, summary)}`);
    return { task: forced, why: `--task ${forced}` };
  }
  if (natural === undefined) {
    throw new InitError(`cannot tell the task from the label \`${label.name}\`, ${describe(t, summary)}; give --task binary|multiclass|regression, or pick another label`);
  }
  const why =
    natural === "binary" ? `the label has two values`
    : natural === "multiclass" ? `the label has ${summary.distinct} classes`
    : `the label is a number with ${summary.distinct > CLASS_MAX_VALUES ? `more than ${CLASS_MAX_VALUES}` : summary.distinct} distinct values`;
  return { task: natural, why };
}

function describe(t: InferredType, s: ColumnSummary): string {
  return `${t.kind === "enum" ? `an enum of ${t.values.length} values` : `a ${t.kind} column`} with ${s.distinct} distinct values`;
}

export function inferSpec(file: FileSummary, labelName: string, forcedTask?: Task): InferredSpec {
  const label = file.columns.find((c) => c.name === labelName);
  if (!label) {
    throw new InitError(`the file has no column \`${labelName}\`; its columns are ${file.columns.map((c) => c.name).join(", ")}`);
  }
  if (!isSpecName(labelName)) throw new InitError(`the label \`${labelName}\` is not a valid mlspec name (letters, digits and _, not a keyword); rename the column`);
  if (label.rows - label.nulls === 0) throw new InitError(`the label \`${labelName}\` has no values`);
  const leftOut: InferredSpec["leftOut"] = [];
  const columns: InferredColumn[] = [];
  for (const c of file.columns) {
    if (!isSpecName(c.name)) {
      leftOut.push({ name: c.name, why: "not a valid mlspec name (letters, digits and _, not a keyword)" });
      continue;
    }
    columns.push(inferColumn(c, c.name === labelName, file.rows, forcedTask));
  }
  const labelColumn = columns.find((c) => c.name === labelName)!;
  let { task, why } = taskOf(labelColumn, label, forcedTask);
  // a bool label asked to be multiclass, or an int label with few classes, keeps a type the task takes
  if (task === "multiclass" && labelColumn.type.kind === "bool") labelColumn.type = { kind: "enum", values: label.top.map((t) => t.value).sort() };
  if (task === "regression" && labelColumn.type.kind === "int" && labelColumn.range === undefined) labelColumn.range = widenRange(label.min!, label.max!, true);
  if (task === "multiclass") why += "; each class needs rows in every split";
  return { columns, leftOut, rowsAtLeast: Math.max(1, Math.floor(file.rows * ROWS_SHARE)), rowsRead: file.rows, task, taskWhy: why };
}

function inferColumn(c: ColumnSummary, isLabel: boolean, rows: number, forcedTask?: Task): InferredColumn {
  const type = inferType(c, isLabel, isLabel ? forcedTask : undefined);
  const present = c.rows - c.nulls;
  const out: InferredColumn = { name: c.name, type, why: "", use: { skip: "" } };
  const notes: string[] = [];
  if (present === 0) notes.push("every value is null");
  else if (type.kind === "enum") notes.push(`${type.values.length} distinct values`);
  else if ((type.kind === "int" || type.kind === "float") && c.min !== null && c.max !== null) {
    if (!(isLabel && type.kind === "int" && c.distinct <= CLASS_MAX_VALUES)) {
      out.range = widenRange(c.min, c.max, type.kind === "int");
      notes.push(`seen ${fmtNumber(c.min)}..${fmtNumber(c.max)}, widened by ${RANGE_MARGIN * 100}% of the span`);
    } else notes.push(`${c.distinct} distinct values`);
  }
  const idLike = !isLabel && (type.kind === "string" || type.kind === "int") && present > 1 && c.distinct === present && c.nulls === 0;
  if (idLike) {
    out.unique = true;
    notes.push("every value distinct: an id");
  }
  if (!isLabel && c.nulls > 0) {
    out.nullsPercent = nullBound(c.nulls, rows);
    notes.push(`${fmtPercent(c.nulls / rows)} null seen, allowed up to twice that`);
  }
  if (isLabel) {
    out.use = { as: "label" };
    if (c.nulls > 0) notes.push(`${c.nulls} rows without a label are quarantined`);
  } else if (idLike) out.use = { skip: "an id" };
  else if (present === 0) out.use = { skip: "no values" };
  else if (type.kind === "int" || type.kind === "float" || type.kind === "bool") out.use = { as: "numeric", impute: c.nulls > 0 };
  else if (type.kind === "enum") out.use = { as: "onehot" };
  else if (type.kind === "timestamp") out.use = { skip: "a timestamp (derive features from it by hand)" };
  else if (c.distinct <= TEXT_ONEHOT_MAX && c.distinct * 2 <= present) out.use = { as: "onehot" };
  else out.use = { skip: `free text with ${c.distinct} distinct values` };
  out.why = notes.join("; ");
  return out;
}

export function fmtNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

function fmtPercent(share: number): string {
  const p = share * 100;
  return `${p >= 10 ? p.toFixed(0) : p >= 1 ? p.toFixed(1) : p.toFixed(2)}%`;
}
