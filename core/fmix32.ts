/**
 * murmur3's 32-bit finalizer: every input bit moves about half the output bits.
 * One home for the murmur3 hash of the hash transforms, the split's row keys and
 * the rollout router's sticky keys, which must all give the same numbers forever.
 */
export function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
