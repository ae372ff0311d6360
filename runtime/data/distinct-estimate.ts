/**
 * HyperLogLog estimate of a column's distinct count, for profiles of columns with so many
 * distinct values that counting them exactly (a hash table of every value) would cost more
 * than the rest of the profile. 2^14 registers: standard error 1.04 / 128, about 0.8%.
 *
 * DuckDB's own approx_count_distinct was measured off by up to 25% (1,000,000 distinct
 * doubles estimated as 775,850), so the registers are built here: SQL groups the rows by the
 * top 14 bits of DuckDB's 64-bit hash() and keeps, per register, the smallest value of the
 * remaining 50 bits (the one with the most leading zeros); the estimate is computed in JS.
 */
import type { DataSession } from "./session.js";
import { quoteIdent } from "./sql.js";

const PRECISION = 14;
const REGISTERS = 2 ** PRECISION;
const REST_BITS = 64 - PRECISION;

/**
 * Distinct-count estimates of `columns` of `relation` (nulls not counted), in one query.
 * Returns estimate by column name.
 */
export async function estimateDistinct(
  session: DataSession,
  relation: string,
  columns: readonly string[],
): Promise<Map<string, number>> {
  if (columns.length === 0) return new Map();
  const rest = `${2n ** BigInt(REST_BITS) - 1n}::UBIGINT`;
  const branches = columns.map((name, k) => {
    const col = quoteIdent(name);
    return `SELECT ${k}::INTEGER AS k, (h_ >> ${REST_BITS})::INTEGER AS reg, min(h_ & ${rest})::DOUBLE AS w
            FROM (SELECT hash(${col}) AS h_ FROM ${relation} WHERE ${col} IS NOT NULL) GROUP BY reg`;
  });
  const result = await session.columns(branches.join(" UNION ALL "));
  const ks = result["k"] as number[];
  const regs = result["reg"] as number[];
  const ws = result["w"] as number[];
  const registers = columns.map(() => new Uint8Array(REGISTERS));
  for (let j = 0; j < ks.length; j++) registers[ks[j]!]![regs[j]!] = leadingZeroRank(ws[j]!);
  return new Map(columns.map((name, k) => [name, hyperLogLogEstimate(registers[k]!)]));
}

/** Position of the first 1 bit in a REST_BITS-bit value (REST_BITS + 1 for 0): HyperLogLog's rho. */
export function leadingZeroRank(value: number): number {
  // Exact for integers below 2^53 (value < 2^50 here): the bit length from two 32-bit halves.
  const high = Math.floor(value / 2 ** 32);
  const bitLength = high > 0 ? 64 - Math.clz32(high) : 32 - Math.clz32(value >>> 0);
  return REST_BITS - bitLength + 1;
}

/** The distinct count estimated from registers holding the largest rho seen (0 where none). */
export function hyperLogLogEstimate(registers: Uint8Array): number {
  const m = registers.length;
  let sum = 0;
  let empty = 0;
  for (const rank of registers) {
    sum += 2 ** -rank;
    if (rank === 0) empty++;
  }
  const alpha = 0.7213 / (1 + 1.079 / m);
  const raw = (alpha * m * m) / sum;
  // Small counts: linear counting over the empty registers (the raw estimate is biased there).
  if (raw <= 2.5 * m && empty > 0) return Math.round(m * Math.log(m / empty));
  return Math.round(raw);
}
