/**
 * hash(x, buckets = N, seed = 0): one-hot of MurmurHash3_x86_32(x) mod N.
 * Nothing is learned, so unseen categories need no unknown column; a missing
 * string hashes as "" and a missing number as the null code.
 */
import type { TransformSig } from "../signature.js";
import type { OnnxEmitContext, OnnxValue, StageValue, TransformArgs, ValueShape } from "./transform-module.js";
import { intArg, rejectUnknownArgs, requiredIntArg } from "./shared/transform-args.js";
import { singleInput } from "./shared/numeric-input.js";
import { categoricalKeys, categoricalShape } from "./shared/categorical-input.js";
import { bucketLabels, bucketsOf, emitBuckets, emitHash, hashKeys } from "./shared/category-hash.js";
import { emitOneHot, oneHotRows } from "./shared/one-hot-encoding.js";

const NAME = "hash";
export const MAX_BUCKETS = 1 << 20;
export const MAX_SEED = 2147483647;

export const signature: TransformSig = {
  kind: "transform",
  name: NAME,
  accepts: ["string", "enum", "int", "bool"],
  arity: 1,
  params: [
    { name: "buckets", type: "int", min: 1, max: MAX_BUCKETS, tunable: true, doc: "Number of hash buckets (output columns)." },
    { name: "seed", type: "int", default: 0, min: 0, max: MAX_SEED, doc: "MurmurHash3 seed." },
  ],
  output: { kind: "numeric", width: "fit" },
  doc: "One-hot of MurmurHash3(value) mod buckets; needs no vocabulary.",
};

export type HashState = Record<string, never>;

export function hashArgs(transform: string, args: TransformArgs): { buckets: number; seed: number } {
  rejectUnknownArgs(transform, args, ["buckets", "seed"]);
  return {
    buckets: requiredIntArg(transform, args, "buckets", 1, MAX_BUCKETS),
    seed: intArg(transform, args, "seed", 0, MAX_SEED) ?? 0,
  };
}

export function fit(inputs: StageValue[], args: TransformArgs): HashState {
  hashArgs(NAME, args);
  categoricalShape(NAME, singleInput(NAME, inputs));
  return {};
}

export function apply(inputs: StageValue[], _state: HashState, args: TransformArgs): StageValue {
  const { buckets, seed } = hashArgs(NAME, args);
  const keys = categoricalKeys(NAME, singleInput(NAME, inputs));
  return oneHotRows(bucketsOf(hashKeys(keys, seed), buckets), buckets, bucketLabels(buckets));
}

export function outputShape(inputs: ValueShape[], _state: HashState, args: TransformArgs): ValueShape {
  const { buckets } = hashArgs(NAME, args);
  categoricalShape(NAME, singleInput(NAME, inputs));
  return { kind: "numeric", width: buckets, labels: bucketLabels(buckets) };
}

export function emitOnnx(ctx: OnnxEmitContext, inputs: OnnxValue[], _state: HashState, args: TransformArgs): string {
  const { buckets, seed } = hashArgs(NAME, args);
  return emitOneHot(ctx, emitBuckets(ctx, emitHash(ctx, inputs[0]!, seed), buckets), buckets);
}
