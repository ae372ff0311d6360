/**
 * Per-column summary statistics in one aggregate query. The contract's dataset rules and
 * the profile both read them, so validation followed by profiling scans the data once.
 *
 * For int and float: mean, std (sample, n-1), min, max as numbers. For timestamp: min and
 * max in epoch milliseconds. For bool: mean is the fraction true. For string: min and max
 * (lexicographic). Distinct counts are exact.
 */
import type { DataSession } from "./session.js";
import { numberLiteral, quoteIdent } from "./sql.js";
import type { ColumnContract, ColumnKind } from "./types.js";

export interface ColumnStatistics {
  name: string;
  kind: ColumnKind;
  /** Rows (nulls included). */
  count: number;
  nulls: number;
  distinct: number;
  mean: number | null;
  std: number | null;
  min: number | string | null;
  max: number | string | null;
}

export interface TableStatistics {
  rows: number;
  columns: ColumnStatistics[];
}

export async function tableStatistics(
  session: DataSession,
  relation: string,
  columns: readonly ColumnContract[],
): Promise<TableStatistics> {
  let row: Record<string, unknown>;
  try {
    row = await session.one(statisticsQuery(relation, columns, new Map()));
  } catch (error) {
    // DuckDB's variance raises on overflow (values beyond ~1e154). Dividing each column by its
    // largest magnitude first keeps the sums in range; only such data pays the extra pass.
    if (!/out of range/i.test(String(error))) throw error;
    row = await session.one(statisticsQuery(relation, columns, await largestMagnitudes(session, relation, columns)));
  }
  // Distinct counts as one query per column (UNION ALL): measured faster than many DISTINCT
  // aggregates in the query above.
  if (columns.length > 0) {
    const distinct = await session.rows(columns
      .map((c, i) => `SELECT ${i} AS i, count(DISTINCT ${quoteIdent(c.name)}) AS d FROM ${relation}`)
      .join(" UNION ALL "));
    for (const d of distinct) row[`d_${Number(d["i"])}`] = d["d"];
  }
  const rows = Number(row["n"]);
  // Non-finite results (a mean that overflowed) are reported as null: the profile is JSON.
  const number = (key: string) => {
    const value = row[key] === null || row[key] === undefined ? null : Number(row[key]);
    return value !== null && Number.isFinite(value) ? value : null;
  };
  const text = (key: string) => (row[key] === null || row[key] === undefined ? null : String(row[key]));
  return {
    rows,
    columns: columns.map((c, i) => {
      const kind = c.type.kind;
      const numeric = kind === "int" || kind === "float" || kind === "timestamp";
      return {
        name: c.name,
        kind,
        count: rows,
        nulls: rows - Number(row[`nn_${i}`]),
        distinct: Number(row[`d_${i}`]),
        mean: number(`mean_${i}`),
        std: number(`std_${i}`),
        min: numeric ? number(`min_${i}`) : text(`min_${i}`),
        max: numeric ? number(`max_${i}`) : text(`max_${i}`),
      };
    }),
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
function statisticsQuery(relation: string, columns: readonly ColumnContract[], scales: Map<number, number>): string {
  const aggregates = ["count(*) AS n"];
  columns.forEach((c, i) => {
    const col = quoteIdent(c.name);
    aggregates.push(`count(${col}) AS nn_${i}`);
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
        aggregates.push(`avg(${col}::INTEGER) AS mean_${i}`);
        break;
      case "timestamp":
        aggregates.push(`epoch_ms(min(${col}))::DOUBLE AS min_${i}`, `epoch_ms(max(${col}))::DOUBLE AS max_${i}`);
        break;
      case "string":
        aggregates.push(`min(${col}) AS min_${i}`, `max(${col}) AS max_${i}`);
        break;
      case "enum":
        break;
    }
  });
  return `SELECT ${aggregates.join(", ")} FROM ${relation}`;
}
