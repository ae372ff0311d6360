/**
 * Content hash of an accepted table: the same rows, row numbers and typed values give the
 * same hash on every run and every thread count. Row numbers are part of the hash because
 * splits depend on them.
 *
 * Each row is digested in SQL as DuckDB's 64-bit hash() of (row number, typed values in
 * contract order); the digests are combined by their sum (exact, 128-bit) and their XOR,
 * which needs no sort, so the hash costs one parallel scan, or nothing more than the hashing
 * itself when fused into the statistics query (hashedRelation + HASH_AGGREGATES, as
 * validation does). The result is sha256 over the column names and types, the DuckDB version
 * (hash() is only guaranteed stable within one version: an upgrade changes the hash, which
 * only costs a recomputation), the row count and the two combined digests. Because every
 * digest includes its row number, reordering, changing, adding or removing any row changes
 * the result (short of a 2^-64 accident). Serialising every row to text and hashing that
 * with sha256 costs over ten times more.
 */
import { createHash } from "node:crypto";
import { ROW_COLUMN } from "./read.js";
import type { DataSession, SqlRow } from "./session.js";
import { quoteIdent } from "./sql.js";
import type { DatasetContract } from "../../compiler/plan/schema.js";

/** The per-row digest column that hashedRelation adds. */
const DIGEST = "__digest";

/** `relation` with the per-row digest added, for a query that also selects HASH_AGGREGATES. */
export function hashedRelation(relation: string, contract: DatasetContract): string {
  const values = [ROW_COLUMN, ...contract.columns.map((c) => quoteIdent(c.name))].join(", ");
  return `(SELECT *, hash(${values}) AS ${DIGEST} FROM ${relation})`;
}

/** Aggregates over hashedRelation whose values (with the row count) make the hash. */
export const HASH_AGGREGATES: readonly string[] = [
  `sum(${DIGEST}::HUGEINT)::VARCHAR AS hash_sum`,
  `bit_xor(${DIGEST})::VARCHAR AS hash_xor`,
];

/** The hash from HASH_AGGREGATES' results, the row count and DuckDB's version(). */
export function finishHash(contract: DatasetContract, rows: number, aggregates: SqlRow, duckdbVersion: string): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({
    format: "mlspec-accepted-v1",
    columns: contract.columns.map((c) => [c.name, c.type]),
    duckdb: duckdbVersion,
    rows,
    sum: aggregates["hash_sum"] ?? "0",
    xor: aggregates["hash_xor"] ?? "0",
  }));
  return hash.digest("hex");
}

/** The hash of `table` on its own (one scan). */
export async function hashAcceptedData(session: DataSession, table: string, contract: DatasetContract): Promise<string> {
  const row = await session.one(`
    SELECT version() AS version, count(*) AS n, ${HASH_AGGREGATES.join(", ")} FROM ${hashedRelation(table, contract)}`);
  return finishHash(contract, Number(row["n"]), row, String(row["version"]));
}
