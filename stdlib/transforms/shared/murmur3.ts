/**
 * MurmurHash3 x86_32, bit-for-bit the function behind ONNX Runtime's
 * com.microsoft MurmurHash3 op, so that hash buckets computed in JS at training
 * time are the buckets the served graph computes.
 */
import { fmix32 } from "../../../core/fmix32.js";
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const utf8 = new TextEncoder();

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function mixBlock(k: number): number {
  return Math.imul(rotl32(Math.imul(k, C1), 15), C2);
}

/** The unsigned 32-bit hash of `bytes`. */
export function murmur3x86_32(bytes: Uint8Array, seed: number): number {
  const length = bytes.length;
  const blocks = length >>> 2;
  let h = seed | 0;
  for (let i = 0; i < blocks; i++) {
    const j = i * 4;
    const k = bytes[j]! | (bytes[j + 1]! << 8) | (bytes[j + 2]! << 16) | (bytes[j + 3]! << 24);
    h ^= mixBlock(k);
    h = rotl32(h, 13);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = blocks * 4;
  const rest = length & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= bytes[tail + 2]! << 16;
    if (rest >= 2) k ^= bytes[tail + 1]! << 8;
    k ^= bytes[tail]!;
    h ^= mixBlock(k);
  }
  return fmix32(h ^ length);
}

/** Hash of a string's UTF-8 bytes (what ORT hashes for tensor(string)). */
export function murmur3String(value: string, seed: number): number {
  return murmur3x86_32(utf8.encode(value), seed);
}

const int32Bytes = new Uint8Array(4);
const int32View = new DataView(int32Bytes.buffer);

/** Hash of an int32's four little-endian bytes (what ORT hashes for tensor(int32)). */
export function murmur3Int32(value: number, seed: number): number {
  int32View.setInt32(0, value, true);
  return murmur3x86_32(int32Bytes, seed);
}
