/**
 * `mlspec predict`: scores a data file with a registered model version, through its exported
 * ONNX graph in onnxruntime, as `mlspec serve` loads it (runtime/serve/loaded-model.ts). The
 * file is read, checked, scored and written one batch at a time, so a file larger than memory
 * is scored in bounded memory. Each row is checked by the row rules of the model's dataset
 * contract (row-check.ts); a row that breaks one goes to the quarantine file with its reasons,
 * in training's quarantine format, and `read = scored + quarantined` always holds.
 *
 * The output holds every input column as read, then the prediction: `prediction` and
 * `probability_<class>` for each class (classification), `prediction` (regression), `score`
 * (recommendation). CSV output from CSV input keeps each input record's text as it was.
 */
import { createWriteStream, existsSync, realpathSync, renameSync, rmSync, statSync, type WriteStream } from "node:fs";
import * as path from "node:path";
import type { ColumnContract, Plan, Step, StepOf, TaskSpec } from "../../compiler/plan/schema.js";
import { numericCell, stringCell } from "../features/raw-columns.js";
import { loadModel, type LoadedModel } from "../serve/loaded-model.js";
import type { FeedTensor } from "../serve/ort-executor.js";
import { openWorkspace, defaultWorkspaceDir, type Workspace } from "../workspace/workspace.js";
import { CsvSplitter, InputError, JsonLinesSplitter, readRecords, type InputFormat, type InputRecord } from "./input-records.js";
import { ColumnCheck, jsonCellText, type CellValue } from "./row-check.js";

export type OutputFormat = "csv" | "jsonl";

export interface PredictOptions {
  /** The spec's plan (compiled by the caller). */
  plan: Plan;
  specPath: string;
  /** NAME and a version number or an alias. */
  model: string;
  ref: string | number;
  input: string;
  /** Where the scored rows go; undefined: stdout. */
  out?: string;
  /** Default: by the extension of `out`, else the input's format. */
  format?: OutputFormat;
  /** Default: `<out>.quarantine.jsonl`, or the workspace's quarantine folder when writing to stdout. */
  quarantine?: string;
  workspace?: string;
  /** Rows checked and scored at once (default 8192). */
  batchRows?: number;
  /** Where the scored rows are written when `out` is undefined. */
  stdout?: NodeJS.WritableStream;
}

export interface PredictSummary {
  model: { name: string; version: number };
  read: number;
  scored: number;
  quarantined: number;
  out?: string;
  quarantinePath?: string;
  /** The most frequent quarantine reasons, with their counts, most frequent first. */
  reasons: Array<{ reason: string; rows: number }>;
}

/** A problem with the command's input (a path, the model, the file): one line for the user. */
export class PredictError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

function stepOf<K extends Step["kind"]>(plan: Plan, kind: K, id: string): StepOf<K> | undefined {
  return plan.steps.find((s): s is StepOf<K> => s.kind === kind && s.id === id);
}

interface ModelContext {
  task: TaskSpec;
  dataset: string;
  contract: ColumnContract[];
  label: string | undefined;
  delimiter: string;
}

/** The model's task and the contract of the dataset its features are fitted on. */
function modelContext(plan: Plan, model: string, specPath: string): ModelContext {
  const step = plan.steps.find((s): s is StepOf<"train"> | StepOf<"import_model"> => (s.kind === "train" || s.kind === "import_model") && s.params.model === model);
  if (!step) {
    const models = plan.steps.flatMap((s) => (s.kind === "train" || s.kind === "import_model" ? [s.params.model] : []));
    throw new PredictError(`${specPath} has no model \`${model}\`; its models: ${models.join(", ") || "none"}`);
  }
  const fit = stepOf(plan, "fit_features", `fit_features:${step.params.features}`);
  const validate = fit ? stepOf(plan, "validate", `validate:${fit.params.dataset}`) : undefined;
  if (!fit || !validate) throw new PredictError(`model \`${model}\`: the spec names no dataset contract its rows could be checked by`);
  const source = validate.params.source;
  return {
    task: step.params.task,
    dataset: validate.params.dataset,
    contract: validate.params.contract.columns,
    label: validate.params.label ?? step.params.task.target,
    delimiter: source.format === "csv" ? (source.delimiter ?? ",") : ",",
  };
}

function formatOfPath(file: string): InputFormat | "parquet" | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".csv" || ext === ".tsv" || ext === ".txt") return "csv";
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  if (ext === ".parquet") return "parquet";
  return undefined;
}

/** A CSV field, quoted when it must be. */
function csvField(text: string, delimiter: string): string {
  return text.includes('"') || text.includes(delimiter) || text.includes("\n") || text.includes("\r") ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvValue(value: unknown, delimiter: string): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return csvField(value, delimiter);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return csvField(JSON.stringify(value), delimiter);
}

/** Text written a batch at a time to a file (through a temporary name, renamed when done) or a stream. */
class OutputFile {
  private readonly stream: NodeJS.WritableStream;
  private readonly temporary: string | undefined;
  private failed: Error | undefined;

  constructor(readonly target: string | undefined, stdout: NodeJS.WritableStream) {
    if (target === undefined) {
      this.stream = stdout;
      return;
    }
    this.temporary = `${target}.tmp-${process.pid}`;
    const file: WriteStream = createWriteStream(this.temporary);
    file.on("error", (error) => (this.failed = error));
    this.stream = file;
  }

  async write(text: string): Promise<void> {
    if (this.failed) throw new PredictError(`cannot write ${this.target}: ${this.failed.message}`, 1);
    if (text.length === 0) return;
    // writes overlap the next batch's work; wait only when much is buffered (memory stays bounded)
    if (!this.stream.write(text) && ((this.stream as WriteStream).writableLength ?? 0) > 16 << 20) await new Promise<void>((resolve) => this.stream.once("drain", resolve));
  }

  async finish(): Promise<void> {
    if (this.temporary === undefined) return;
    const file = this.stream as WriteStream;
    await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (this.failed) throw new PredictError(`cannot write ${this.target}: ${this.failed.message}`, 1);
    renameSync(this.temporary, this.target!);
  }

  abandon(): void {
    if (this.temporary === undefined) return;
    (this.stream as WriteStream).destroy();
    rmSync(this.temporary, { force: true });
  }
}

/** Reasons counted by their text; past this many distinct texts, new ones are counted together. */
const MAX_DISTINCT_REASONS = 10_000;

export async function batchPredict(options: PredictOptions): Promise<PredictSummary> {
  const { plan, specPath } = options;
  const context = modelContext(plan, options.model, specPath);
  const inputFormat = formatOfPath(options.input);
  if (inputFormat === "parquet") throw new PredictError(`${options.input}: predict reads CSV and JSON Lines files; Parquet is not supported yet`);
  if (inputFormat === undefined) throw new PredictError(`${options.input}: cannot tell the format from the name; use a .csv or .jsonl file`);
  if (!existsSync(options.input)) throw new PredictError(`cannot read ${options.input}: no such file`);
  if (!statSync(options.input).isFile()) throw new PredictError(`cannot read ${options.input}: not a file`);
  const outFormat: OutputFormat = options.format ?? (options.out ? (formatOfPath(options.out) === "jsonl" ? "jsonl" : formatOfPath(options.out) === "csv" ? "csv" : inputFormat) : inputFormat);
  if (options.out !== undefined) {
    if (existsSync(options.out) && realpathSync(options.out) === realpathSync(options.input)) throw new PredictError(`--out ${options.out} is the input file; write the scores elsewhere`);
    if (!existsSync(path.dirname(path.resolve(options.out)))) throw new PredictError(`cannot write ${options.out}: no such directory`);
  }

  const workspaceDir = options.workspace ?? defaultWorkspaceDir(specPath);
  if (!existsSync(workspaceDir)) throw new PredictError(`no workspace at ${workspaceDir}: train and register a model first (mlspec run ${specPath})`, 1);
  let workspace: Workspace;
  try {
    workspace = openWorkspace(workspaceDir);
  } catch (error) {
    throw new PredictError(`cannot open the workspace ${workspaceDir}: ${(error as Error).message}`, 1);
  }
  let model: LoadedModel | undefined;
  try {
    let version;
    try {
      version = workspace.registry.resolve(options.model, options.ref);
    } catch (error) {
      throw new PredictError(`${options.model}@${options.ref}: ${(error as Error).message}`, 1);
    }
    let bytes: Uint8Array;
    try {
      bytes = workspace.artifacts.get(version.artifactSha256);
    } catch (error) {
      throw new PredictError(`${version.name} version ${version.version}: ${(error as Error).message}`, 1);
    }
    const task = context.task;
    model = await loadModel(
      bytes,
      { name: version.name, version: version.version, aliases: version.aliases, metrics: version.metrics, createdAt: version.createdAt, artifactSha256: version.artifactSha256 },
      { executor: "inline", hint: { kind: task.kind, ...(task.classes ? { classes: task.classes } : {}) } },
    );
    const quarantinePath =
      options.quarantine ?? (options.out !== undefined ? `${options.out}.quarantine.jsonl` : path.join(workspace.quarantineDir, `predict-${path.basename(options.input)}-${Date.now()}.jsonl`));
    const summary = await score({ ...options, format: outFormat }, inputFormat, context, model, quarantinePath);
    return summary;
  } finally {
    await model?.dispose();
    workspace.close();
  }
}

interface Layout {
  /** Input column names, in file order (CSV: the header; JSON Lines: the first object's keys). */
  columns: string[];
  /** The contract columns in the input, checked on every row, with their position in `columns`. */
  checks: Array<{ check: ColumnCheck; at: number }>;
  /** The model's inputs: position among `checks`, and the tensor each is fed as. */
  inputs: Array<{ name: string; check: number; tensor: "float" | "string" }>;
}

function layout(columns: string[], context: ModelContext, model: LoadedModel, input: string): Layout {
  const at = new Map(columns.map((c, k) => [c, k]));
  const contract = new Map(context.contract.map((c) => [c.name, c]));
  const checks = context.contract.filter((c) => c.name !== context.label && at.has(c.name)).map((c) => ({ check: new ColumnCheck(c), at: at.get(c.name)! }));
  const label = `${model.identity.name} version ${model.identity.version}`;
  const inputs = model.inputs.map((i) => {
    if (!contract.has(i.name) || i.name === context.label) throw new PredictError(`${label} reads \`${i.name}\`, which is not an input column of dataset \`${context.dataset}\``, 1);
    const check = checks.findIndex((c) => c.check.name === i.name);
    if (check < 0) throw new PredictError(`${input} has no column \`${i.name}\`, which ${label} reads`);
    return { name: i.name, check, tensor: i.tensor };
  });
  for (const name of predictionColumns(model)) {
    if (at.has(name)) throw new PredictError(`${input} already has a column \`${name}\`, where the predictions go; rename it`);
  }
  return { columns, checks, inputs };
}

function predictionColumns(model: LoadedModel): string[] {
  if (model.task === "recommendation") return ["score"];
  if (model.task === "regression") return ["prediction"];
  return ["prediction", ...(model.classes ?? []).map((c) => `probability_${String(c)}`)];
}

async function score(options: PredictOptions & { format: OutputFormat }, inputFormat: InputFormat, context: ModelContext, model: LoadedModel, quarantinePath: string): Promise<PredictSummary> {
  const delimiter = inputFormat === "csv" ? context.delimiter : ",";
  const splitter = inputFormat === "csv" ? new CsvSplitter(delimiter) : new JsonLinesSplitter();
  const out = new OutputFile(options.out, options.stdout ?? process.stdout);
  const quarantine = new OutputFile(quarantinePath, process.stdout);
  const reasons = new Map<string, number>();
  let read = 0;
  let scored = 0;
  let quarantined = 0;
  let shape: Layout | undefined;
  const extraHeader = predictionColumns(model);
  try {
    for await (const batch of readRecords(options.input, splitter, { batchRows: options.batchRows ?? 8192 })) {
      if (!shape) {
        const first = batch.find((r): r is Extract<InputRecord, { object: unknown }> => "object" in r);
        const columns = splitter instanceof CsvSplitter ? splitter.header ?? [] : jsonColumns(first?.object, context);
        shape = layout(columns, context, model, options.input);
        await out.write(headerLine(shape, splitter, options.format, delimiter, extraHeader));
      }
      const n = batch.length;
      // the model's inputs, filled column by column as rows pass their checks
      const columns = shape.inputs.map((i) => (i.tensor === "float" ? new Float32Array(n) : new Array<string>(n)));
      const good: InputRecord[] = [];
      const goodValues: CellValue[][] | undefined = options.format === "jsonl" ? [] : undefined;
      const checks = shape.checks;
      const values = new Array<CellValue>(checks.length);
      const why: string[] = [];
      let quarantineText = "";
      for (const record of batch) {
        read++;
        why.length = 0;
        let texts: Array<string | null> | undefined;
        if ("malformed" in record) why.push(record.malformed);
        else {
          texts = "fields" in record ? record.fields : shape.columns.map((c) => jsonCellText(record.object[c]));
          for (let k = 0; k < checks.length; k++) {
            const v = checks[k]!.check.check(texts[checks[k]!.at] ?? null, why);
            values[k] = v === undefined ? null : v;
          }
        }
        if (why.length === 0) {
          const g = good.length;
          good.push(record);
          for (let j = 0; j < shape.inputs.length; j++) {
            const v = values[shape.inputs[j]!.check]!;
            const column = columns[j]!;
            if (column instanceof Float32Array) column[g] = numericCell(shape.inputs[j]!.name, v, record.row);
            else column[g] = stringCell(v);
          }
          goodValues?.push(values.slice());
          continue;
        }
        quarantined++;
        for (const reason of why) {
          const key = reasons.has(reason) || reasons.size < MAX_DISTINCT_REASONS ? reason : "(other reasons)";
          reasons.set(key, (reasons.get(key) ?? 0) + 1);
        }
        const entry =
          "malformed" in record
            ? { row: record.row, values: {}, reasons: [...why], line: record.text }
            : { row: record.row, values: Object.fromEntries(shape.columns.map((c, k) => [c, texts![k] ?? null])), reasons: [...why] };
        quarantineText += `${JSON.stringify(entry)}\n`;
      }
      await quarantine.write(quarantineText);
      const g = good.length;
      if (g === 0) continue;
      const feeds: Record<string, FeedTensor> = {};
      shape.inputs.forEach((input, j) => {
        const column = columns[j]!;
        feeds[input.name] =
          column instanceof Float32Array ? { type: "float32", data: column.subarray(0, g), dims: [g, 1] } : { type: "string", data: column.length === g ? column : column.slice(0, g), dims: [g, 1] };
      });
      let output: { data: Float32Array; width: number };
      try {
        output = await model.runFeeds(feeds, g);
      } catch (error) {
        throw new PredictError(`${model.identity.name} version ${model.identity.version} failed on rows ${good[0]!.row}..${good[g - 1]!.row}: ${(error as Error).message}`, 1);
      }
      scored += g;
      await out.write(outputLines(good, goodValues, output, model, shape, options.format, delimiter));
    }
    await out.finish();
    await quarantine.finish();
  } catch (error) {
    out.abandon();
    quarantine.abandon();
    if (error instanceof InputError) throw new PredictError(`${options.input}: ${error.message}`);
    throw error;
  }
  if (quarantined === 0) rmSync(quarantinePath, { force: true });
  return {
    model: { name: model.identity.name, version: model.identity.version },
    read,
    scored,
    quarantined,
    ...(options.out !== undefined ? { out: options.out } : {}),
    ...(quarantined > 0 ? { quarantinePath } : {}),
    reasons: [...reasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5).map(([reason, rows]) => ({ reason, rows })),
  };
}

/** JSON Lines columns: the first object's keys, then every contract column it lacks (read as null where absent). */
function jsonColumns(first: Record<string, unknown> | undefined, context: ModelContext): string[] {
  const keys = Object.keys(first ?? {});
  const seen = new Set(keys);
  return [...keys, ...context.contract.map((c) => c.name).filter((c) => c !== context.label && !seen.has(c))];
}

function headerLine(shape: Layout, splitter: CsvSplitter | JsonLinesSplitter, format: OutputFormat, delimiter: string, extra: string[]): string {
  if (format === "jsonl") return "";
  const input = splitter instanceof CsvSplitter ? splitter.headerText : shape.columns.map((c) => csvField(c, delimiter)).join(delimiter);
  return `${[input, ...extra.map((c) => csvField(c, delimiter))].join(delimiter)}\n`;
}

/** A probability in CSV: six decimals, without a double's shortest-form formatting per value. */
function probabilityText(p: number): string {
  if (!(p >= 0 && p <= 1)) return String(p);
  const m = Math.round(p * 1e6);
  if (m >= 1e6) return "1";
  if (m === 0) return "0";
  const digits = String(m);
  return `0.${"000000".slice(digits.length)}${digits}`;
}

function outputLines(
  good: InputRecord[],
  goodValues: CellValue[][] | undefined,
  output: { data: Float32Array; width: number },
  model: LoadedModel,
  shape: Layout,
  format: OutputFormat,
  delimiter: string,
): string {
  const { data, width } = output;
  const classes = model.classes ?? [];
  const keys = classes.map(String);
  const shownClasses = classes.map((c) => csvValue(c, delimiter));
  const lines = new Array<string>(good.length);
  for (let i = 0; i < good.length; i++) {
    const record = good[i]!;
    let best = 0;
    if (model.task === "multiclass") {
      for (let k = 1; k < width; k++) if (data[i * width + k]! > data[i * width + best]!) best = k;
    }
    if (format === "csv") {
      const input =
        "fields" in record ? record.text : "object" in record ? shape.columns.map((c) => csvValue(record.object[c], delimiter)).join(delimiter) : "";
      let extra: string;
      if (model.task === "binary") {
        const p = data[i]!;
        extra = `${shownClasses[p >= 0.5 ? 1 : 0]}${delimiter}${probabilityText(1 - p)}${delimiter}${probabilityText(p)}`;
      } else if (model.task === "multiclass") {
        extra = shownClasses[best] ?? String(best);
        for (let k = 0; k < width; k++) extra += delimiter + probabilityText(data[i * width + k]!);
      } else extra = String(data[i]!);
      lines[i] = `${input}${delimiter}${extra}\n`;
      continue;
    }
    let object: Record<string, unknown>;
    if ("object" in record) object = { ...record.object };
    else {
      object = {};
      const fields = "fields" in record ? record.fields : [];
      shape.columns.forEach((c, k) => (object[c] = fields[k] ?? null));
      // contract columns carry their typed values
      shape.checks.forEach(({ check }, k) => (object[check.name] = goodValues![i]![k]));
    }
    if (model.task === "binary") {
      const p = data[i]!;
      object.prediction = classes[p >= 0.5 ? 1 : 0];
      object.probabilities = { [keys[0]!]: 1 - p, [keys[1]!]: p };
    } else if (model.task === "multiclass") {
      object.prediction = classes[best] ?? best;
      object.probabilities = Object.fromEntries(Array.from({ length: width }, (_, k) => [keys[k] ?? String(k), data[i * width + k]!]));
    } else if (model.task === "regression") object.prediction = data[i]!;
    else object.score = data[i]!;
    lines[i] = `${JSON.stringify(object)}\n`;
  }
  return lines.join("");
}
