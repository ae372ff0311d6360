/**
 * cross(a, b, ..., buckets = N, seed = 0): one-hot of a hash of the
 * combination of two or more categorical columns, so that pairs such as
 * (plan, region) get their own weights without a vocabulary of all pairs.
 */
import type { TransformSig } from "../signature.js";
import { TransformError, type OnnxEmitContext, type OnnxValue, type StageValue, type TransformArgs, type ValueShape } from "./transform-module.js";
import { categoricalKeys, categoricalShape } from "./shared/categorical-input.js";
import {
  bucketLabels,
  bucketsOf,
  combineHashes,
  emitBuckets,
  emitCombineHashes,
  emitHash,
  hashKeys,
} from "./shared/category-hash.js";
import { emitOneHot, oneHotRows } from "./shared/one-hot-encoding.js";
import { hashArgs, MAX_BUCKETS, MAX_SEED } from "./hash.js";

const NAME = "cross";

export const signature: TransformSig = {
  kind: "transform",
  name: NAME,
  accepts: ["string", "enum", "int", "bool"],
  arity: "many",
  params: [
    { name: "buckets", type: "int", min: 1, max: MAX_BUCKETS, tunable: true, doc: "Number of hash buckets (output columns)." },
    { name: "seed", type: "int", default: 0, min: 0, max: MAX_SEED, doc: "MurmurHash3 seed." },
  ],
  output: { kind: "numeric", width: "fit" },
  doc: "One-hot of a hash of the combined values of two or more categorical columns.",
};

export type CrossState = Record<string, never>;

function checkInputs<T extends ValueShape>(inputs: T[]): T[] {
  if (inputs.length < 2) throw new TransformError(NAME, `needs at least two columns, got ${inputs.length}`);
  for (const input of inputs) categoricalShape(NAME, input);
  return inputs;
}

export function fit(inputs: StageValue[], args: TransformArgs): CrossState {
  hashArgs(NAME, args);
  checkInputs(inputs);
  return {};
}

export function apply(inputs: StageValue[], _state: CrossState, args: TransformArgs): StageValue {
  const { buckets, seed } = hashArgs(NAME, args);
  const hashes = checkInputs(inputs).map((input) => hashKeys(categoricalKeys(NAME, input), seed));
  if (new Set(hashes.map((h) => h.length)).size > 1) throw new TransformError(NAME, "columns differ in row count");
  return oneHotRows(bucketsOf(combineHashes(hashes, seed), buckets), buckets, bucketLabels(buckets));
}

export function outputShape(inputs: ValueShape[], _state: CrossState, args: TransformArgs): ValueShape {
  const { buckets } = hashArgs(NAME, args);
  checkInputs(inputs);
  return { kind: "numeric", width: buckets, labels: bucketLabels(buckets) };
}

export function emitOnnx(ctx: OnnxEmitContext, inputs: OnnxValue[], _state: CrossState, args: TransformArgs): string {
  const { buckets, seed } = hashArgs(NAME, args);
  const hashes = inputs.map((input) => emitHash(ctx, input, seed));
  return emitOneHot(ctx, emitBuckets(ctx, emitCombineHashes(ctx, hashes, seed), buckets), buckets);
}
