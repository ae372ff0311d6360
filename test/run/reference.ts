/**
 * An independent path to what a run trained on: the spec's plan, its dataset read,
 * checked and split again here, and the registered artifacts read back from the store.
 * Tests compare the run's outputs against these.
 *
 * The data half shares no code with runtime/data: its own CSV reading, typing, contract
 * row rules and split arithmetic (the row key, largest-remainder class sizes, time order),
 * written from spec/language.md#dataset, so that a bug in the runtime's split or reading
 * shows up as a difference. It covers what the test projects use: CSV sources, the random,
 * stratified and time-ordered splits.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { compileFile } from "../../compiler/compile.js";
import { planOf } from "../../compiler/plan/index.js";
import type { Plan, StepOf } from "../../compiler/plan/schema.js";
import { parseFittedPipeline, type FittedPipeline } from "../../runtime/features/pipeline.js";
import type { Network } from "../../core/network.js";
import { decodeNetwork } from "../../runtime/run/network-codec.js";
import type { Workspace } from "../../runtime/workspace/workspace.js";

export function planOfFile(spec: string): Plan {
  const compiled = compileFile(spec);
  if (compiled.hasErrors) throw new Error(`test spec has errors: ${compiled.diagnostics.map((d) => d.message).join("; ")}`);
  return planOf(compiled);
}

type Value = number | string | boolean | null;
type Columns = Record<string, Value[]>;
type Part = "train" | "validation" | "test";
type ContractColumn = StepOf<"validate">["params"]["contract"]["columns"][number];

export interface ReferenceSplit {
  /** Source row numbers of each part, ascending. */
  split: Record<Part, number[]>;
  parts: Record<Part, Columns>;
  /** Source row numbers of each part's rows, in the order of `parts`. */
  rowNumbers: Record<Part, number[]>;
}

/** The fields of each record of a small CSV text (quotes, doubled quotes, CRLF; blank lines skipped). */
function csvRecords(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && !fieldStarted) (quoted = true), (fieldStarted = true);
    else if (text.startsWith(delimiter, i)) (fields.push(field), (field = ""), (fieldStarted = false), (i += delimiter.length - 1));
    else if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
      if (c === "\r") i++;
      if (fields.length > 0 || fieldStarted) records.push([...fields, field]);
      (fields = []), (field = ""), (fieldStarted = false);
    } else (field += c), (fieldStarted = true);
  }
  if (fields.length > 0 || fieldStarted) records.push([...fields, field]);
  return records;
}

const TRUE = new Set(["true", "t", "yes", "y", "1"]);
const FALSE = new Set(["false", "f", "no", "n", "0"]);

/** A text cell typed by the contract (spec/language.md#types); undefined when it breaks a row rule. */
function typed(text: string | undefined, column: ContractColumn): Value | undefined {
  const kind = column.type.kind;
  // an empty field is null; so is a blank one, but for strings and enums
  const blank = text === undefined || text === "" || (kind !== "string" && kind !== "enum" && text.trim() === "");
  if (blank) return column.nulls.allowed ? null : undefined;
  const t = text!;
  let value: Value | undefined;
  switch (kind) {
    case "int":
    case "float": {
      const n = Number(t.trim());
      value = Number.isFinite(n) && (kind === "float" || Number.isInteger(n)) ? n : undefined;
      if (value !== undefined && column.range) {
        if (column.range.min !== undefined && n < column.range.min) value = undefined;
        if (column.range.max !== undefined && n > column.range.max) value = undefined;
      }
      break;
    }
    case "bool":
      value = TRUE.has(t.trim().toLowerCase()) ? true : FALSE.has(t.trim().toLowerCase()) ? false : undefined;
      break;
    case "string":
      value = t;
      break;
    case "enum":
      value = column.type.kind === "enum" && column.type.values.includes(t) ? t : undefined;
      break;
    case "timestamp": {
      // ISO 8601 in UTC unless it carries an offset
      const iso = t.trim().replace(" ", "T");
      const ms = Date.parse(/(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : iso.includes("T") ? `${iso}Z` : `${iso}T00:00:00Z`);
      value = Number.isFinite(ms) ? ms : undefined;
      break;
    }
  }
  return value;
}

function murmurFinal(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The documented row key of random and stratified splits (runtime/data/split.ts's header). */
function rowKey(seed: number, row: number): number {
  const s = Math.trunc(seed) >>> 0;
  const a = murmurFinal(s ^ 0x9e3779b9);
  const b = murmurFinal((s + 0x7f4a7c15) >>> 0);
  return murmurFinal(murmurFinal(row ^ a) ^ b);
}

/** round(n * fraction) split among classes by largest remainder, within `caps`. */
function classShares(sizes: number[], fraction: number, caps: number[]): number[] {
  const total = Math.round(sizes.reduce((a, b) => a + b, 0) * fraction);
  const shares = sizes.map((n, c) => Math.min(Math.floor(n * fraction), caps[c]!));
  const byRemainder = sizes.map((_, c) => c).sort((x, y) => {
    const rx = sizes[x]! * fraction - Math.floor(sizes[x]! * fraction);
    const ry = sizes[y]! * fraction - Math.floor(sizes[y]! * fraction);
    return ry - rx || x - y;
  });
  for (let left = total - shares.reduce((a, b) => a + b, 0); left > 0; ) {
    for (const c of byRemainder) if (left > 0 && shares[c]! < caps[c]!) (shares[c]!++), left--;
  }
  return shares;
}

function compareValues(a: Value, b: Value, column: ContractColumn): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (column.type.kind === "enum") return column.type.values.indexOf(a as string) - column.type.values.indexOf(b as string);
  return a < b ? -1 : 1;
}

/** Reads, checks and splits the spec's (only) dataset the way spec/language.md says, outside any workspace. */
export async function referenceSplit(spec: string): Promise<ReferenceSplit> {
  const plan = planOfFile(spec);
  const validate = plan.steps.find((s): s is StepOf<"validate"> => s.kind === "validate")!;
  const splitStep = plan.steps.find((s): s is StepOf<"split"> => s.kind === "split")!;
  const { source, contract } = validate.params;
  if (source.format !== "csv") throw new Error(`the reference reads CSV sources only, not ${source.format}`);
  const text = fs.readFileSync(path.resolve(path.dirname(spec), source.path), "utf8").replace(/^\ufeff/, "");
  const records = csvRecords(text, source.delimiter ?? ",");
  const header = source.header === false ? contract.columns.map((c) => c.name) : records.shift()!;
  const position = new Map(header.map((name, k) => [name, k]));

  // accepted rows: those whose every contract cell keeps its row rules
  const rows: number[] = [];
  const values: Value[][] = contract.columns.map(() => []);
  records.forEach((fields, k) => {
    if (fields.length !== header.length) return;
    const cells = contract.columns.map((c) => typed(fields[position.get(c.name)!], c));
    if (cells.some((v) => v === undefined)) return;
    rows.push(k + 1);
    cells.forEach((v, i) => values[i]!.push(v!));
  });

  const { method, test, validation, seed, column } = splitStep.params.split;
  const n = rows.length;
  const partOf = new Array<Part>(n).fill("train");
  const byKey = (indices: number[]) => indices.sort((x, y) => rowKey(seed, rows[x]!) - rowKey(seed, rows[y]!) || rows[x]! - rows[y]!);
  const place = (ordered: number[], nTest: number, nValidation: number) =>
    ordered.forEach((index, pos) => (partOf[index] = pos < nTest ? "test" : pos < nTest + nValidation ? "validation" : "train"));
  const all = rows.map((_, i) => i);
  if (method === "random") place(byKey(all), Math.round(n * test), Math.round(n * validation));
  else if (method === "stratified" || method === "time") {
    const c = contract.columns.findIndex((x) => x.name === column);
    const of = (i: number) => values[c]![i]!;
    if (method === "time") {
      const ordered = all.sort((x, y) => compareValues(of(x), of(y), contract.columns[c]!) || rows[x]! - rows[y]!).reverse();
      place(ordered, Math.round(n * test), Math.round(n * validation));
    } else {
      const classes: Value[] = [];
      for (const i of all) if (!classes.some((v) => compareValues(v, of(i), contract.columns[c]!) === 0)) classes.push(of(i));
      classes.sort((x, y) => compareValues(x, y, contract.columns[c]!));
      const members = classes.map((v) => all.filter((i) => compareValues(of(i), v, contract.columns[c]!) === 0));
      const sizes = members.map((m) => m.length);
      const tests = classShares(sizes, test, sizes);
      const validations = classShares(sizes, validation, sizes.map((size, k) => size - tests[k]!));
      members.forEach((m, k) => place(byKey(m), tests[k]!, validations[k]!));
    }
  } else throw new Error(`the reference does not implement ${method} splits`);

  const split = { train: [], validation: [], test: [] } as Record<Part, number[]>;
  const parts = {} as ReferenceSplit["parts"];
  const rowNumbers = {} as ReferenceSplit["rowNumbers"];
  for (const part of ["train", "validation", "test"] as const) {
    const picked = all.filter((i) => partOf[i] === part);
    split[part] = picked.map((i) => rows[i]!);
    rowNumbers[part] = split[part];
    parts[part] = Object.fromEntries(contract.columns.map((col, c) => [col.name, picked.map((i) => values[c]![i]!)]));
  }
  return { split, parts, rowNumbers };
}

/** The network artifact a run stored (meta kind "network"). */
export function networkOfRun(ws: Workspace, runId: number): Network {
  for (const sha of ws.artifacts.list()) {
    const meta = ws.artifacts.meta(sha);
    if (meta?.kind === "network" && meta.run === runId) {
      return decodeNetwork((ws.artifacts.getJson(sha) as { network: Record<string, unknown> }).network);
    }
  }
  // a cached run points at the artifact it reused; a retrained run that produced
  // identical bytes shares the first one's artifact, which its cache key names
  const params = ws.registry.getRun(runId).params;
  const sha = typeof params.cachedFrom === "string" ? params.cachedFrom : ws.registry.cachedStep(String(params.cacheKey));
  if (!sha) throw new Error(`no network artifact for run ${runId}`);
  return decodeNetwork((ws.artifacts.getJson(sha) as { network: Record<string, unknown> }).network);
}

export function pipelineOfRun(ws: Workspace, runId: number): FittedPipeline {
  return parseFittedPipeline(ws.artifacts.getJson(String(ws.registry.getRun(runId).params.pipeline)));
}
