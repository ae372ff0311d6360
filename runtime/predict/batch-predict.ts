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
import { loadModel, type LoadedModel, type RowPrediction } from "../serve/loaded-model.js";
import type { RequestRow } from "../serve/request-schema.js";
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
    if (!this.stream.write(text)) await new Promise<void>((resolve) => this.stream.once("drain", resolve));
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
  /** The model's inputs: position among `checks`. */
  inputs: Array<{ name: string; check: number }>;
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
    return { name: i.name, check };
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
  const classKeys = (model.classes ?? []).map(String);
  const extraHeader = predictionColumns(model);
  try {
    for await (const batch of readRecords(options.input, splitter, { batchRows: options.batchRows ?? 8192 })) {
      if (!shape) {
        const first = batch.find((r): r is Extract<InputRecord, { object: unknown }> => "object" in r);
        const columns = splitter instanceof CsvSplitter ? splitter.header ?? [] : jsonColumns(first?.object, context);
        shape = layout(columns, context, model, options.input);
        await out.write(headerLine(shape, splitter, options.format, delimiter, extraHeader));
      }
      const good: Array<{ record: InputRecord; values: CellValue[] }> = [];
      let quarantineText = "";
      for (const record of batch) {
        read++;
        const why: string[] = [];
        let values: CellValue[] | undefined;
        let raw: Record<string, string | null> = {};
        if ("malformed" in record) why.push(record.malformed);
        else {
          const texts = "fields" in record ? record.fields : shape.columns.map((c) => jsonCellText(record.object[c]));
          values = new Array<CellValue>(shape.checks.length);
          for (let k = 0; k < shape.checks.length; k++) {
            const { check, at } = shape.checks[k]!;
            const v = check.check(texts[at] ?? null, why);
            values[k] = v === undefined ? null : v;
          }
          if (why.length > 0) raw = Object.fromEntries(shape.columns.map((c, k) => [c, texts[k] ?? null]));
        }
        if (why.length === 0) {
          good.push({ record, values: values! });
          continue;
        }
        quarantined++;
        for (const reason of why) {
          const key = reasons.has(reason) || reasons.size < MAX_DISTINCT_REASONS ? reason : "(other reasons)";
          reasons.set(key, (reasons.get(key) ?? 0) + 1);
        }
        quarantineText += `${JSON.stringify("malformed" in record ? { row: record.row, values: {}, reasons: why, line: record.text } : { row: record.row, values: raw, reasons: why })}\n`;
      }
      await quarantine.write(quarantineText);
      if (good.length === 0) continue;
      const rows: RequestRow[] = good.map(({ values }) => {
        const row: RequestRow = {};
        for (const input of shape!.inputs) row[input.name] = values[input.check];
        return row;
      });
      let predictions: RowPrediction[];
      try {
        predictions = await model.run(rows);
      } catch (error) {
        throw new PredictError(`${model.identity.name} version ${model.identity.version} failed on rows ${good[0]!.record.row}..${good[good.length - 1]!.record.row}: ${(error as Error).message}`, 1);
      }
      scored += good.length;
      await out.write(outputLines(good, predictions, shape, options.format, delimiter, classKeys));
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

function outputLines(
  good: Array<{ record: InputRecord; values: CellValue[] }>,
  predictions: RowPrediction[],
  shape: Layout,
  format: OutputFormat,
  delimiter: string,
  classKeys: string[],
): string {
  const lines = new Array<string>(good.length);
  for (let i = 0; i < good.length; i++) {
    const { record, values } = good[i]!;
    const p = predictions[i]!;
    if (format === "csv") {
      const input =
        "fields" in record ? record.text : "object" in record ? shape.columns.map((c) => csvValue(record.object[c], delimiter)).join(delimiter) : "";
      let extra: string;
      if ("score" in p) extra = String(p.score);
      else if ("probabilities" in p) {
        extra = csvValue(p.prediction, delimiter);
        for (const key of classKeys) extra += delimiter + String(p.probabilities[key]);
      } else extra = String(p.prediction);
      lines[i] = `${input}${delimiter}${extra}\n`;
    } else {
      let object: Record<string, unknown>;
      if ("object" in record) object = { ...record.object };
      else {
        object = {};
        const fields = "fields" in record ? record.fields : [];
        shape.columns.forEach((c, k) => (object[c] = fields[k] ?? null));
        // contract columns carry their typed values
        shape.checks.forEach(({ check }, k) => (object[check.name] = values[k]));
      }
      Object.assign(object, p);
      lines[i] = `${JSON.stringify(object)}\n`;
    }
  }
  return lines.join("");
}
