/**
 * `mlspec feedback SPEC FILE`: outcomes loaded from a JSON Lines or CSV file,
 * checked and stored exactly as `POST /v1/<serve>/feedback` does
 * (feedback-intake.ts), each record answered with its row number.
 *
 * JSON Lines: one item a line, as the HTTP body's items
 * (`{"request_id": "r1", "outcome": true}`, `{"key": {"customer_id": "C1"}, "outcome": 0}`);
 * a row is its line number. CSV: a header with `outcome` and `request_id`, or
 * one key column (a request column of the serve, e.g. `customer_id`), or both;
 * a row is the record's number after the header. A CSV outcome is `true`,
 * `false` or a number; a key value is read as its column's type, so that
 * `17` names the int 17 the prediction log holds, not the text "17".
 */
import { basename, extname } from "node:path";
import type { ColumnType, Plan, ServePlan, Step, StepOf } from "../../compiler/plan/schema.js";
import type { SqliteDatabase } from "../workspace/db.js";
import { CsvSplitter, InputError, JsonLinesSplitter, readRecords } from "../predict/input-records.js";
import { MAX_FEEDBACK_ITEMS, takeFeedback, type FeedbackTarget } from "./feedback-intake.js";

export type FeedbackFileFormat = "csv" | "jsonl";

/** A column a key may name, and how a CSV text of it is read. */
export interface KeyColumn {
  name: string;
  kind: "number" | "boolean" | "string";
}

/** What became of one record of the file that was not stored (accepted ones are only counted). */
export type RecordStatus = { row: number; status: "invalid"; error: string } | { row: number; status: "unknown_request_id"; request_id: string; error: string };

export interface FeedbackFileResult {
  serve: string;
  file: string;
  /** Records read (blank lines are none). */
  records: number;
  accepted: number;
  rejected: number;
  /** Every record not stored, in file order, with why. */
  notStored: RecordStatus[];
}

/** The file cannot be read as feedback at all (missing, a directory, a CSV header without `outcome`). */
export class FeedbackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FeedbackFileError";
  }
}

export function feedbackFileFormat(path: string, given?: FeedbackFileFormat): FeedbackFileFormat {
  if (given) return given;
  const ext = extname(path).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  throw new FeedbackFileError(`cannot tell the format of ${path} from its name: a feedback file is JSON Lines (.jsonl, .ndjson) or CSV (.csv)`);
}

function stepOf<K extends Step["kind"]>(plan: Plan, kind: K, id: string): StepOf<K> | undefined {
  return plan.steps.find((s): s is StepOf<K> => s.kind === kind && s.id === id);
}

function kindOf(type: ColumnType): KeyColumn["kind"] {
  if (type.kind === "int" || type.kind === "float") return "number";
  if (type.kind === "bool") return "boolean";
  return "string";
}

/**
 * The columns a feedback key may name for `serve`: its dataset's contract
 * columns but the label (what the endpoint's feedbackTarget allows); without a
 * contract, the input fields of the serve's latest logged prediction.
 */
export function serveKeyColumns(plan: Plan, serve: ServePlan, db: SqliteDatabase): KeyColumn[] {
  const validate = serve.dataset ? stepOf(plan, "validate", `validate:${serve.dataset}`) : undefined;
  if (validate) {
    const model = serve.model.model;
    const target = (stepOf(plan, "train", `train:${model}`) ?? stepOf(plan, "import_model", `import_model:${model}`))?.params.task.target;
    return validate.params.contract.columns.filter((c) => c.name !== target).map((c) => ({ name: c.name, kind: kindOf(c.type) }));
  }
  const row = db.prepare("SELECT inputs FROM predictions WHERE serve = ? ORDER BY id DESC LIMIT 1").get(serve.name) as { inputs: string } | undefined;
  if (!row) return [];
  const inputs = JSON.parse(row.inputs) as unknown;
  const first = Array.isArray(inputs) ? inputs[0] : inputs;
  if (typeof first !== "object" || first === null) return [];
  return Object.entries(first as Record<string, unknown>).map(([name, value]) => ({
    name,
    kind: typeof value === "number" ? "number" : typeof value === "boolean" ? "boolean" : "string",
  }));
}

type Parsed = { row: number; item: unknown } | { row: number; invalid: string };

function csvOutcome(text: string | null): unknown {
  if (text === null) return undefined;
  const t = text.trim();
  if (/^(true|false)$/i.test(t)) return t.toLowerCase() === "true";
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return text; // the intake says why a text is no outcome
}

function csvKeyValue(column: KeyColumn, text: string): string | number | boolean | { invalid: string } {
  if (column.kind === "string") return text;
  const t = text.trim();
  if (column.kind === "boolean") {
    if (/^(true|false)$/i.test(t)) return t.toLowerCase() === "true";
    return { invalid: `key column ${column.name} holds booleans; got ${JSON.stringify(text)}` };
  }
  const n = Number(t);
  if (t === "" || !Number.isFinite(n)) return { invalid: `key column ${column.name} holds numbers; got ${JSON.stringify(text)}` };
  return n;
}

/** Turns a CSV header into a reader of its records; throws FeedbackFileError for a header that cannot hold feedback. */
function csvReader(header: readonly string[], keyColumns: readonly KeyColumn[], serve: string): (fields: Array<string | null>) => unknown | { invalid: string } {
  const at = (name: string) => header.indexOf(name);
  const outcome = at("outcome");
  if (outcome < 0) throw new FeedbackFileError(`the CSV header has no outcome column (it has ${header.join(", ")}); a feedback CSV has outcome and request_id or a key column`);
  const requestId = at("request_id");
  const others = header.filter((h) => h !== "outcome" && h !== "request_id");
  if (others.length > 1) throw new FeedbackFileError(`the CSV header names ${others.join(", ")}: a feedback CSV has outcome, request_id and at most one key column`);
  let key: { index: number; column: KeyColumn } | undefined;
  if (others.length === 1) {
    const column = keyColumns.find((c) => c.name === others[0]);
    if (!column) {
      throw new FeedbackFileError(`the CSV column ${others[0]} is not a request column of serve ${serve}${keyColumns.length ? `; key columns: ${keyColumns.map((c) => c.name).join(", ")}` : ""}`);
    }
    key = { index: at(column.name), column };
  }
  if (requestId < 0 && !key) throw new FeedbackFileError("the CSV header has outcome but neither request_id nor a key column: nothing names the predictions");
  return (fields) => {
    const item: Record<string, unknown> = {};
    const id = requestId >= 0 ? fields[requestId] : null;
    if (id !== null && id !== undefined) item.request_id = id;
    const keyText = key ? fields[key.index] : null;
    if (key && keyText !== null && keyText !== undefined) {
      const value = csvKeyValue(key.column, keyText);
      if (typeof value === "object") return value;
      item.key = { [key.column.name]: value };
    }
    const value = csvOutcome(fields[outcome] ?? null);
    if (value !== undefined) item.outcome = value;
    return item;
  };
}

/** The records of a feedback file, a batch at a time: each an item for the intake or why it is none. */
async function* parsedRecords(path: string, format: FeedbackFileFormat, keyColumns: readonly KeyColumn[], serve: string): AsyncGenerator<Parsed[]> {
  const splitter = format === "csv" ? new CsvSplitter() : new JsonLinesSplitter();
  let read: ((fields: Array<string | null>) => unknown) | undefined;
  try {
    for await (const batch of readRecords(path, splitter, { batchRows: MAX_FEEDBACK_ITEMS })) {
      yield batch.map((record): Parsed => {
        if ("malformed" in record) return { row: record.row, invalid: record.malformed };
        if ("object" in record) return { row: record.row, item: record.object };
        read ??= csvReader((splitter as CsvSplitter).header!, keyColumns, serve);
        const item = read(record.fields);
        if (typeof item === "object" && item !== null && "invalid" in item) return { row: record.row, invalid: (item as { invalid: string }).invalid };
        return { row: record.row, item };
      });
    }
  } catch (error) {
    if (error instanceof InputError) throw new FeedbackFileError(error.message);
    throw error;
  }
  // a CSV of a header alone still has its header checked
  if (format === "csv" && !read && (splitter as CsvSplitter).header) csvReader((splitter as CsvSplitter).header!, keyColumns, serve);
}

/**
 * Read `path` and store its outcomes through the intake, MAX_FEEDBACK_ITEMS
 * at a time (one transaction each). Throws FeedbackFileError when the file
 * cannot be read as feedback; records that are not stored are listed, never dropped.
 */
export async function loadFeedbackFile(
  path: string,
  target: { db: SqliteDatabase; serve: string; now: () => number },
  options: { format?: FeedbackFileFormat; keyColumns: readonly KeyColumn[] },
): Promise<FeedbackFileResult> {
  const format = feedbackFileFormat(path, options.format);
  const result: FeedbackFileResult = { serve: target.serve, file: path, records: 0, accepted: 0, rejected: 0, notStored: [] };
  const intake: FeedbackTarget = { ...target, keyColumns: options.keyColumns.map((c) => c.name), source: `file:${basename(path)}` };
  for await (const batch of parsedRecords(path, format, options.keyColumns, target.serve)) {
    result.records += batch.length;
    const items: Array<{ row: number; item: unknown }> = [];
    const statuses: RecordStatus[] = [];
    for (const p of batch) {
      if ("invalid" in p) statuses.push({ row: p.row, status: "invalid", error: p.invalid });
      else items.push(p);
    }
    if (items.length > 0) {
      const answer = await takeFeedback(items.map((i) => i.item), intake);
      result.accepted += answer.accepted;
      for (const s of answer.items) {
        const row = items[s.index]!.row;
        if (s.status === "invalid") statuses.push({ row, status: "invalid", error: s.error });
        else if (s.status === "unknown_request_id") statuses.push({ row, status: "unknown_request_id", request_id: s.request_id, error: s.error });
      }
    }
    statuses.sort((a, b) => a.row - b.row);
    for (const s of statuses) result.notStored.push(s);
  }
  result.rejected = result.records - result.accepted;
  if (result.records === 0) throw new FeedbackFileError(`${path} holds no feedback: nothing to store`);
  return result;
}
