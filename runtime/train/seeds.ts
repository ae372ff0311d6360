/**
 * Independent random streams derived from the run's seed. Each epoch gets its
 * own stream, so a run resumed at epoch e draws exactly what an uninterrupted
 * run would, and a checkpoint needs only (seed, next epoch) as its RNG state.
 */
import { Rng } from "../../core/rng.js";

export const STREAM_INIT = 1;
export const STREAM_EPOCH = 2;

/** A well-mixed 32-bit seed from the parts (an FNV-style fold with murmur finalisation). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
  }
  return h >>> 0;
}

export function initRng(seed: number): Rng {
  return new Rng(mixSeed(seed, STREAM_INIT));
}

export function epochRng(seed: number, epoch: number): Rng {
  return new Rng(mixSeed(seed, STREAM_EPOCH, epoch));
}
