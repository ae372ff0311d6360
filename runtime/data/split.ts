/**
 * Train / validation / test splits of the accepted rows, computed in SQL and reproducible:
 * the same rows and seed give the same split on every run and thread count.
 *
 * Each row gets a 32-bit key splitRowKey(seed, row), two rounds of murmur3's finaliser computed
 * with SQL integer arithmetic (so it is the same on every DuckDB version and mirrored exactly in
 * JS); a group gets md5(seed:value). Sizes are exact: round(n * test) test rows and
 * round(n * validation) validation rows.
 *   random      rows ordered by key: the first go to test, the next to validation, the rest train
 *   stratified  the same within each value of `column` (null is a class of its own): class c of
 *               size n_c gets n_c * test test rows rounded down or up, by largest remainder so
 *               that the classes add up to exactly round(n * test); likewise validation
 *               (see stratumSizes)
 *   group       groups (rows sharing a `column` value) ordered by key; a group goes to test while
 *               the rows before it plus half its own stay under the test size, then validation,
 *               then train; no group is ever in two parts
 *   time        rows ordered by `column` (nulls first), then row number: the latest go to test,
 *               those just before to validation, the earliest to train (the seed is not used)
 *
 * The assignment is kept in table `split_assignment(__row, part)` for load and profile.
 */
import { createHash } from "node:crypto";
import { ROW_COLUMN } from "./read.js";
import type { ValidatedDataset } from "./contract.js";
import { DataSpecError } from "./errors.js";
import { numberLiteral, quoteIdent } from "./sql.js";
import type { SplitSpec } from "../../compiler/plan/schema.js";
import { fmix32 } from "../../core/fmix32.js";

/** The parts a dataset is split into (the plan names validation and test). */
export type SplitPart = "train" | "validation" | "test";

export interface DataSplit {
  method: SplitSpec["method"];
  seed: number;
  column: string | null;
  /** Source row numbers of each part, ascending. */
  train: number[];
  validation: number[];
  test: number[];
}

export const SPLIT_PARTS: readonly SplitPart[] = ["train", "validation", "test"];

const MASK32 = 4294967295;

/** The two 32-bit words a seed contributes to the row keys. */
function seedWords(seed: number): [number, number] {
  const s = Math.trunc(seed) >>> 0;
  return [fmix32(s ^ 0x9e3779b9), fmix32((s + 0x7f4a7c15) >>> 0)];
}

/**
 * The ordering key of a row in random and stratified splits: fmix32(fmix32(row ^ a) ^ b), where
 * row is folded to 32 bits and (a, b) come from the seed. A bijection on 32-bit row numbers, so
 * keys never tie. The SQL in splitDataset computes exactly this.
 */
export function splitRowKey(seed: number, row: number): number {
  const [a, b] = seedWords(seed);
  const folded = ((row % 4294967296) ^ Math.floor(row / 4294967296)) >>> 0;
  return fmix32(fmix32(folded ^ a) ^ b);
}

/** splitRowKey over column `row` as nested SQL projections (each step names its result). */
function rowKeySql(seed: number, from: string, row: string): string {
  const [a, b] = seedWords(seed);
  const steps = [
    `xor(xor((${row} & ${MASK32})::UBIGINT, (${row} >> 32)::UBIGINT), ${a}::UBIGINT) AS k0`,
    ...fmix32Sql("k0", "k"),
    `xor(k5, ${b}::UBIGINT) AS k6`,
    ...fmix32Sql("k6", "m"),
  ];
  return steps.reduce((relation, step) => `(SELECT *, ${step} FROM ${relation})`, from);
}

/** fmix32 of column `input` in five steps named <prefix>1..5 (k1..k5 or m1..m5); products stay below 2^64. */
function fmix32Sql(input: string, prefix: string): string[] {
  const n = (i: number) => `${prefix}${i}`;
  return [
    `xor(${input}, ${input} >> 16) AS ${n(1)}`,
    `(${n(1)} * ${0x85ebca6b}::UBIGINT) & ${MASK32} AS ${n(2)}`,
    `xor(${n(2)}, ${n(2)} >> 13) AS ${n(3)}`,
    `(${n(3)} * ${0xc2b2ae35}::UBIGINT) & ${MASK32} AS ${n(4)}`,
    `xor(${n(4)}, ${n(4)} >> 16) AS ${n(5)}`,
  ];
}

export async function splitDataset(data: ValidatedDataset, spec: SplitSpec): Promise<DataSplit> {
  assertSplitUsable(data, spec);
  const { session, table } = data;
  const seed = `'${Math.trunc(spec.seed)}:'`;
  const row = ROW_COLUMN;
  // Every row with its key (final column m5).
  const keyed = (columns: string) => rowKeySql(spec.seed, `(SELECT ${row}${columns} FROM ${table})`, row);
  const sizes = (n: string) =>
    `round(${n} * ${numberLiteral(spec.test)})::BIGINT AS n_test, round(${n} * ${numberLiteral(spec.validation)})::BIGINT AS n_val`;
  const byPosition = `CASE WHEN pos < n_test THEN 'test' WHEN pos < n_test + n_val THEN 'validation' ELSE 'train' END`;
  let assignment: string;
  switch (spec.method) {
    case "random":
      assignment = `
        SELECT ${row}, ${byPosition} AS part FROM (
          SELECT ${row}, row_number() OVER (ORDER BY m5, ${row}) - 1 AS pos,
                 ${sizes("count(*) OVER ()")}
          FROM ${keyed("")})`;
      break;
    case "stratified": {
      const label = quoteIdent(spec.column!);
      // Classes are numbered in value order (null first); each gets its own part sizes.
      await session.run(`
        CREATE OR REPLACE TABLE split_class AS
        SELECT label, row_number() OVER (ORDER BY label ASC NULLS FIRST) - 1 AS class, count(*)::DOUBLE AS n
        FROM (SELECT ${label} AS label FROM ${table}) GROUP BY label ORDER BY class`);
      const counted = await session.columns(`SELECT n FROM split_class ORDER BY class`);
      const perClass = stratumSizes((counted["n"] ?? []) as number[], spec.test, spec.validation);
      await session.writeIntegers("split_class_test", "n_test", perClass.test);
      await session.writeIntegers("split_class_validation", "n_val", perClass.validation);
      await session.run(`
        CREATE OR REPLACE TABLE split_class_sizes AS
        SELECT c.label, t.n_test, v.n_val FROM split_class c
        JOIN (SELECT rowid AS class, n_test FROM split_class_test) t USING (class)
        JOIN (SELECT rowid AS class, n_val FROM split_class_validation) v USING (class)`);
      assignment = `
        SELECT ${row}, ${byPosition} AS part FROM (
          SELECT k.${row},
                 row_number() OVER (PARTITION BY k.${label} ORDER BY k.m5, k.${row}) - 1 AS pos,
                 s.n_test, s.n_val
          FROM ${keyed(`, ${label}`)} k JOIN split_class_sizes s ON k.${label} IS NOT DISTINCT FROM s.label)`;
      break;
    }
    case "group": {
      const group = quoteIdent(spec.column!);
      // A null key and the text "null" must not fall in one group: tag the text form.
      const groupText = `CASE WHEN ${group} IS NULL THEN 'null' ELSE 'v' || CAST(${group} AS VARCHAR) END`;
      assignment = `
        WITH tagged AS (SELECT ${row}, ${groupText} AS g FROM ${table}),
        groups AS (SELECT g, count(*) AS size FROM tagged GROUP BY g),
        placed AS (
          SELECT g, sum(size) OVER (ORDER BY md5_number_lower(${seed} || g), g ROWS UNBOUNDED PRECEDING) - size AS before,
                 size, ${sizes("sum(size) OVER ()")}
          FROM groups),
        parts AS (
          SELECT g, CASE WHEN before + size / 2 < n_test THEN 'test'
                         WHEN before + size / 2 < n_test + n_val THEN 'validation' ELSE 'train' END AS part
          FROM placed)
        SELECT tagged.${row}, parts.part FROM tagged JOIN parts USING (g)`;
      break;
    }
    case "time": {
      const time = quoteIdent(spec.column!);
      assignment = `
        SELECT ${row}, CASE WHEN pos >= n - n_test THEN 'test' WHEN pos >= n - n_test - n_val THEN 'validation'
                            ELSE 'train' END AS part FROM (
          SELECT ${row}, row_number() OVER (ORDER BY ${time} ASC NULLS FIRST, ${row}) - 1 AS pos,
                 count(*) OVER () AS n, ${sizes("count(*) OVER ()")}
          FROM ${table})`;
      break;
    }
  }
  await session.run(`CREATE OR REPLACE TABLE split_assignment AS SELECT * FROM (${assignment}) ORDER BY ${row}`);
  // typed: two numbers a row, read from DuckDB's vectors without a JS value per cell
  const columns = await session.typedColumns(
    `SELECT ${row}::DOUBLE AS r, CASE part WHEN 'train' THEN 0 WHEN 'validation' THEN 1 ELSE 2 END::INTEGER AS p
     FROM split_assignment ORDER BY ${row}`,
  );
  const rows = (columns["r"] ?? []) as ArrayLike<number>;
  const codes = (columns["p"] ?? []) as ArrayLike<number>;
  const split: DataSplit = {
    method: spec.method,
    seed: spec.seed,
    column: spec.column ?? null,
    train: [],
    validation: [],
    test: [],
  };
  const byCode = [split.train, split.validation, split.test];
  for (let k = 0; k < rows.length; k++) byCode[codes[k]!]!.push(rows[k]!);
  return split;
}

/**
 * A hash of a split's method, seed, column and row lists: the step cache's key for it, without
 * writing millions of row numbers out as JSON.
 */
export function splitDigest(split: DataSplit): string {
  const h = createHash("sha256").update(JSON.stringify([split.method, split.seed, split.column]));
  for (const part of SPLIT_PARTS) {
    const rows = Float64Array.from(split[part]);
    h.update(`\0${part}:${rows.length}:`).update(new Uint8Array(rows.buffer));
  }
  return h.digest("hex");
}

/**
 * Test and validation rows per class of a stratified split (classes given by size). Class c's
 * share of test is n_c * test; each class gets its share rounded down, and the rows still
 * missing from round(n * test) go one each to the classes with the largest remainders (ties:
 * the earlier class). Validation likewise, within the rows a class has left after test; should
 * those caps leave rows unplaced, further rounds give one more each in the same order.
 */
export function stratumSizes(classSizes: readonly number[], test: number, validation: number): { test: number[]; validation: number[] } {
  const n = classSizes.reduce((a, b) => a + b, 0);
  const testSizes = allocate(classSizes, test, Math.round(n * test), classSizes);
  const left = classSizes.map((size, c) => size - testSizes[c]!);
  return { test: testSizes, validation: allocate(classSizes, validation, Math.round(n * validation), left) };
}

function allocate(classSizes: readonly number[], fraction: number, total: number, caps: readonly number[]): number[] {
  const quotas = classSizes.map((size) => size * fraction);
  const out = quotas.map((q, c) => Math.min(Math.floor(q), caps[c]!));
  let missing = total - out.reduce((a, b) => a + b, 0);
  const order = quotas.map((_, c) => c).sort((a, b) => (quotas[b]! - Math.floor(quotas[b]!)) - (quotas[a]! - Math.floor(quotas[a]!)) || a - b);
  while (missing > 0) {
    let placed = 0;
    for (const c of order) {
      if (missing === 0) break;
      if (out[c]! < caps[c]!) {
        out[c]!++;
        missing--;
        placed++;
      }
    }
    if (placed === 0) throw new Error(`internal error: ${missing} split rows cannot be placed in any class`);
  }
  return out;
}

function assertSplitUsable(data: ValidatedDataset, spec: SplitSpec): void {
  for (const [name, fraction] of [["test", spec.test], ["validation", spec.validation]] as const) {
    if (!(Number.isFinite(fraction) && fraction >= 0 && fraction < 1)) {
      throw new DataSpecError(`split ${name} fraction must be in [0, 1), got ${fraction}`);
    }
  }
  if (spec.test + spec.validation >= 1) {
    throw new DataSpecError(`split test (${spec.test}) + validation (${spec.validation}) leaves no training rows`);
  }
  if (!Number.isFinite(spec.seed)) throw new DataSpecError(`split seed must be a number, got ${spec.seed}`);
  if (spec.method === "random") return;
  const what = { stratified: "stratify label", group: "group key", time: "time column" }[spec.method];
  if (what === undefined) throw new DataSpecError(`unknown split method "${String(spec.method)}"`);
  if (!spec.column) throw new DataSpecError(`a ${spec.method} split needs a ${what} column`);
  if (!data.contract.columns.some((c) => c.name === spec.column)) {
    throw new DataSpecError(`${what} "${spec.column}" is not a column of the dataset`);
  }
}

/** Throws unless splitDataset has run in this session (table split_assignment exists). */
export async function assertSplitExists(data: ValidatedDataset): Promise<void> {
  const found = await data.session.rows(
    `SELECT 1 FROM duckdb_tables() WHERE table_name = 'split_assignment' AND NOT temporary`,
  );
  if (found.length === 0) throw new DataSpecError("no split has been made for this dataset yet (run splitDataset first)");
}
