/**
 * What `mlspec init` needs to know of each column of a data file, read as text through
 * DuckDB (runtime/data/read.ts, so CSV, JSON Lines and Parquet are read as `mlspec run`
 * reads them): how many values are null, which types every non-null value parses as,
 * the numeric range, the distinct count and the most frequent values.
 */
import { openSource } from "../data/read.js";
import { DataSession } from "../data/session.js";
import { quoteIdent } from "../data/sql.js";
import type { SourceSpec } from "../../compiler/plan/schema.js";

/** Distinct values kept per column: enough to decide whether it is an enum (ENUM_MAX_VALUES). */
export const TOP_VALUES = 21;

export interface ColumnSummary {
  name: string;
  rows: number;
  /** Null or blank values. */
  nulls: number;
  /** Distinct non-null values. */
  distinct: number;
  /** Every non-null value parses as such (false when the column is all null). */
  parsesAs: { int: boolean; float: boolean; bool: boolean; timestamp: boolean };
  /** Of the values read as numbers (null when none is a number). */
  min: number | null;
  max: number | null;
  /** The TOP_VALUES most frequent non-null values, most frequent first (ties by value). */
  top: Array<{ value: string; count: number }>;
}

export interface FileSummary {
  rows: number;
  columns: ColumnSummary[];
  /** Records the reader could not split into fields. */
  unreadableRows: number;
}

export async function summarizeFile(source: SourceSpec): Promise<FileSummary> {
  const session = await DataSession.open();
  try {
    const raw = await openSource(session, source);
    const columns: ColumnSummary[] = [];
    for (const name of raw.columns) columns.push(await summarizeColumn(session, name));
    return { rows: raw.parsedRows, columns, unreadableRows: raw.rejectedRows };
  } finally {
    session.close();
  }
}

async function summarizeColumn(session: DataSession, name: string): Promise<ColumnSummary> {
  const v = `trim(CAST(${quoteIdent(name)} AS VARCHAR))`;
  const present = `${v} IS NOT NULL AND ${v} <> ''`;
  const all = (test: string) => `coalesce(bool_and(coalesce(${test}, false)) FILTER (WHERE ${present}), false)`;
  const row = await session.one(`
    SELECT count(*) AS rows,
           count(*) FILTER (WHERE NOT (${present})) AS nulls,
           count(DISTINCT ${v}) FILTER (WHERE ${present}) AS distinct,
           ${all(`TRY_CAST(${v} AS DOUBLE) = TRY_CAST(${v} AS BIGINT)`)} AS is_int,
           ${all(`isfinite(TRY_CAST(${v} AS DOUBLE))`)} AS is_float,
           ${all(`lower(${v}) IN ('true', 'false')`)} AS is_bool,
           ${all(`TRY_CAST(${v} AS TIMESTAMP) IS NOT NULL AND TRY_CAST(${v} AS DOUBLE) IS NULL`)} AS is_timestamp,
           min(TRY_CAST(${v} AS DOUBLE)) FILTER (WHERE isfinite(TRY_CAST(${v} AS DOUBLE))) AS min,
           max(TRY_CAST(${v} AS DOUBLE)) FILTER (WHERE isfinite(TRY_CAST(${v} AS DOUBLE))) AS max
    FROM raw`);
  const top = await session.rows(`
    SELECT ${v} AS value, count(*) AS n FROM raw WHERE ${present}
    GROUP BY 1 ORDER BY n DESC, value LIMIT ${TOP_VALUES}`);
  const num = (x: unknown) => (x === null || x === undefined ? null : Number(x));
  return {
    name,
    rows: Number(row["rows"]),
    nulls: Number(row["nulls"]),
    distinct: Number(row["distinct"]),
    parsesAs: { int: row["is_int"] === true, float: row["is_float"] === true, bool: row["is_bool"] === true, timestamp: row["is_timestamp"] === true },
    min: num(row["min"]),
    max: num(row["max"]),
    top: top.map((r) => ({ value: String(r["value"]), count: Number(r["n"]) })),
  };
}
