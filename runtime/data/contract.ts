/**
 * Data contract validation, compiled to SQL and run inside DuckDB.
 *
 * Row rules (a value that does not cast to the column's type, a value outside its range,
 * a value outside its enum, a null where nulls are not allowed) are evaluated for all
 * rows at once; a row that breaks any of them is quarantined with every reason, the rest
 * become the typed table `accepted` (`__row` + one column per contract column, in contract
 * order). Dataset rules (row count, null fraction, uniqueness, mean and std bounds, columns
 * missing from the file) are aggregates over `accepted` and are reported, not thrown.
 *
 * Typing of text values:
 *   int        BIGINT; the text must denote an integer ("12", "-3", "1e3", "7.0"; not "1.5")
 *   float      DOUBLE; finite only ("nan"/"inf" are type violations)
 *   bool       BOOLEAN; true/false, t/f, yes/no, y/n, 1/0 (any case)
 *   string     VARCHAR as read; "" is a value, not a null
 *   enum       text that must equal one of the declared values exactly; kept as a DuckDB ENUM
 *   timestamp  TIMESTAMP in UTC; ISO 8601 date or date-time, an explicit offset is converted to UTC
 * For every type but string and enum, a blank value ("" or spaces) counts as null.
 */
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { finishHash, HASH_AGGREGATES, hashedRelation } from "./hash.js";
import { DataSpecError } from "./errors.js";
import { ROW_COLUMN, readSource, type OpenSourceOptions, type RawSource, type ReadProjection } from "./read.js";
import { DataSession } from "./session.js";
import { tableStatistics, type TableStatistics } from "./stats.js";
import { clipSql, excerpt, excerptJsonSql, EXCERPT_LIMIT, QUARANTINE_TEXT_LIMIT } from "./excerpt.js";
import { numberLiteral, quoteIdent, quoteString } from "./sql.js";
import type { Bounds, ColumnContract, ColumnKind, DatasetContract, SourceSpec } from "../../compiler/plan/schema.js";

export type DatasetRule = "column_missing" | "rows" | "nulls" | "unique" | "mean" | "std";

export interface DatasetViolation {
  rule: DatasetRule;
  column?: string;
  message: string;
  observed: number | string | null;
  expected: string;
}

/** The accepted rows of one dataset, open in a session, as profile/split/load take them. */
export interface ValidatedDataset {
  session: DataSession;
  contract: DatasetContract;
  /** Relation of accepted rows: `__row` then the contract columns, typed. */
  table: string;
  /** Column statistics of all of `table`, when already computed (profile reuses them). */
  statistics?: TableStatistics;
}

export interface ValidationResult extends ValidatedDataset {
  /** Rows in the file (data rows; the header is not a row). Always accepted + quarantined. */
  read: number;
  accepted: number;
  quarantined: number;
  datasetViolations: DatasetViolation[];
  /** Content hash (sha256 hex) of the accepted rows and their row numbers: see hash.ts. */
  dataHash: string;
  quarantinePath: string;
  /** File columns the contract does not mention; they are not part of `accepted`. */
  extraColumns: string[];
  source: RawSource;
  /** Milliseconds spent in each phase: read (and check), quarantine, statistics (with the hash). */
  timings: Record<string, number>;
}

export interface ValidateOptions extends OpenSourceOptions {
  /** Where quarantined rows are written as JSON Lines (replaced atomically). */
  quarantinePath: string;
  /** DuckDB worker threads (default: all cores). */
  threads?: number;
}

/** The DuckDB type of each contract kind in `accepted` (an enum's own values: see sqlType). */
export const SQL_TYPES: Record<ColumnKind, string> = {
  int: "BIGINT",
  float: "DOUBLE",
  bool: "BOOLEAN",
  string: "VARCHAR",
  enum: "ENUM",
  timestamp: "TIMESTAMP",
};

/**
 * The DuckDB type of a column in `accepted`. An enum is a DuckDB ENUM of its declared values (in
 * declared order, repeats dropped): one byte a value, so grouping, hashing and splitting on it
 * cost a fraction of what they cost on text. Its values read back as text.
 */
export function sqlType(column: ColumnContract): string {
  if (column.type.kind !== "enum") return SQL_TYPES[column.type.kind];
  return `ENUM(${[...new Set(column.type.values)].map(quoteString).join(", ")})`;
}

const NUMERIC_KINDS: ReadonlySet<ColumnKind> = new Set(["int", "float"]);

export async function validateDataset(
  source: SourceSpec,
  contract: DatasetContract,
  options: ValidateOptions,
): Promise<ValidationResult> {
  assertContractUsable(contract);
  const timings: Record<string, number> = {};
  let phaseStart = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    timings[name] = now - phaseStart;
    phaseStart = now;
  };
  const session = await DataSession.open({ threads: options.threads });
  try {
    // One read of the file types and checks every row (table `checked_rows`, view `checked`).
    let compiled: CompiledRowRules | undefined;
    const raw = await readSource(session, source, {
      table: "checked_rows",
      view: "checked",
      columnNames: options.columnNames ?? (source.header === false ? contract.columns.map((c) => c.name) : undefined),
      project: (fileColumns) => {
        compiled = compileRowRules(contract, fileColumns);
        return compiled.projection;
      },
    });
    phase("read");
    const rules = compiled ?? compileRowRules(contract, raw.columns);
    await session.run(`CREATE VIEW accepted AS ${rules.acceptedSql}`);
    await session.run(`CREATE TABLE quarantine AS ${rules.quarantineSql}`);

    const counts = await session.one(`
      SELECT (SELECT count(*) FROM accepted) AS accepted, (SELECT count(*) FROM quarantine) AS quarantined`);
    const accepted = Number(counts["accepted"]);
    const quarantined = Number(counts["quarantined"]);
    const read = raw.parsedRows + raw.rejectedRows;
    if (accepted + quarantined !== read) {
      // Every row must land in exactly one place; anything else is a bug, never a data problem.
      throw new Error(`internal error: read ${read} rows but accepted ${accepted} + quarantined ${quarantined}`);
    }
    await writeQuarantine(session, options.quarantinePath);
    phase("quarantine");

    // One scan gives the statistics the dataset rules need and the data hash; exact distinct
    // counts only for `unique` columns (the profile counts the others while grouping values).
    const inFile = new Set(raw.columns);
    const statistics = await tableStatistics(session, hashedRelation("accepted", contract), contract.columns, {
      distinct: (c) => c.unique === true,
      aggregates: HASH_AGGREGATES,
      // The row rules leave no null in a non-nullable column (one missing from the file is all null).
      nonNull: (c) => !c.nulls.allowed && inFile.has(c.name),
    });
    const version = String((await session.one("SELECT version() AS v"))["v"]);
    const dataHash = finishHash(contract, statistics.rows, statistics.extra, version);
    const datasetViolations = [
      ...missingColumnViolations(contract, raw),
      ...(await datasetRuleViolations(session, contract, statistics)),
    ];
    phase("statistics");
    const known = new Set(contract.columns.map((c) => c.name));
    return {
      session,
      contract,
      table: "accepted",
      statistics,
      read,
      accepted,
      quarantined,
      datasetViolations,
      dataHash,
      quarantinePath: options.quarantinePath,
      extraColumns: raw.columns.filter((c) => !known.has(c)),
      source: raw,
      timings,
    };
  } catch (error) {
    session.close();
    throw error;
  }
}

/** Rejects contracts the runtime cannot apply (the checker should already have caught these). */
export function assertContractUsable(contract: DatasetContract): void {
  const seen = new Set<string>();
  for (const column of contract.columns) {
    if (seen.has(column.name)) throw new DataSpecError(`contract declares column "${column.name}" twice`);
    seen.add(column.name);
    if (column.name.startsWith("__")) {
      throw new DataSpecError(`contract column "${column.name}": names starting with "__" are reserved by mlspec`);
    }
    const kind = column.type.kind;
    if (!(kind in SQL_TYPES)) throw new DataSpecError(`column "${column.name}": unknown type "${kind}"`);
    if (kind === "enum" && column.type.kind === "enum" && column.type.values.length === 0) {
      throw new DataSpecError(`column "${column.name}": enum declares no values`);
    }
    for (const [rule, bounds] of [["range", column.range], ["mean", column.mean], ["std", column.std]] as const) {
      if (!bounds) continue;
      if (!NUMERIC_KINDS.has(kind)) {
        throw new DataSpecError(`column "${column.name}": ${rule} applies to int and float columns, not ${kind}`);
      }
      assertBounds(bounds, `column "${column.name}" ${rule}`);
    }
    if (column.nulls.allowed && column.nulls.maxFraction !== undefined) {
      const f = column.nulls.maxFraction;
      if (!(f >= 0 && f <= 1)) throw new DataSpecError(`column "${column.name}": null fraction ${f} is not in 0..1`);
    }
  }
  if (contract.rows) assertBounds(contract.rows, "rows");
}

function assertBounds(bounds: Bounds, what: string): void {
  for (const value of [bounds.min, bounds.max]) {
    if (value !== undefined && !Number.isFinite(value)) throw new DataSpecError(`${what}: bound ${value} is not a finite number`);
  }
  if (bounds.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max) {
    throw new DataSpecError(`${what}: minimum ${bounds.min} is greater than maximum ${bounds.max}`);
  }
}

export interface CompiledRowRules {
  /** Applied while reading: the typed contract columns, `__bad`, and raw text kept for bad rows. */
  projection: ReadProjection;
  /** SELECT of the accepted rows over view `checked`: `__row` then the contract columns. */
  acceptedSql: string;
  /** SELECT of quarantined rows: `__row`, `record` (one JSON Lines record, as text). */
  quarantineSql: string;
}

interface ColumnSql {
  /** Expression for the typed value over `__v<i>`, NULL when null or invalid. */
  typed: string;
  /**
   * Expression for the value kept in `accepted`, over `__v<i>`: the typed value where every rule
   * of this column holds, else NULL. It runs on every row while reading, so the rules are folded
   * into one CASE (its conditions are evaluated as a filter, rule after rule on the rows left).
   */
  kept: string;
  /**
   * "Some rule of this column fails" over `__v<i>` and the kept value `__t<i>`; never NULL.
   * Null when no rule can fail (a nullable string).
   */
  bad: string | null;
  /** Expression for "this value is null" over `__v<i>` and `__t<i>` (the typed value). */
  isNull: string;
  /** Per-row violations: [condition, reason text], over `__v<i>`, `__t<i>`, `__n<i>`. */
  rules: [string, string][];
}

/**
 * Compiles the row rules of a contract to SQL. `fileColumns` are the file's column names in
 * file order; contract columns absent from it are typed NULL (a dataset violation reported
 * elsewhere, not per row).
 *
 * While the file is read, each row gains level by level the text value `__v<i>` of contract
 * column i, its kept value `__t<i>` (typed, NULL where any rule of the column fails), then
 * `__bad` (some rule fails: one null test per column); the table keeps the kept values, `__bad`,
 * and, for bad rows only, the raw text of every file column (list `__raw`). Accepted and
 * quarantined rows are the two halves of that table, so they never overlap or miss a row. The
 * reasons are worked out afterwards, for the bad rows only, from the kept raw text by the plain
 * typing expressions (`__t<i>` there is the typed value), the rules and the null flags `__n<i>`.
 */
export function compileRowRules(contract: DatasetContract, fileColumns: readonly string[]): CompiledRowRules {
  const fileIndex = new Map(fileColumns.map((name, k) => [name, k]));
  const compiled = contract.columns.map((column, i) => (fileIndex.has(column.name) ? compileColumn(column, i) : null));
  const each = (build: (c: ColumnSql, i: number) => string) => compiled.flatMap((c, i) => (c ? [build(c, i)] : []));
  const typedLevels = (valueOf: (i: number) => string) => [
    each((_, i) => `${valueOf(i)} AS __v${i}`),
    each((c, i) => `${c.typed} AS __t${i}`),
    each((c, i) => `${c.isNull} AS __n${i}`),
  ];
  const rules = compiled.flatMap((c) => c?.rules ?? []);
  const badParts = compiled.flatMap((c) => (c?.bad ? [c.bad] : []));
  const bad = badParts.length === 0 ? "false" : badParts.join(" OR ");
  const values = each((_, i) => `${quoteIdent(contract.columns[i]!.name)} AS __v${i}`);
  const typed = each((c, i) => `${c.kept} AS __t${i}`);

  const projection: ReadProjection = {
    levels: [values, typed, [`${bad} AS __bad`]],
    select: [
      ...contract.columns.map((c, i) => `${compiled[i] ? `__t${i}` : `NULL::${sqlType(c)}`} AS ${quoteIdent(c.name)}`),
      "__bad",
      // One list per bad row (NULL for good rows) is cheaper to build than a column per field.
      `CASE WHEN __bad THEN [${fileColumns.map(quoteIdent).join(", ")}]::VARCHAR[] END AS __raw`,
    ],
  };
  const acceptedSql = `SELECT ${[ROW_COLUMN, ...contract.columns.map((c) => quoteIdent(c.name))].join(", ")} FROM checked WHERE NOT __bad`;

  let badRows = `(SELECT ${[ROW_COLUMN, ...fileColumns.map((_, k) => `__raw[${k + 1}] AS __raw${k}`)].join(", ")} FROM checked WHERE __bad)`;
  for (const level of typedLevels((i) => `__raw${fileIndex.get(contract.columns[i]!.name)}`)) {
    if (level.length > 0) badRows = `(SELECT *, ${level.join(", ")} FROM ${badRows})`;
  }
  const reasons = rules.length === 0
    ? "[]::VARCHAR[]"
    : `list_filter([${rules.map(([c, r]) => `CASE WHEN coalesce(${c}, false) THEN ${r} END`).join(", ")}], lambda x: x IS NOT NULL)`;
  // Raw values are kept, cut to QUARANTINE_TEXT_LIMIT characters.
  const rawValues = `json_object(${fileColumns.map((name, k) => `${quoteString(name)}, ${clipSql(`__raw${k}`, QUARANTINE_TEXT_LIMIT)}`).join(", ")})`;
  const quarantineSql = `
    SELECT ${ROW_COLUMN}, json_object('row', ${ROW_COLUMN}, 'values', ${rawValues}, 'reasons', ${reasons})::VARCHAR AS record
    FROM ${badRows}
    UNION ALL
    SELECT ${ROW_COLUMN}, json_object('row', ${ROW_COLUMN}, 'values', '{}'::JSON, 'reasons', reasons, 'line', ${clipSql("line", QUARANTINE_TEXT_LIMIT)})::VARCHAR
    FROM raw_rejected`;
  return { projection, acceptedSql, quarantineSql };
}

function compileColumn(column: ColumnContract, index: number): ColumnSql {
  const kind = column.type.kind;
  const v = `__v${index}`;
  const t = `__t${index}`;
  const n = `__n${index}`;
  const prefix = quoteString(`${column.name}: `);
  let typed: string;
  switch (kind) {
    case "int":
      // TRY_CAST to BIGINT rounds "1.5"; requiring the DOUBLE reading to agree rejects it.
      typed = `CASE WHEN TRY_CAST(${v} AS DOUBLE) = TRY_CAST(${v} AS BIGINT) THEN TRY_CAST(${v} AS BIGINT) END`;
      break;
    case "float":
      typed = `CASE WHEN isfinite(TRY_CAST(${v} AS DOUBLE)) THEN TRY_CAST(${v} AS DOUBLE) END`;
      break;
    case "bool":
      typed = `TRY_CAST(${v} AS BOOLEAN)`;
      break;
    case "timestamp": {
      // A cast to TIMESTAMP ignores a numeric offset ("+02:00") and rejects zone names, so text
      // with either goes through TIMESTAMPTZ (the session zone is UTC); the rest, the usual
      // case, takes the much cheaper direct cast. An offset needs more than the 19 bytes of
      // "YYYY-MM-DD HH:MM:SS", which keeps the test off most rows.
      const offset = `strlen(${v}) > 19 AND (contains(substr(${v}, 11), '+') OR contains(substr(${v}, 11), '-'))`;
      typed = `coalesce(CASE WHEN ${offset} THEN NULL ELSE TRY_CAST(${v} AS TIMESTAMP) END, ` +
        `CAST(TRY_CAST(${v} AS TIMESTAMPTZ) AS TIMESTAMP))`;
      break;
    }
    case "string":
    case "enum":
      typed = v;
      break;
  }
  const textual = kind === "string" || kind === "enum";
  // The range as a condition on the typed value (folded into the kept value below).
  let inRange: string | null = null;
  const isNull = textual ? `${v} IS NULL` : `(${v} IS NULL OR (${t} IS NULL AND trim(${v}) = ''))`;
  const rules: [string, string][] = [];
  if (!column.nulls.allowed) rules.push([n, quoteString(`${column.name}: missing value (nulls are not allowed)`)]);
  if (!textual) {
    rules.push([`NOT ${n} AND ${t} IS NULL`, `${prefix} || ${excerptJsonSql(v)} || ${quoteString(` is not a valid ${kind}`)}`]);
  }
  if (column.range && (column.range.min !== undefined || column.range.max !== undefined)) {
    const { min, max } = column.range;
    // An int column compares with integer bounds where they are integers (no cast per row).
    const bound = (value: number) => (kind === "int" && Number.isSafeInteger(value) ? String(value) : numberLiteral(value));
    const outside = [
      min !== undefined ? `${t} < ${bound(min)}` : null,
      max !== undefined ? `${t} > ${bound(max)}` : null,
    ].filter((x): x is string => x !== null).join(" OR ");
    rules.push([`(${outside})`, `${prefix} || ${clipSql(`trim(${v})`, EXCERPT_LIMIT)} || ${quoteString(` is outside range ${formatRange(column.range)}`)}`]);
    const cast = kind === "int" ? `TRY_CAST(${v} AS BIGINT)` : `TRY_CAST(${v} AS DOUBLE)`;
    inRange = min !== undefined && max !== undefined
      ? `${cast} BETWEEN ${bound(min)} AND ${bound(max)}`
      : min !== undefined ? `${cast} >= ${bound(min)}` : `${cast} <= ${bound(max!)}`;
  }
  if (column.type.kind === "enum") {
    const list = column.type.values.map(quoteString).join(", ");
    const shown = column.type.values.map((x) => JSON.stringify(x)).join(", ");
    rules.push([`${v} NOT IN (${list})`, `${prefix} || ${excerptJsonSql(v)} || ${quoteString(` is not one of ${shown}`)}`]);
  }
  // An enum value is kept as the ENUM type, whose cast from text is an exact match or NULL.
  const kept = kind === "enum"
    ? `TRY_CAST(${v} AS ${sqlType(column)})`
    : inRange === null ? typed : keptInRange(kind, v, inRange, column.range!);
  // The kept value is NULL for a null, an invalid value and a value breaking a rule alike; a
  // nullable column tells a null (allowed) from the others by its text.
  let bad: string | null;
  if (!column.nulls.allowed) bad = `${t} IS NULL`;
  else if (textual) bad = kind === "enum" ? `(${t} IS NULL AND ${v} IS NOT NULL)` : null;
  else bad = `CASE WHEN ${t} IS NULL AND ${v} IS NOT NULL THEN trim(${v}) <> '' ELSE false END`;
  return { typed, kept, isNull, rules, bad };
}

/**
 * The typed value of an int or float column where `inRange` holds, folded into the CASE its
 * typing already is. A float range with both bounds also excludes NaN and the infinities (NaN
 * sorts above every number), so the finiteness test is dropped there.
 */
function keptInRange(kind: ColumnKind, v: string, inRange: string, range: Bounds): string {
  if (kind === "int") {
    return `CASE WHEN TRY_CAST(${v} AS DOUBLE) = TRY_CAST(${v} AS BIGINT) AND ${inRange} THEN TRY_CAST(${v} AS BIGINT) END`;
  }
  const bounded = range.min !== undefined && range.max !== undefined;
  return `CASE WHEN ${bounded ? "" : `isfinite(TRY_CAST(${v} AS DOUBLE)) AND `}${inRange} THEN TRY_CAST(${v} AS DOUBLE) END`;
}

/** `0..120`, `>= 0`, `<= 120`. */
export function formatRange(bounds: Bounds): string {
  if (bounds.min !== undefined && bounds.max !== undefined) return `${bounds.min}..${bounds.max}`;
  if (bounds.min !== undefined) return `>= ${bounds.min}`;
  return `<= ${bounds.max}`;
}

async function writeQuarantine(session: DataSession, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    // One record per line, as built by SQL; the CSV writer with no quoting writes them verbatim.
    await session.run(`
      COPY (SELECT record FROM quarantine ORDER BY ${ROW_COLUMN})
      TO ${quoteString(temporary)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\u0001')`);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function missingColumnViolations(contract: DatasetContract, raw: RawSource): DatasetViolation[] {
  if (raw.empty) return [];
  const present = new Set(raw.columns);
  const byLowerCase = new Map(raw.columns.map((c) => [c.toLowerCase(), c]));
  return contract.columns
    .filter((c) => !present.has(c.name))
    .map((c) => {
      const nearly = byLowerCase.get(c.name.toLowerCase());
      const hint = nearly ? ` (the file has ${excerpt(JSON.stringify(nearly))}; column names are case-sensitive)` : "";
      return {
        rule: "column_missing" as const,
        column: c.name,
        message: `column "${c.name}" is missing from ${raw.path}${hint}`,
        observed: null,
        expected: `a column named "${c.name}"`,
      };
    });
}

async function datasetRuleViolations(
  session: DataSession,
  contract: DatasetContract,
  statistics: TableStatistics,
): Promise<DatasetViolation[]> {
  const accepted = statistics.rows;
  const violations: DatasetViolation[] = [];

  const rows = contract.rows ?? {};
  if (rows.min !== undefined && accepted < rows.min) {
    violations.push({
      rule: "rows",
      message: `${accepted} rows were accepted; the contract requires at least ${rows.min}`,
      observed: accepted,
      expected: `>= ${rows.min}`,
    });
  } else if (accepted === 0) {
    violations.push({ rule: "rows", message: "no rows were accepted", observed: 0, expected: ">= 1" });
  }
  if (rows.max !== undefined && accepted > rows.max) {
    violations.push({
      rule: "rows",
      message: `${accepted} rows were accepted; the contract allows at most ${rows.max}`,
      observed: accepted,
      expected: `<= ${rows.max}`,
    });
  }

  for (const [i, c] of contract.columns.entries()) {
    const stats = statistics.columns[i]!;
    if (c.nulls.allowed && c.nulls.maxFraction !== undefined && accepted > 0) {
      const fraction = stats.nulls / accepted;
      if (fraction > c.nulls.maxFraction) {
        violations.push({
          rule: "nulls",
          column: c.name,
          message: `${c.name}: ${formatPercent(fraction)} of accepted values are null; at most ${formatPercent(c.nulls.maxFraction)} allowed`,
          observed: fraction,
          expected: `<= ${c.nulls.maxFraction}`,
        });
      }
    }
    const duplicates = c.unique ? accepted - stats.nulls - (stats.distinct ?? 0) : 0;
    if (duplicates > 0) {
      const col = quoteIdent(c.name);
      const examples = await session.rows(`
        SELECT CAST(${col} AS VARCHAR) AS value, count(*) AS n FROM accepted WHERE ${col} IS NOT NULL
        GROUP BY ${col} HAVING count(*) > 1 ORDER BY n DESC, value LIMIT 3`);
      const shown = examples.map((e) => `${excerpt(JSON.stringify(e["value"]))} (${e["n"]} times)`).join(", ");
      violations.push({
        rule: "unique",
        column: c.name,
        message: `${c.name}: ${duplicates} accepted ${duplicates === 1 ? "row repeats" : "rows repeat"} an earlier value, e.g. ${shown}`,
        observed: duplicates,
        expected: "0 duplicate values",
      });
    }
    for (const rule of ["mean", "std"] as const) {
      const bounds = c[rule];
      if (!bounds || accepted === 0) continue;
      const value = rule === "mean" ? stats.mean : stats.std;
      const what = rule === "mean" ? "mean" : "standard deviation";
      if (value === null) {
        violations.push({
          rule,
          column: c.name,
          message: `${c.name}: the ${what} cannot be computed (too few values, or values too large)`,
          observed: null,
          expected: formatRange(bounds),
        });
      } else if ((bounds.min !== undefined && value < bounds.min) || (bounds.max !== undefined && value > bounds.max)) {
        violations.push({
          rule,
          column: c.name,
          message: `${c.name}: ${what} ${formatNumber(value)} is outside ${formatRange(bounds)}`,
          observed: value,
          expected: formatRange(bounds),
        });
      }
    }
  }
  return violations;
}

function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(4))}%`;
}

function formatNumber(value: number): string {
  return String(Number(value.toPrecision(6)));
}
