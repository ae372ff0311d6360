/**
 * Per-column summary statistics in one aggregate query. The contract's dataset rules and
 * the profile both read them, so validation followed by profiling scans the data once.
 *
 * For int and float: mean, std (sample, n-1), min, max as numbers. For timestamp: min and
 * max in epoch milliseconds. For bool: mean is the fraction true. For string: min and max
 * (lexicographic). Distinct counts are exact.
 */
import type { DataSession } from "./session.js";
import { quoteIdent } from "./sql.js";
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
  const aggregates = ["count(*) AS n"];
  columns.forEach((c, i) => {
    const col = quoteIdent(c.name);
    aggregates.push(`count(${col}) AS nn_${i}`, `count(DISTINCT ${col}) AS d_${i}`);
    switch (c.type.kind) {
      case "int":
      case "float":
        aggregates.push(`avg(${col}) AS mean_${i}`, `stddev_samp(${col}) AS std_${i}`);
        aggregates.push(`min(${col})::DOUBLE AS min_${i}`, `max(${col})::DOUBLE AS max_${i}`);
        break;
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
  const row = await session.one(`SELECT ${aggregates.join(", ")} FROM ${relation}`);
  const rows = Number(row["n"]);
  const number = (key: string) => (row[key] === null || row[key] === undefined ? null : Number(row[key]));
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
