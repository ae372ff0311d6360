/**
 * Column profiles of the accepted rows (or of one split part), computed by SQL aggregates.
 * The result is plain JSON: it is stored as an artifact and used by monitoring as the
 * reference distribution, so histogram edges are kept exactly (live values are binned
 * against the same edges).
 *
 * Per kind:
 *   int, float  mean, std (sample, n-1), min, max, median (exact: the mean of the two middle
 *               values for an even count); numeric histogram of `bins` equal-width bins
 *               over [min, max] (a value equal to max falls in the last bin; min == max gives one bin)
 *   timestamp   min, max, median as ISO 8601 UTC strings; numeric histogram over epoch milliseconds
 *   bool        mean = fraction true; categorical histogram over "false", "true"
 *   enum        categorical histogram over every declared value, in declared order
 *   string      min, max (lexicographic); categorical histogram of the `topK` most frequent
 *               values (ties by value), the rest counted in `otherCount`
 * Distinct counts are exact, except for an int, float or timestamp column with more than
 * `exactDistinctUpTo` distinct values (default 100,000), which gets a HyperLogLog estimate,
 * flagged `distinctApprox`.
 *
 * Cost: the summary statistics come from validation's scan; one more query groups every
 * column's values (histogram counts, distinct counts and string min/max at once), and a
 * third takes every numeric column's median in one scan.
 */
import { ROW_COLUMN } from "./read.js";
import type { ValidatedDataset } from "./contract.js";
import { DataSpecError } from "./errors.js";
import { estimateDistinct } from "./distinct-estimate.js";
import { assertSplitExists, type SplitPart } from "./split.js";
import { numberLiteral, quoteIdent, quoteString } from "./sql.js";
import type { DataSession } from "./session.js";
import { tableStatistics, type TableStatistics } from "./stats.js";
import type { ColumnContract, ColumnKind } from "../../compiler/plan/schema.js";

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
  /**
   * The exact median of the non-null values (int, float: a number; timestamp: ISO 8601);
   * null for other kinds and all-null columns. Absent in profiles stored before it was kept.
   */
  median?: number | string | null;
  /** Distinct non-null values: exact, unless `distinctApprox` (see ProfileOptions.exactDistinctUpTo). */
  distinct: number;
  /** Present (true) when `distinct` is a HyperLogLog estimate (standard error about 0.8%). */
  distinctApprox?: true;
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
  /**
   * Distinct counts are exact for every column with at most this many distinct values
   * (default 100,000) and for every string, enum, bool and `unique` column. An int, float or
   * timestamp column with more reports a HyperLogLog estimate, flagged `distinctApprox`:
   * counting a million distinct values exactly costs more than the rest of its profile. (Which
   * columns may have more is judged from the int range and the first accepted rows; the
   * estimate decides.) 0: estimate every such column; Infinity: always exact.
   */
  exactDistinctUpTo?: number;
}

const EXACT_DISTINCT_UP_TO = 100_000;

export async function profileDataset(data: ValidatedDataset, options: ProfileOptions = {}): Promise<DatasetProfile> {
  const bins = options.bins ?? 20;
  const topK = options.topK ?? 20;
  const exactUpTo = options.exactDistinctUpTo ?? EXACT_DISTINCT_UP_TO;
  if (!(exactUpTo >= 0)) throw new DataSpecError(`exactDistinctUpTo must be a non-negative number, got ${exactUpTo}`);
  if (!Number.isInteger(bins) || bins < 1) throw new DataSpecError(`histogram bins must be a positive integer, got ${bins}`);
  if (!Number.isInteger(topK) || topK < 1) throw new DataSpecError(`topK must be a positive integer, got ${topK}`);
  const { session } = data;
  const from = await profiledRelation(data, options.part);
  const columns = data.contract.columns;
  // Pass 1: the summary statistics (validation has already computed them for all rows).
  const statistics = options.part === undefined && data.statistics
    ? data.statistics
    : await tableStatistics(session, from, columns);

  const approximate = await estimatedDistinctCounts(session, data.table, from, columns, statistics, exactUpTo);

  // Pass 2: one query groups every column's values (one branch per column, each reading one
  // column): histogram counts, exact distinct counts (the number of groups, so no separate
  // DISTINCT pass), and the min and max of string columns.
  const ctes: string[] = [];
  const branches: string[] = [];
  const numericEdges = new Map<number, number[]>();
  const branch = (i: number, tag: string, fields: { bin?: string; value?: string; n?: string; d?: string; lo?: string; hi?: string }) =>
    `SELECT ${i} AS col, '${tag}' AS tag, ${fields.bin ?? "NULL"}::BIGINT AS bin, ${fields.value ?? "NULL"}::VARCHAR AS value, ` +
    `${fields.n ?? "NULL"}::BIGINT AS n, ${fields.d ?? "NULL"}::BIGINT AS d, ${fields.lo ?? "NULL"}::VARCHAR AS lo, ${fields.hi ?? "NULL"}::VARCHAR AS hi`;
  columns.forEach((c, i) => {
    const kind = c.type.kind;
    const col = quoteIdent(c.name);
    const stats = statistics.columns[i]!;
    const nonNull = stats.count - stats.nulls;
    if (kind === "int" || kind === "float" || kind === "timestamp") {
      if (stats.min === null || stats.max === null) {
        numericEdges.set(i, []);
        return;
      }
      const min = Number(stats.min);
      const max = Number(stats.max);
      const edges = histogramEdges(min, max, bins);
      numericEdges.set(i, edges);
      const count = edges.length - 1;
      const width = count === 1 ? 1 : (max - min) / count;
      const bin = (v: string) =>
        `least(floor((${kind === "timestamp" ? `epoch_ms(${v})` : v}::DOUBLE - ${numberLiteral(min)}) / ${numberLiteral(width)}), ${count - 1})`;
      if (stats.distinct !== null || approximate.has(c.name)) {
        // Distinct already counted (a unique column) or estimated: bin the rows directly.
        branches.push(`${branch(i, "bin", { bin: "bin_", n: "count(*)" })} FROM (SELECT ${bin(col)} AS bin_ FROM ${from} WHERE ${col} IS NOT NULL) GROUP BY bin_`);
      } else {
        // Group equal values first: the groups give the distinct count, and binning them
        // (weighted by their counts) costs one hash table instead of two.
        branches.push(`${branch(i, "bin", { bin: "bin_", n: "sum(n_)", d: "count(*)" })} FROM (
          SELECT ${bin("v_")} AS bin_, n_ FROM (SELECT ${col} AS v_, count(*) AS n_ FROM ${from} WHERE ${col} IS NOT NULL GROUP BY ${col}))
          GROUP BY bin_`);
      }
    } else if (kind === "string") {
      if (stats.distinct !== null && stats.distinct === nonNull) {
        // Every value occurs once (an id column): the top values are the smallest, no grouping needed.
        branches.push(`SELECT * FROM (${branch(i, "value", { value: col, n: "1" })} FROM ${from} WHERE ${col} IS NOT NULL ORDER BY ${col} LIMIT ${topK})`);
        branches.push(`SELECT * FROM (${branch(i, "min", { lo: col })} FROM ${from} WHERE ${col} IS NOT NULL ORDER BY ${col} LIMIT 1)`);
        branches.push(`SELECT * FROM (${branch(i, "max", { hi: col })} FROM ${from} WHERE ${col} IS NOT NULL ORDER BY ${col} DESC LIMIT 1)`);
        return;
      }
      const groups = `values_${i}`;
      ctes.push(`${groups} AS MATERIALIZED (SELECT ${col} AS v_, count(*) AS n_ FROM ${from} WHERE ${col} IS NOT NULL GROUP BY ${col})`);
      branches.push(`${branch(i, "summary", { d: "count(*)", lo: "min(v_)", hi: "max(v_)" })} FROM ${groups}`);
      // The most frequent values (top-N, no full sort).
      branches.push(`SELECT * FROM (${branch(i, "value", { value: "v_", n: "n_" })} FROM ${groups} ORDER BY n_ DESC, v_ LIMIT ${topK})`);
    } else if (kind === "enum") {
      // Enum lists every declared value (bool's two counts come with the statistics).
      branches.push(`${branch(i, "value", { value: col, n: "count(*)" })} FROM ${from} WHERE ${col} IS NOT NULL GROUP BY ${col}`);
    }
  });
  const query = (ctes.length > 0 ? `WITH ${ctes.join(",\n")}\n` : "") + branches.join("\nUNION ALL\n");
  const groupRows = branches.length > 0 ? await session.rows(query) : [];
  const medians = await exactMedians(session, from, columns, statistics);
  const byColumn = new Map<number, typeof groupRows>();
  for (const r of groupRows) {
    const i = Number(r["col"]);
    byColumn.set(i, [...(byColumn.get(i) ?? []), r]);
  }

  const profiles = columns.map((c, i): ColumnProfile => {
    const stats = statistics.columns[i]!;
    const kind = c.type.kind;
    const got = byColumn.get(i) ?? [];
    const tagged = (tag: string) => got.filter((r) => r["tag"] === tag);
    let histogram: NumericHistogram | CategoricalHistogram;
    let min = stats.min;
    let max = stats.max;
    let distinct: number;
    let median: number | string | null = null;
    if (kind === "int" || kind === "float" || kind === "timestamp") {
      const m = medians.get(i);
      if (m !== undefined) median = kind === "timestamp" ? new Date(Math.round(m)).toISOString() : m;
      const edges = numericEdges.get(i) ?? [];
      const counts = new Array<number>(Math.max(edges.length - 1, 0)).fill(0);
      for (const r of tagged("bin")) counts[Number(r["bin"])] = Number(r["n"]);
      histogram = { kind: "numeric", edges, counts };
      distinct = stats.distinct ?? approximate.get(c.name) ?? tagged("bin").reduce((sum, r) => sum + Number(r["d"]), 0);
      if (kind === "timestamp") {
        min = min === null ? null : new Date(Number(min)).toISOString();
        max = max === null ? null : new Date(Number(max)).toISOString();
      }
    } else {
      const values = kind === "bool"
        ? [{ value: "false", n: stats.count - stats.nulls - (stats.trues ?? 0) }, { value: "true", n: stats.trues ?? 0 }].filter((v) => v.n > 0)
        : tagged("value");
      histogram = categoricalHistogram(c, values, stats.count - stats.nulls);
      const summary = tagged("summary")[0];
      if (kind === "string") {
        if (summary) {
          distinct = Number(summary["d"]);
          min = summary["lo"] === null ? null : String(summary["lo"]);
          max = summary["hi"] === null ? null : String(summary["hi"]);
        } else {
          // All-distinct column: the listed values are the smallest.
          distinct = stats.distinct ?? 0;
          const lowest = tagged("min")[0];
          const highest = tagged("max")[0];
          min = lowest ? String(lowest["lo"]) : null;
          max = highest ? String(highest["hi"]) : null;
        }
      } else {
        distinct = values.length;
      }
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
      median,
      distinct,
      ...(stats.distinct === null && approximate.has(c.name) ? { distinctApprox: true as const } : {}),
      histogram,
    };
  });
  return { format: "mlspec-profile-v1", rows: statistics.rows, part: options.part ?? null, columns: profiles };
}

/**
 * The exact median of each int, float and timestamp column with a non-null value (by column
 * index; a timestamp's in epoch milliseconds): DuckDB's quantile_cont(x, 0.5), which averages
 * the two middle values of an even count, all columns in one scan.
 */
async function exactMedians(
  session: DataSession,
  from: string,
  columns: readonly ColumnContract[],
  statistics: TableStatistics,
): Promise<Map<number, number>> {
  const wanted: { i: number; sql: string }[] = [];
  columns.forEach((c, i) => {
    const kind = c.type.kind;
    const stats = statistics.columns[i]!;
    if (!(kind === "int" || kind === "float" || kind === "timestamp") || stats.count - stats.nulls === 0) return;
    const col = quoteIdent(c.name);
    wanted.push({ i, sql: `quantile_cont(${kind === "timestamp" ? `epoch_ms(${col})` : col}::DOUBLE, 0.5) AS m${i}` });
  });
  if (wanted.length === 0) return new Map();
  const row = await session.one(`SELECT ${wanted.map((w) => w.sql).join(", ")} FROM ${from}`);
  const medians = new Map<number, number>();
  for (const { i } of wanted) {
    const value = row[`m${i}`];
    if (value !== null && value !== undefined && Number.isFinite(Number(value))) medians.set(i, Number(value));
  }
  return medians;
}

/** Rows looked at to judge whether a column has many distinct values. */
const PREFIX_ROWS = 65_536;

/**
 * The int, float and timestamp columns whose distinct count is estimated rather than counted
 * (estimate by column name): those a HyperLogLog estimate puts over `exactUpTo`. Only columns
 * that may be that large are estimated at all: more than `exactUpTo` non-null values, an int
 * range wider than `exactUpTo`, and mostly distinct values among the first PREFIX_ROWS accepted
 * rows (a look that costs a few milliseconds, where an estimate costs a scan that hashes every
 * value). The accepted table keeps file order, so the look, and hence the profile, is the same
 * on every run and thread count; a split part is judged by the whole table's first rows.
 */
async function estimatedDistinctCounts(
  session: DataSession,
  table: string,
  from: string,
  columns: readonly ColumnContract[],
  statistics: TableStatistics,
  exactUpTo: number,
): Promise<Map<string, number>> {
  const candidates = columns.filter((c, i) => {
    const stats = statistics.columns[i]!;
    const kind = c.type.kind;
    if (!(kind === "int" || kind === "float" || kind === "timestamp") || stats.distinct !== null) return false;
    if (stats.count - stats.nulls <= exactUpTo || stats.min === null || stats.max === null) return false;
    return !(kind === "int" && Number(stats.max) - Number(stats.min) < exactUpTo);
  });
  if (candidates.length === 0) return new Map();
  const names = candidates.map((c) => quoteIdent(c.name));
  const prefix = await session.one(`
    SELECT ${names.map((n, k) => `count(${n}) AS n${k}, count(DISTINCT ${n}) AS d${k}`).join(", ")}
    FROM (SELECT ${names.join(", ")} FROM ${table} LIMIT ${PREFIX_ROWS})`);
  // A column with D distinct values spread evenly shows D(1 - e^(-65536/D)) of them in the
  // prefix: over 60% of the prefix's values for D above about 60,000.
  const suspects = candidates.filter((_, k) => {
    const distinct = Number(prefix[`d${k}`]);
    return distinct > Math.min(exactUpTo, 0.6 * Number(prefix[`n${k}`]));
  });
  const estimates = await estimateDistinct(session, from, suspects.map((c) => c.name));
  return new Map([...estimates].filter(([, estimate]) => estimate > exactUpTo));
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
  if (column.type.kind === "enum") values = [...new Set(column.type.values)];
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
