/**
 * Reads a data file into a DataSession with every value as text, so that a value of the
 * wrong type is reported by the contract rather than stopping the reader. The file is
 * read exactly once: the caller passes the projection to apply while reading (the
 * contract uses this to type and check values in the same pass).
 *
 * After `readSource(session, source, { table, view, project })` the session holds:
 *   <table>       table  the projected rows, in file order
 *   <view>        view   `__row` (BIGINT, the source row number) + the columns of <table>
 *   raw_rejected  table  `__row`, `line` (the text as read), `reasons` (VARCHAR[]): rows the reader
 *                        could not split into fields (wrong field count, bad encoding, invalid JSON)
 * `openSource(session, source)` is the identity projection: table raw_source, view `raw`.
 *
 * Source row numbers are 1-based and follow the file:
 *   csv      the data-record index: the first record after the header is 1; blank lines are no
 *            records; a quoted field spanning lines is still one row (see csv-records.ts)
 *   jsonl    the line number in the file (blank lines are skipped but keep their number)
 *   parquet  the row's position in the file
 */
import { mkdtemp, open, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { splitCsvRecords } from "./csv-records.js";
import { DataSourceError } from "./errors.js";
import type { DataSession } from "./session.js";
import { excerpt } from "./excerpt.js";
import { quoteIdent, quoteString } from "./sql.js";
import type { SourceSpec } from "../../compiler/plan/schema.js";

/** Name of the source row number column in every relation the data layer creates. */
export const ROW_COLUMN = "__row";

export interface RawSource {
  format: SourceSpec["format"];
  path: string;
  /** File column names, in file order. */
  columns: string[];
  /** Rows split into fields (in the read table). */
  parsedRows: number;
  /** Rows the reader could not split into fields (in `raw_rejected`). */
  rejectedRows: number;
  /** The file holds no data at all (0 bytes or only whitespace): it has no header either. */
  empty: boolean;
}

export interface ReadOptions {
  /** Table to create with the projected rows. */
  table: string;
  /** View to create over it with `__row`. */
  view: string;
  /** Applied while reading, given the file's column names. Default: every file column as is. */
  project?: (fileColumns: string[]) => ReadProjection;
  /** Column names for a CSV file without a header row (by position). */
  columnNames?: string[];
}

/**
 * What to keep of each row while reading. `levels` add computed columns one level at a
 * time (a level may use the file's columns, named as in the file and typed VARCHAR, and
 * every column added before it); `select` is the final column list.
 */
export interface ReadProjection {
  levels: string[][];
  select: string[];
}

export type OpenSourceOptions = Pick<ReadOptions, "columnNames">;

const SNIFF_BYTES = 64 * 1024;
/** Up to this many rejected rows, the row number is a CASE expression; beyond, an ASOF join. */
const INLINE_REJECT_OFFSETS = 256;

/** Reads the source as text: table raw_source, view raw (`__row` + every file column). */
export async function openSource(
  session: DataSession,
  source: SourceSpec,
  options: OpenSourceOptions = {},
): Promise<RawSource> {
  return readSource(session, source, { table: "raw_source", view: "raw", columnNames: options.columnNames });
}

export async function readSource(session: DataSession, source: SourceSpec, options: ReadOptions): Promise<RawSource> {
  const head = await readHead(source.path);
  await session.run(`CREATE TABLE raw_rejected (${ROW_COLUMN} BIGINT, line VARCHAR, reasons VARCHAR[])`);
  const project = options.project ?? ((columns: string[]) => ({ levels: [], select: columns.map(quoteIdent) }));
  const result = (columns: string[], empty: boolean): Omit<RawSource, "parsedRows" | "rejectedRows"> => ({
    format: source.format,
    path: source.path,
    columns,
    empty,
  });
  let read: Omit<RawSource, "parsedRows" | "rejectedRows">;
  if (source.format !== "parquet" && head.trim().length === 0) {
    await session.run(`CREATE TABLE ${options.table} AS ${projectedQuery("(SELECT NULL AS __empty WHERE false)", project([]), [])}`);
    await session.run(`CREATE VIEW ${options.view} AS SELECT NULL::BIGINT AS ${ROW_COLUMN}, * FROM ${options.table}`);
    read = result([], true);
  } else {
    switch (source.format) {
      case "csv":
        assertText(head, source.path, "CSV");
        read = result(await readCsv(session, source, options, project), false);
        break;
      case "jsonl":
        assertText(head, source.path, "JSON Lines");
        read = result(await readJsonLines(session, source, options, project), false);
        break;
      case "parquet":
        if (!head.startsWith("PAR1")) {
          throw new DataSourceError(`${source.path} is not a Parquet file (it does not start with the Parquet magic bytes)`);
        }
        read = result(await readParquet(session, source, options, project), false);
        break;
      default:
        throw new DataSourceError(`unknown data format "${String((source as SourceSpec).format)}"`);
    }
  }
  const counts = await session.one(
    `SELECT (SELECT count(*) FROM ${options.table}) AS parsed, (SELECT count(*) FROM raw_rejected) AS rejected`,
  );
  return { ...read, parsedRows: Number(counts["parsed"]), rejectedRows: Number(counts["rejected"]) };
}

/** The first bytes of the file as latin1 text; clear errors for a missing or unreadable file. */
async function readHead(path: string): Promise<string> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new DataSourceError(`${path} is a directory, not a data file`);
    size = info.size;
  } catch (error) {
    if (error instanceof DataSourceError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new DataSourceError(`data file not found: ${path}`);
    throw new DataSourceError(`cannot read data file ${path}: ${(error as Error).message}`);
  }
  let handle;
  try {
    handle = await open(path, "r");
    const buffer = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString("latin1");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES") throw new DataSourceError(`no permission to read data file ${path}`);
    throw new DataSourceError(`cannot read data file ${path}: ${(error as Error).message}`);
  } finally {
    await handle?.close();
  }
}

function assertText(head: string, path: string, format: string): void {
  if (head.includes("\u0000")) {
    throw new DataSourceError(`${path} does not look like a ${format} file: it contains binary data (NUL bytes)`);
  }
}

/** DuckDB's first message lines, without its file/option dump. */
function readerMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // DuckDB may quote the data it choked on: show a bounded excerpt only.
  return excerpt(message.split("\n").filter((l) => l.trim().length > 0).slice(0, 2).join(" ").trim(), 200);
}

/** SELECT <carry>, <select> FROM (the levels, innermost first, over scan). */
function projectedQuery(scan: string, projection: ReadProjection, carry: string[]): string {
  let from = scan;
  for (const level of projection.levels) {
    if (level.length > 0) from = `(SELECT *, ${level.join(", ")} FROM ${from})`;
  }
  const select = [...carry, ...projection.select];
  return `SELECT ${select.length > 0 ? select.join(", ") : "NULL AS __empty"} FROM ${from}`;
}

function assertNoReservedColumn(columns: string[], path: string): void {
  if (columns.includes(ROW_COLUMN)) {
    throw new DataSourceError(`${path}: the column name ${ROW_COLUMN} is reserved by mlspec; rename it`);
  }
}

async function readCsv(
  session: DataSession,
  source: SourceSpec,
  options: ReadOptions,
  project: (columns: string[]) => ReadProjection,
): Promise<string[]> {
  const header = source.header ?? true;
  const delimiter = source.delimiter ?? ",";
  if (delimiter.length === 0 || Buffer.byteLength(delimiter) > 4 || delimiter.includes('"') || /[\r\n]/.test(delimiter)) {
    throw new DataSourceError(`invalid CSV delimiter ${excerpt(JSON.stringify(delimiter))} for ${source.path} (1 to 4 bytes, no quote or line end)`);
  }
  // The records are split here by the declared dialect (see csv-records.ts), and DuckDB reads
  // the well-formed ones from a copy with the same dialect and nothing to sniff.
  const scratch = await mkdtemp(join(tmpdir(), "mlspec-csv-"));
  try {
    const copy = join(scratch, "records.csv");
    const rejects = join(scratch, "rejected.csv");
    const records = await splitCsvRecords(source.path, { delimiter, header, columnNames: options.columnNames }, copy, rejects);
    const columns = records.columns;
    assertNoReservedColumn(columns, source.path);
    await session.run(`
      INSERT INTO raw_rejected
      SELECT "row", "text", ["reason"] FROM read_csv(${quoteString(rejects)}, header = false, delim = ',', quote = '"',
        escape = '"', new_line = '\\n', auto_detect = false, allow_quoted_nulls = false,
        columns = {'row': 'BIGINT', 'reason': 'VARCHAR', 'text': 'VARCHAR'})`);
    const args = [
      quoteString(copy),
      "header = false",
      `delim = ${quoteString(delimiter)}`,
      `quote = '"'`,
      `escape = '"'`,
      "new_line = '\\n'",
      // An empty unquoted field is null; a quoted empty field ("") is the empty string.
      "allow_quoted_nulls = false",
      `columns = {${[`${quoteString(ROW_COLUMN)}: 'BIGINT'`, ...columns.map((c) => `${quoteString(c)}: 'VARCHAR'`)].join(", ")}}`,
      "auto_detect = false",
      // What DuckDB itself cannot take (text that is not UTF-8) is recorded, not fatal.
      "store_rejects = true",
      "rejects_table = 'raw_reject_errors'",
      "rejects_scan = 'raw_reject_scans'",
    ];
    const scan = `read_csv(${args.join(", ")})`;
    try {
      await session.run(`CREATE TABLE ${options.table} AS ${projectedQuery(scan, project(columns), [ROW_COLUMN])}`);
    } catch (error) {
      throw new DataSourceError(`cannot read ${source.path} as CSV: ${readerMessage(error)}`);
    }
    // Each line of the copy starts with its row number.
    await session.run(`
      INSERT INTO raw_rejected
      SELECT TRY_CAST(regexp_extract(any_value(csv_line), '^[0-9]+') AS BIGINT),
             regexp_replace(any_value(csv_line), '^[0-9]+' || ${quoteString(escapeRegex(delimiter))}, ''),
             ['malformed CSV row: ' || string_agg(DISTINCT lower(error_type), ', ')]
      FROM raw_reject_errors GROUP BY line`);
    // DuckDB keeps the copy's order, which is row order.
    await session.run(`CREATE VIEW ${options.view} AS SELECT * FROM ${options.table}`);
    return columns;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Creates view `view` over `table` (file order) with the source row number. Rows in
 * raw_rejected leave gaps: parsed row k (0-based) is preceded by every rejected row j whose
 * q_j = p_j - j (the number of parsed rows before it) is <= k.
 */
async function numberParsedRows(session: DataSession, table: string, view: string): Promise<void> {
  const offsets = await session.rows(`
    SELECT q, max(j) AS preceding FROM (
      SELECT ${ROW_COLUMN} - row_number() OVER (ORDER BY ${ROW_COLUMN}) AS q,
             row_number() OVER (ORDER BY ${ROW_COLUMN}) AS j
      FROM raw_rejected) GROUP BY q ORDER BY q`);
  // The table keeps file order (DuckDB preserves insertion order), so rowid is the row index.
  if (offsets.length <= INLINE_REJECT_OFFSETS) {
    const steps = offsets
      .reverse()
      .map((o) => `WHEN rowid >= ${Number(o["q"])} THEN ${Number(o["preceding"])}`)
      .join(" ");
    const number = steps ? `rowid + 1 + CASE ${steps} ELSE 0 END` : "rowid + 1";
    await session.run(`CREATE VIEW ${view} AS SELECT ${number} AS ${ROW_COLUMN}, * FROM ${table}`);
    return;
  }
  await session.run(`
    CREATE TABLE ${view}_reject_offsets AS
    SELECT q, max(j) AS preceding FROM (
      SELECT ${ROW_COLUMN} - row_number() OVER (ORDER BY ${ROW_COLUMN}) AS q,
             row_number() OVER (ORDER BY ${ROW_COLUMN}) AS j
      FROM raw_rejected) GROUP BY q`);
  await session.run(`
    CREATE VIEW ${view} AS
    SELECT s.rid + 1 + coalesce(o.preceding, 0) AS ${ROW_COLUMN}, s.* EXCLUDE (rid)
    FROM (SELECT rowid AS rid, * FROM ${table}) s
    ASOF LEFT JOIN ${view}_reject_offsets o ON s.rid >= o.q`);
}

async function readJsonLines(
  session: DataSession,
  source: SourceSpec,
  options: ReadOptions,
  project: (columns: string[]) => ReadProjection,
): Promise<string[]> {
  // Each line is read whole (no quoting; U+0001 never appears unescaped in JSON text),
  // so that a malformed line is quarantined instead of failing the read.
  try {
    await session.run(`
      CREATE TABLE raw_line_source AS
      SELECT line FROM read_csv(${quoteString(source.path)},
        columns = {'line': 'VARCHAR'}, header = false, delim = '\u0001', quote = '', escape = '',
        auto_detect = false, store_rejects = true,
        rejects_table = 'raw_reject_errors', rejects_scan = 'raw_reject_scans')`);
  } catch (error) {
    throw new DataSourceError(`cannot read ${source.path} as JSON Lines: ${readerMessage(error)}`);
  }
  // Without a header, the reader's record number is the line number.
  await session.run(`
    INSERT INTO raw_rejected
    SELECT line::BIGINT, any_value(csv_line),
           ['line is not valid JSON text (' || string_agg(DISTINCT lower(error_type), ', ') || ')']
    FROM raw_reject_errors GROUP BY line`);
  await numberParsedRows(session, "raw_line_source", "raw_lines");
  await session.run(`
    CREATE TABLE raw_objects AS
    SELECT ${ROW_COLUMN}, line, CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' ELSE false END AS ok
    FROM raw_lines WHERE line IS NOT NULL AND trim(line) <> ''`);
  await session.run(`
    INSERT INTO raw_rejected
    SELECT ${ROW_COLUMN}, line,
           [CASE WHEN json_valid(line) THEN 'line is JSON but not an object' ELSE 'line is not valid JSON' END]
    FROM raw_objects WHERE NOT ok`);
  const keyRows = await session.rows(`
    SELECT key FROM (
      SELECT ${ROW_COLUMN} AS r, unnest(json_keys(line)) AS key, generate_subscripts(json_keys(line), 1) AS pos
      FROM raw_objects WHERE ok)
    GROUP BY key ORDER BY min(r), arg_min(pos, r), key`);
  const keys = keyRows.map((r) => String(r["key"]));
  assertNoReservedColumn(keys, source.path);
  // DuckDB column names are case-insensitive, so "a" and "A" cannot both be columns.
  const seen = new Map<string, string>();
  for (const key of keys) {
    const clash = seen.get(key.toLowerCase());
    if (clash !== undefined) {
      throw new DataSourceError(`${source.path}: keys ${excerpt(JSON.stringify(clash))} and ${excerpt(JSON.stringify(key))} differ only in case; rename one`);
    }
    seen.set(key.toLowerCase(), key);
  }
  // One JSON parse per line extracts every key at once.
  const extract = keys.length === 0 ? "NULL" : `json_extract_string(line, [${keys.map(quoteString).join(", ")}])`;
  const fields = keys.map((k, i) => `, v[${i + 1}] AS ${quoteIdent(k)}`).join("");
  const scan = `(SELECT ${ROW_COLUMN}${fields} FROM (SELECT ${ROW_COLUMN}, ${extract} AS v FROM raw_objects WHERE ok))`;
  await session.run(`
    CREATE TABLE ${options.table} AS ${projectedQuery(scan, project(keys), [ROW_COLUMN])} ORDER BY ${ROW_COLUMN}`);
  await session.run(`CREATE VIEW ${options.view} AS SELECT * FROM ${options.table}`);
  return keys;
}

async function readParquet(
  session: DataSession,
  source: SourceSpec,
  options: ReadOptions,
  project: (columns: string[]) => ReadProjection,
): Promise<string[]> {
  const from = `read_parquet(${quoteString(source.path)}, file_row_number = true)`;
  let columns: string[];
  try {
    columns = (await session.describe(from)).map((c) => c.name).filter((n) => n !== "file_row_number");
  } catch (error) {
    throw new DataSourceError(`cannot read ${source.path} as Parquet: ${readerMessage(error)}`);
  }
  assertNoReservedColumn(columns, source.path);
  const casts = columns.map((n) => `, CAST(${quoteIdent(n)} AS VARCHAR) AS ${quoteIdent(n)}`).join("");
  const scan = `(SELECT file_row_number + 1 AS ${ROW_COLUMN}${casts} FROM ${from})`;
  try {
    await session.run(`
      CREATE TABLE ${options.table} AS ${projectedQuery(scan, project(columns), [ROW_COLUMN])} ORDER BY ${ROW_COLUMN}`);
  } catch (error) {
    throw new DataSourceError(`cannot read ${source.path} as Parquet: ${readerMessage(error)}`);
  }
  await session.run(`CREATE VIEW ${options.view} AS SELECT * FROM ${options.table}`);
  return columns;
}
