/**
 * Content hash of an accepted table: the same rows, row numbers and typed values give the
 * same hash on every run and every thread count. Row numbers are part of the hash because
 * splits depend on them.
 *
 * Each row is digested in SQL as DuckDB's 64-bit hash() of (row number, typed values in
 * contract order); the digests are combined by their sum (exact, 128-bit) and their XOR,
 * which needs no sort, so the hash costs one parallel scan. The result is sha256 over the
 * column names and types, the DuckDB version (hash() is only guaranteed stable within one
 * version: an upgrade changes the hash, which only costs a recomputation), the row count and
 * the two combined digests. Because every digest includes its row number, reordering,
 * changing, adding or removing any row changes the result (short of a 2^-64 accident).
 * Serialising every row to text and hashing that with sha256 costs over ten times more.
 */
import { createHash } from "node:crypto";
import { ROW_COLUMN } from "./read.js";
import type { DataSession } from "./session.js";
import { quoteIdent } from "./sql.js";
import type { DatasetContract } from "./types.js";

export async function hashAcceptedData(session: DataSession, table: string, contract: DatasetContract): Promise<string> {
  const values = [ROW_COLUMN, ...contract.columns.map((c) => quoteIdent(c.name))].join(", ");
  const row = await session.one(`
    SELECT version() AS version, count(*) AS n, sum(h::HUGEINT)::VARCHAR AS total, bit_xor(h)::VARCHAR AS mixed
    FROM (SELECT hash(${values}) AS h FROM ${table})`);
  const hash = createHash("sha256");
  hash.update(JSON.stringify({
    format: "mlspec-accepted-v1",
    columns: contract.columns.map((c) => [c.name, c.type]),
    duckdb: row["version"],
    rows: row["n"],
    sum: row["total"] ?? "0",
    xor: row["mixed"] ?? "0",
  }));
  return hash.digest("hex");
}
