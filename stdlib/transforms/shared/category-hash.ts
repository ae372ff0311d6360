/**
 * Hashing categorical values into buckets, shared by hash and cross. A string
 * hashes its UTF-8 bytes; a number hashes its int32 category code. Several
 * inputs (cross) are combined by hashing (h · 16777619 + next) mod 2^32 again,
 * which ONNX can compute with int64 arithmetic and the int32 MurmurHash3.
 */
import type { OnnxEmitContext, OnnxValue } from "../transform-module.js";
import { emitCategoryCodes, ONNX_INT32, ONNX_INT64, type CategoricalKeys } from "./categorical-input.js";
import { murmur3Int32, murmur3String } from "./murmur3.js";

const COMBINE_MULTIPLIER = 16777619; // FNV-1 32-bit prime
const TWO_32 = 4294967296;
const TWO_31 = 2147483648;

/** Unsigned 32-bit hash of each row's key. */
export function hashKeys(input: CategoricalKeys, seed: number): Float64Array {
  const out = new Float64Array(input.keys.length);
  if (input.kind === "string") input.keys.forEach((k, i) => (out[i] = murmur3String(k, seed)));
  else input.keys.forEach((k, i) => (out[i] = murmur3Int32(k, seed)));
  return out;
}

/** Folds per-input hashes into one hash per row. */
export function combineHashes(hashes: Float64Array[], seed: number): Float64Array {
  const out = Float64Array.from(hashes[0]!);
  for (const next of hashes.slice(1)) {
    for (let i = 0; i < out.length; i++) {
      const mixed = (Math.imul(out[i]!, COMBINE_MULTIPLIER) + next[i]!) >>> 0;
      out[i] = murmur3Int32(mixed | 0, seed);
    }
  }
  return out;
}

export function bucketsOf(hashes: Float64Array, buckets: number): Int32Array {
  const out = new Int32Array(hashes.length);
  for (let i = 0; i < out.length; i++) out[i] = hashes[i]! % buckets;
  return out;
}

export function bucketLabels(buckets: number): string[] {
  return Array.from({ length: buckets }, (_, i) => `#${i}`);
}

/** ONNX: tensor(int64) [N, 1] hash in [0, 2^32) of one categorical input. */
export function emitHash(ctx: OnnxEmitContext, input: OnnxValue, seed: number): string {
  const keys = input.shape.kind === "string" ? input.name : emitCategoryCodes(ctx, input, "int32");
  const hash = ctx.node("MurmurHash3", [keys], { seed: { int: seed }, positive: { int: 1 } }, "com.microsoft");
  return ctx.node("Cast", [hash], { to: { int: ONNX_INT64 } });
}

export function emitCombineHashes(ctx: OnnxEmitContext, hashes: string[], seed: number): string {
  let acc = hashes[0]!;
  for (const next of hashes.slice(1)) {
    const product = ctx.node("Mul", [acc, ctx.int64s([COMBINE_MULTIPLIER], [])]);
    const sum = ctx.node("Add", [product, next]);
    const wrapped = ctx.node("Mod", [sum, ctx.int64s([TWO_32], [])]);
    // reinterpret [0, 2^32) as int32 without relying on Cast overflow
    const high = ctx.node("GreaterOrEqual", [wrapped, ctx.int64s([TWO_31], [])]);
    const signed = ctx.node("Where", [high, ctx.node("Sub", [wrapped, ctx.int64s([TWO_32], [])]), wrapped]);
    const asInt32 = ctx.node("Cast", [signed], { to: { int: ONNX_INT32 } });
    const hash = ctx.node("MurmurHash3", [asInt32], { seed: { int: seed }, positive: { int: 1 } }, "com.microsoft");
    acc = ctx.node("Cast", [hash], { to: { int: ONNX_INT64 } });
  }
  return acc;
}

export function emitBuckets(ctx: OnnxEmitContext, hash: string, buckets: number): string {
  return ctx.node("Mod", [hash, ctx.int64s([buckets], [])]);
}
