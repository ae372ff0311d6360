/**
 * Column profiles of the accepted rows (or of one split part), computed by SQL aggregates.
 * The result is plain JSON: it is stored as an artifact and used by monitoring as the
 * reference distribution, so histogram edges are kept exactly (live values are binned
 * against the same edges).
 *
 * Per kind:
 *   int, float  mean, std (sample, n-1), min, max; numeric histogram of `bins` equal-width bins
 *               over [min, max] (a value equal to max falls in the last bin; min == max gives one bin)
 *   timestamp   min, max as ISO 8601 UTC strings; numeric histogram over epoch milliseconds
 *   bool        mean = fraction true; categorical histogram over "false", "true"
 *   enum        categorical histogram over every declared value, in declared order
 *   string      min, max (lexicographic); categorical histogram of the `topK` most frequent
 *               values (ties by value), the rest counted in `otherCount`
 */
import { ROW_COLUMN } from "./read.js";
import type { ValidatedDataset } from "./contract.js";
import { DataSpecError } from "./errors.js";
import { assertSplitExists } from "./split.js";
import { numberLiteral, quoteIdent, quoteString } from "./sql.js";
import { tableStatistics } from "./stats.js";
import type { ColumnContract, ColumnKind, SplitPart } from "./types.js";

export interface NumericHistogram {
  kind: "numeric";
  /** bins + 1 edges; bin i holds values in [edges[i], edges[i+1]) (the last bin is closed). */
  edges: number[];
  counts: number[];
}

export interface CategoricalHistogram {
  kind: "categorical";
  values: string[];
  counts: number[];
  /** Non-null values not listed in `values`. */
  otherCount: number;
}

export interface ColumnProfile {
  name: string;
  type: ColumnKind;
  /** Rows profiled (nulls included). */
  count: number;
  nulls: number;
  mean: number | null;
  std: number | null;
  min: number | string | null;
  max: number | string | null;
  distinct: number;
  histogram: NumericHistogram | CategoricalHistogram;
}

export interface DatasetProfile {
  format: "mlspec-profile-v1";
  rows: number;
  /** The split part profiled, or null for all accepted rows. */
  part: SplitPart | null;
  columns: ColumnProfile[];
}

export interface ProfileOptions {
  /** Equal-width bins for numeric and timestamp columns (default 20). */
  bins?: number;
  /** Values listed for string columns (default 20). */
  topK?: number;
  /** Profile only this part of the split made by splitDataset in the same session. */
  part?: SplitPart;
}

export async function profileDataset(data: ValidatedDataset, options: ProfileOptions = {}): Promise<DatasetProfile> {
  const bins = options.bins ?? 20;
  const topK = options.topK ?? 20;
  if (!Number.isInteger(bins) || bins < 1) throw new DataSpecError(`histogram bins must be a positive integer, got ${bins}`);
  if (!Number.isInteger(topK) || topK < 1) throw new DataSpecError(`topK must be a positive integer, got ${topK}`);
  const { session } = data;
  const from = await profiledRelation(data, options.part);
  const columns = data.contract.columns;
  // Pass 1: the summary statistics (validation has already computed them for all rows).
  const statistics = options.part === undefined && data.statistics
    ? data.statistics
    : await tableStatistics(session, from, columns);

  // Pass 2: every histogram in one query (one branch per column, each reading one column).
  const branches: string[] = [];
  const numericEdges = new Map<number, number[]>();
  columns.forEach((c, i) => {
    const kind = c.type.kind;
    const col = quoteIdent(c.name);
    const stats = statistics.columns[i]!;
    if (kind === "int" || kind === "float" || kind === "timestamp") {
      if (stats.min === null || stats.max === null) {
        numericEdges.set(i, []);
        return;
      }
      const min = Number(stats.min);
      const max = Number(stats.max);
      const edges = histogramEdges(min, max, bins);
      numericEdges.set(i, edges);
      const value = kind === "timestamp" ? `epoch_ms(${col})::DOUBLE` : `${col}::DOUBLE`;
      const count = edges.length - 1;
      const width = count === 1 ? 1 : (max - min) / count;
      branches.push(`
        SELECT ${i} AS col, least(floor((${value} - ${numberLiteral(min)}) / ${numberLiteral(width)}), ${count - 1})::BIGINT AS bin,
               NULL::VARCHAR AS value, count(*) AS n
        FROM ${from} WHERE ${col} IS NOT NULL GROUP BY bin`);
    } else {
      const value = kind === "bool" ? `CASE WHEN ${col} THEN 'true' ELSE 'false' END` : col;
      if (kind === "string" && stats.distinct === stats.count - stats.nulls) {
        // Every value occurs once (an id column): the top values are the smallest, no grouping needed.
        branches.push(`
          SELECT * FROM (
            SELECT ${i} AS col, NULL::BIGINT AS bin, ${col} AS value, 1::BIGINT AS n
            FROM ${from} WHERE ${col} IS NOT NULL ORDER BY ${col} LIMIT ${topK})`);
        return;
      }
      // Enum and bool list every value; a string lists its most frequent (top-N, no full sort).
      const limit = kind === "string" ? `ORDER BY n DESC, value LIMIT ${topK}` : "";
      branches.push(`
        SELECT * FROM (
          SELECT ${i} AS col, NULL::BIGINT AS bin, ${value} AS value, count(*) AS n
          FROM ${from} WHERE ${col} IS NOT NULL GROUP BY value ${limit})`);
    }
  });
  const histogramRows = branches.length > 0 ? await session.rows(branches.join("\nUNION ALL\n")) : [];
  const byColumn = new Map<number, typeof histogramRows>();
  for (const r of histogramRows) {
    const i = Number(r["col"]);
    byColumn.set(i, [...(byColumn.get(i) ?? []), r]);
  }

  const profiles = columns.map((c, i): ColumnProfile => {
    const stats = statistics.columns[i]!;
    const kind = c.type.kind;
    const got = byColumn.get(i) ?? [];
    let histogram: NumericHistogram | CategoricalHistogram;
    let min = stats.min;
    let max = stats.max;
    if (kind === "int" || kind === "float" || kind === "timestamp") {
      const edges = numericEdges.get(i) ?? [];
      const counts = new Array<number>(Math.max(edges.length - 1, 0)).fill(0);
      for (const r of got) counts[Number(r["bin"])] = Number(r["n"]);
      histogram = { kind: "numeric", edges, counts };
      if (kind === "timestamp") {
        min = min === null ? null : new Date(Number(min)).toISOString();
        max = max === null ? null : new Date(Number(max)).toISOString();
      }
    } else {
      histogram = categoricalHistogram(c, got, stats.count - stats.nulls);
    }
    return {
      name: c.name,
      type: kind,
      count: stats.count,
      nulls: stats.nulls,
      mean: stats.mean,
      std: stats.std,
      min,
      max,
      distinct: stats.distinct,
      histogram,
    };
  });
  return { format: "mlspec-profile-v1", rows: statistics.rows, part: options.part ?? null, columns: profiles };
}

/**
 * Equal-width edges over [min, max]. The last edge is max itself (not min + bins * width,
 * which rounding can put below max). min == max gives the single bin [min, max].
 */
export function histogramEdges(min: number, max: number, bins: number): number[] {
  const width = (max - min) / bins;
  // A single bin also when the range is too small or too large to divide in doubles.
  if (min === max || !(width > 0) || !Number.isFinite(width)) return [min, max];
  const edges = Array.from({ length: bins }, (_, k) => min + k * width);
  edges.push(max);
  return edges;
}

/** The bin of a value for histogramEdges(min, max, bins); the same arithmetic as the SQL. */
export function histogramBin(value: number, min: number, max: number, bins: number): number {
  const width = (max - min) / bins;
  if (min === max || !(width > 0) || !Number.isFinite(width)) return 0;
  return Math.min(Math.floor((value - min) / width), bins - 1);
}

function categoricalHistogram(column: ColumnContract, rows: Record<string, unknown>[], nonNull: number): CategoricalHistogram {
  const found = new Map(rows.map((r) => [String(r["value"]), Number(r["n"])]));
  let values: string[];
  if (column.type.kind === "enum") values = [...column.type.values];
  else if (column.type.kind === "bool") values = ["false", "true"];
  else {
    values = [...rows]
      .sort((a, b) => Number(b["n"]) - Number(a["n"]) || (String(a["value"]) < String(b["value"]) ? -1 : 1))
      .map((r) => String(r["value"]));
  }
  const counts = values.map((v) => found.get(v) ?? 0);
  const listed = counts.reduce((a, b) => a + b, 0);
  return { kind: "categorical", values, counts, otherCount: nonNull - listed };
}

/** The accepted table, or its rows in one split part. */
export async function profiledRelation(data: ValidatedDataset, part: SplitPart | undefined): Promise<string> {
  if (part === undefined) return data.table;
  await assertSplitExists(data);
  return `(SELECT a.* FROM ${data.table} a SEMI JOIN split_assignment s ON a.${ROW_COLUMN} = s.${ROW_COLUMN} AND s.part = ${quoteString(part)})`;
}
