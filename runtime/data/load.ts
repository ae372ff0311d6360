/**
 * Accepted rows as column arrays for feature fitting and training, typed per contract:
 *   int, float      number (an int beyond 2^53 loses precision)
 *   bool            boolean
 *   string, enum    string
 *   timestamp       number: milliseconds since 1970-01-01T00:00:00Z (what features compute on;
 *                   `new Date(ms).toISOString()` gives the text)
 *   null            null
 * Rows come in ascending source row order, the order of DataSplit's row lists.
 */
import { ROW_COLUMN } from "./read.js";
import type { ValidatedDataset } from "./contract.js";
import { DataSpecError } from "./errors.js";
import { assertSplitExists } from "./split.js";
import { quoteIdent, quoteString } from "./sql.js";
import type { ColumnContract, SplitPart } from "./types.js";

export type ColumnValue = number | string | boolean | null;
export type ColumnArrays = Record<string, ColumnValue[]>;

export interface LoadOptions {
  /** Only this part of the split made by splitDataset in the same session. */
  part?: SplitPart;
  /** Only these source row numbers (in ascending row order whatever the order given). */
  rows?: readonly number[];
  /** Only these contract columns (default: all, in contract order). */
  columns?: readonly string[];
  /** Also return the source row numbers under this key. */
  rowNumbersAs?: string;
}

export async function loadColumns(data: ValidatedDataset, options: LoadOptions = {}): Promise<ColumnArrays> {
  const { session, contract, table } = data;
  const byName = new Map(contract.columns.map((c) => [c.name, c]));
  const wanted: ColumnContract[] = (options.columns ?? contract.columns.map((c) => c.name)).map((name) => {
    const column = byName.get(name);
    if (!column) throw new DataSpecError(`cannot load column "${name}": not a column of the dataset`);
    return column;
  });
  const filters: string[] = [];
  if (options.part !== undefined) {
    await assertSplitExists(data);
    filters.push(`${ROW_COLUMN} IN (SELECT ${ROW_COLUMN} FROM split_assignment WHERE part = ${quoteString(options.part)})`);
  }
  if (options.rows !== undefined) {
    for (const r of options.rows) {
      if (!Number.isSafeInteger(r)) throw new DataSpecError(`row number ${r} is not an integer`);
    }
    await session.writeIntegers("load_rows", ROW_COLUMN, options.rows);
    filters.push(`${ROW_COLUMN} IN (SELECT ${ROW_COLUMN} FROM load_rows)`);
  }
  const select = wanted.map((c, i) => `${exportExpression(c)} AS c${i}`);
  if (options.rowNumbersAs !== undefined) select.push(`${ROW_COLUMN}::DOUBLE AS row_number`);
  if (select.length === 0) return {};
  const where = filters.length > 0 ? `WHERE ${filters.join(" AND ")}` : "";
  const result = await session.columns(`SELECT ${select.join(", ")} FROM ${table} ${where} ORDER BY ${ROW_COLUMN}`);
  const out: ColumnArrays = {};
  wanted.forEach((c, i) => {
    out[c.name] = (result[`c${i}`] ?? []) as ColumnValue[];
  });
  if (options.rowNumbersAs !== undefined) out[options.rowNumbersAs] = (result["row_number"] ?? []) as number[];
  return out;
}

/** SQL giving the JS-facing value: numbers as DOUBLE, timestamps as epoch milliseconds. */
function exportExpression(column: ColumnContract): string {
  const col = quoteIdent(column.name);
  switch (column.type.kind) {
    case "int":
      return `${col}::DOUBLE`;
    case "timestamp":
      return `epoch_ms(${col})::DOUBLE`;
    default:
      return col;
  }
}
