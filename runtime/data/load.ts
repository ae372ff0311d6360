/**
 * Accepted rows as column arrays for feature fitting and training, typed per contract:
 *   int, float      number (an int beyond 2^53 loses precision)
 *   bool            boolean
 *   string, enum    string
 *   timestamp       number: milliseconds since 1970-01-01T00:00:00Z (what features compute on;
 *                   `new Date(ms).toISOString()` gives the text)
 *   null            null
 * Rows come in ascending source row order, the order of DataSplit's row lists.
 *
 * With `typed`, int, float and timestamp columns come as one Float64Array each, NaN for null
 * (what the feature pipeline reads anyway): 8 bytes a value and no JS value per cell.
 */
import { ROW_COLUMN } from "./read.js";
import type { ValidatedDataset } from "./contract.js";
import { DataSpecError } from "./errors.js";
import { assertSplitExists } from "./split.js";
import { quoteIdent, quoteString } from "./sql.js";
import type { ColumnContract } from "../../compiler/plan/schema.js";
import type { SplitPart } from "./split.js";

export type ColumnValue = number | string | boolean | null;
export type ColumnArrays = Record<string, ColumnValue[]>;
/** Columns as `loadColumns(…, { typed: true })` gives them: numbers in Float64Arrays (NaN for null). */
export type TypedColumnArrays = Record<string, ColumnValue[] | Float64Array>;

export interface LoadOptions {
  /** Only this part of the split made by splitDataset in the same session. */
  part?: SplitPart;
  /** Only these source row numbers (in ascending row order whatever the order given). */
  rows?: readonly number[];
  /** Only these contract columns (default: all, in contract order). */
  columns?: readonly string[];
  /** Also return the source row numbers under this key. */
  rowNumbersAs?: string;
  /** Numeric columns (and row numbers) as Float64Arrays, NaN for null. */
  typed?: boolean;
}

export async function loadColumns(data: ValidatedDataset, options: LoadOptions & { typed: true }): Promise<TypedColumnArrays>;
export async function loadColumns(data: ValidatedDataset, options?: LoadOptions & { typed?: false }): Promise<ColumnArrays>;
export async function loadColumns(data: ValidatedDataset, options: LoadOptions = {}): Promise<ColumnArrays | TypedColumnArrays> {
  const { session, contract, table } = data;
  const byName = new Map(contract.columns.map((c) => [c.name, c]));
  const wanted: ColumnContract[] = (options.columns ?? contract.columns.map((c) => c.name)).map((name) => {
    const column = byName.get(name);
    if (!column) throw new DataSpecError(`cannot load column "${name}": not a column of the dataset`);
    return column;
  });
  const filters: string[] = [];
  let from = table;
  if (options.part !== undefined) {
    await assertSplitExists(data);
    // split_assignment holds the accepted rows in the same (row) order, so a positional join
    // pairs them without hashing or sorting; the row order is checked below.
    from = `(SELECT a.* FROM ${table} a POSITIONAL JOIN split_assignment s WHERE s.part = ${quoteString(options.part)})`;
  }
  if (options.rows !== undefined) {
    for (const r of options.rows) {
      if (!Number.isSafeInteger(r)) throw new DataSpecError(`row number ${r} is not an integer`);
    }
    await session.writeIntegers("load_rows", ROW_COLUMN, options.rows);
    filters.push(`${ROW_COLUMN} IN (SELECT ${ROW_COLUMN} FROM load_rows)`);
  }
  const select = [`${ROW_COLUMN}::DOUBLE AS row_number`, ...wanted.map((c, i) => `${exportExpression(c)} AS c${i}`)];
  const where = filters.length > 0 ? `WHERE ${filters.join(" AND ")}` : "";
  // The accepted rows are stored in row order and DuckDB keeps insertion order through scans
  // and filters, so no sort is needed; the rows arrive ascending or this throws.
  // (A row list goes through a hash join, which need not keep order: that path sorts.)
  const order = options.rows !== undefined ? `ORDER BY ${ROW_COLUMN}` : "";
  const query = `SELECT ${select.join(", ")} FROM ${from} ${where} ${order}`;
  const result: Record<string, ArrayLike<unknown>> = options.typed ? await session.typedColumns(query) : await session.columns(query);
  const rows = (result["row_number"] ?? []) as ArrayLike<number>;
  for (let k = 1; k < rows.length; k++) {
    if (!(rows[k - 1]! < rows[k]!)) throw new Error(`internal error: loaded rows out of order at ${rows[k]}`);
  }
  const out: TypedColumnArrays = {};
  wanted.forEach((c, i) => {
    const loaded = result[`c${i}`] ?? [];
    if (numeric(c)) {
      if (loaded instanceof Float64Array) {
        out[c.name] = loaded;
        return;
      }
      // Nulls travel as NaN (see exportExpression); a real NaN never reaches `accepted`.
      const values = loaded as ColumnValue[];
      for (let k = 0; k < values.length; k++) if (Number.isNaN(values[k])) values[k] = null;
      out[c.name] = values;
    } else if (c.type.kind === "enum") {
      // Enum values travel as their position in the declared list (-1 for null).
      const declared = [...new Set(c.type.values)];
      const codes = loaded as ArrayLike<number>;
      const values = new Array<ColumnValue>(codes.length);
      for (let k = 0; k < codes.length; k++) values[k] = codes[k]! < 0 ? null : declared[codes[k]!]!;
      out[c.name] = values;
    } else {
      out[c.name] = loaded as ColumnValue[];
    }
  });
  if (options.rowNumbersAs !== undefined) out[options.rowNumbersAs] = rows instanceof Float64Array ? rows : (rows as number[]);
  return out;
}

function numeric(column: ColumnContract): boolean {
  const kind = column.type.kind;
  return kind === "int" || kind === "float" || kind === "timestamp";
}

/**
 * SQL giving the JS-facing value: numbers as DOUBLE, timestamps as epoch milliseconds, enums as
 * their index. Nulls are sent as NaN / -1: a vector without a null mask reads several times faster.
 */
function exportExpression(column: ColumnContract): string {
  const col = quoteIdent(column.name);
  switch (column.type.kind) {
    case "int":
    case "float":
      return `coalesce(${col}::DOUBLE, 'NaN'::DOUBLE)`;
    case "timestamp":
      return `coalesce(epoch_ms(${col})::DOUBLE, 'NaN'::DOUBLE)`;
    case "enum":
      // Decoding one small integer per row is much cheaper than one string per row; the ENUM's
      // code is the position among the declared values (repeats dropped).
      return `coalesce(enum_code(${col}), -1)::INTEGER`;
    default:
      return col;
  }
}
