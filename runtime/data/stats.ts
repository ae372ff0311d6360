/**
 * Per-column summary statistics in one aggregate query. The contract's dataset rules and the
 * profile both read them; validation also folds the data hash into the same query, so that
 * validation scans the accepted rows once for all of them.
 *
 * For int and float: mean, std (sample, n-1), min, max as numbers. For timestamp: min and
 * max in epoch milliseconds. For bool: mean is the fraction true, and the count of trues.
 * String and enum columns get
 * counts only here: their min, max and value counts come from the profile's grouping of
 * values (profile.ts), which sees every distinct value anyway. Distinct counts are exact and
 * computed only for the columns asked for (validation asks for `unique` columns); the profile
 * counts the others while grouping values for its histograms.
 */
import type { DataSession, SqlRow } from "./session.js";
import { numberLiteral, quoteIdent } from "./sql.js";
import type { ColumnContract, ColumnKind } from "../../compiler/plan/schema.js";

export interface ColumnStatistics {
  name: string;
  kind: ColumnKind;
  /** Rows (nulls included). */
  count: number;
  nulls: number;
  /** Exact count of distinct non-null values, or null where not computed (see StatisticsOptions). */
  distinct: number | null;
  mean: number | null;
  std: number | null;
  /** int, float: number; timestamp: epoch milliseconds; string, enum, bool: null (see profile.ts). */
  min: number | string | null;
  max: number | string | null;
  /** bool: how many values are true; null for other kinds. */
  trues: number | null;
}

export interface TableStatistics {
  rows: number;
  columns: ColumnStatistics[];
  /** The values of StatisticsOptions.aggregates, by alias. */
  extra: SqlRow;
}

export interface StatisticsOptions {
  /** Columns whose exact distinct count is wanted (default: none). */
  distinct?: (column: ColumnContract) => boolean;
  /** Further aggregates over `relation` (`expression AS alias`), computed in the same scan. */
  aggregates?: readonly string[];
  /** Columns known to hold no null (not counted; validation knows which). */
  nonNull?: (column: ColumnContract) => boolean;
}

export async function tableStatistics(
  session: DataSession,
  relation: string,
  columns: readonly ColumnContract[],
  options: StatisticsOptions = {},
): Promise<TableStatistics> {
  const extra = options.aggregates ?? [];
  let row: SqlRow;
  try {
    row = await session.one(statisticsQuery(relation, columns, new Map(), extra, options.nonNull));
  } catch (error) {
    // DuckDB's variance raises on overflow (values beyond ~1e154). Dividing each column by its
    // largest magnitude first keeps the sums in range; only such data pays the extra pass.
    if (!/out of range/i.test(String(error))) throw error;
    const scales = await largestMagnitudes(session, relation, columns);
    row = await session.one(statisticsQuery(relation, columns, scales, extra, options.nonNull));
  }
  const distinct = new Map<number, number>();
  const wanted = columns.flatMap((c, i) => (options.distinct?.(c) ? [i] : []));
  if (wanted.length > 0) {
    // One query per column (UNION ALL): measured faster than DISTINCT aggregates in the query above.
    const counted = await session.rows(wanted
      .map((i) => `SELECT ${i} AS i, count(DISTINCT ${quoteIdent(columns[i]!.name)}) AS d FROM ${relation}`)
      .join(" UNION ALL "));
    for (const d of counted) distinct.set(Number(d["i"]), Number(d["d"]));
  }
  const rows = Number(row["n"]);
  // Non-finite results (a mean that overflowed) are reported as null: the profile is JSON.
  const number = (key: string) => {
    const value = row[key] === null || row[key] === undefined ? null : Number(row[key]);
    return value !== null && Number.isFinite(value) ? value : null;
  };
  return {
    rows,
    columns: columns.map((c, i) => ({
      name: c.name,
      kind: c.type.kind,
      count: rows,
      nulls: row[`nn_${i}`] === undefined ? 0 : rows - Number(row[`nn_${i}`]),
      distinct: distinct.get(i) ?? null,
      mean: number(`mean_${i}`),
      std: number(`std_${i}`),
      min: number(`min_${i}`),
      max: number(`max_${i}`),
      trues: c.type.kind === "bool" ? Number(row[`true_${i}`]) : null,
    })),
    extra: Object.fromEntries(extra.map((a) => {
      const alias = /\bAS\s+(\w+)\s*$/i.exec(a)?.[1];
      if (alias === undefined) throw new Error(`internal error: aggregate without alias: ${a}`);
      return [alias, row[alias]];
    })),
  };
}

async function largestMagnitudes(
  session: DataSession,
  relation: string,
  columns: readonly ColumnContract[],
): Promise<Map<number, number>> {
  const numeric = columns.flatMap((c, i) => (c.type.kind === "int" || c.type.kind === "float" ? [i] : []));
  if (numeric.length === 0) return new Map();
  const row = await session.one(
    `SELECT ${numeric.map((i) => `max(abs(${quoteIdent(columns[i]!.name)}::DOUBLE)) AS m_${i}`).join(", ")} FROM ${relation}`,
  );
  return new Map(numeric.flatMap((i) => {
    const m = Number(row[`m_${i}`]);
    return Number.isFinite(m) && m > 0 ? [[i, m]] : [];
  }));
}

/** One aggregate query; `scales` divides a column before its variance (see tableStatistics). */
function statisticsQuery(
  relation: string,
  columns: readonly ColumnContract[],
  scales: Map<number, number>,
  extra: readonly string[],
  nonNull: StatisticsOptions["nonNull"],
): string {
  const aggregates = ["count(*) AS n"];
  columns.forEach((c, i) => {
    const col = quoteIdent(c.name);
    if (!nonNull?.(c)) aggregates.push(`count(${col}) AS nn_${i}`);
    switch (c.type.kind) {
      case "int":
      case "float": {
        const scale = scales.get(i);
        const std = scale === undefined
          ? `stddev_samp(${col})`
          : `stddev_samp(${col}::DOUBLE / ${numberLiteral(scale)}) * ${numberLiteral(scale)}`;
        aggregates.push(`avg(${col}) AS mean_${i}`, `${std} AS std_${i}`);
        aggregates.push(`min(${col})::DOUBLE AS min_${i}`, `max(${col})::DOUBLE AS max_${i}`);
        break;
      }
      case "bool":
        aggregates.push(`avg(${col}::INTEGER) AS mean_${i}`, `count_if(${col}) AS true_${i}`);
        break;
      case "timestamp":
        aggregates.push(`epoch_ms(min(${col}))::DOUBLE AS min_${i}`, `epoch_ms(max(${col}))::DOUBLE AS max_${i}`);
        break;
      case "string":
      case "enum":
        break;
    }
  });
  return `SELECT ${[...aggregates, ...extra].join(", ")} FROM ${relation}`;
}
