/**
 * bucketize(x, boundaries = [b0, b1, ...]) or bucketize(x, bins = N): one-hot
 * of the bucket x falls in. With boundaries b0 < b1 < ... < b(m-1) there are
 * m + 1 buckets: x < b0, b0 ≤ x < b1, ..., x ≥ b(m-1). With bins = N the
 * boundaries are the training quantiles 1/N, 2/N, ... (repeated ones merged,
 * so heavily tied data gives fewer buckets).
 */
import type { TransformSig } from "../signature.js";
import { TransformError, type OnnxEmitContext, type OnnxValue, type StageValue, type TransformArgs, type ValueShape } from "./transform-module.js";
import { intArg, numberListArg, rejectUnknownArgs } from "./shared/transform-args.js";
import { emitFillNaN, finiteColumn, fitFill, numericInput, numericShape, stateNumber, type NumericValue } from "./shared/numeric-input.js";
import { emitOneHot, oneHotRows } from "./shared/one-hot-encoding.js";
import { ONNX_INT64 } from "./shared/categorical-input.js";

const NAME = "bucketize";
const MAX_BINS = 10_000;

export const signature: TransformSig = {
  kind: "transform",
  name: NAME,
  accepts: ["numeric"],
  arity: 1,
  params: [
    { name: "boundaries", type: { list: "float" }, optional: true, doc: "Increasing bucket edges; a value equal to an edge goes to the bucket above it." },
    { name: "bins", type: "int", optional: true, min: 2, max: MAX_BINS, tunable: true, doc: "Number of buckets, edges at training quantiles (instead of boundaries)." },
  ],
  output: { kind: "numeric", width: "fit" },
  doc: "One-hot of the bucket a value falls in; a missing value is replaced by the training mean first.",
};

export interface BucketizeState {
  fill: number[];
  boundaries: number[];
}

function single(value: { width: number }): void {
  if (value.width !== 1) throw new TransformError(NAME, `needs one numeric column, got ${value.width}`);
}

/** Linear-interpolated quantiles of sorted values (the common "type 7"). */
function quantileBoundaries(sorted: number[], bins: number): number[] {
  const out: number[] = [];
  if (sorted.length === 0) return out;
  for (let i = 1; i < bins; i++) {
    const position = (i / bins) * (sorted.length - 1);
    const lo = Math.floor(position);
    const hi = Math.min(lo + 1, sorted.length - 1);
    out.push(stateNumber(sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (position - lo)));
  }
  return out;
}

function explicitBoundaries(args: TransformArgs): number[] | undefined {
  const given = numberListArg(NAME, args, "boundaries");
  if (given === undefined) return undefined;
  if (given.length === 0) throw new TransformError(NAME, "`boundaries` must name at least one edge");
  const rounded = given.map(stateNumber);
  if (rounded.some((b) => !Number.isFinite(b))) throw new TransformError(NAME, "`boundaries` must fit in float32");
  for (let i = 1; i < rounded.length; i++) {
    if (!(rounded[i]! > rounded[i - 1]!)) {
      throw new TransformError(NAME, `\`boundaries\` must increase strictly (float32), but ${given[i - 1]} is followed by ${given[i]}`);
    }
  }
  return rounded;
}

export function fit(inputs: StageValue[], args: TransformArgs): BucketizeState {
  rejectUnknownArgs(NAME, args, ["boundaries", "bins"]);
  const x = numericInput(NAME, inputs);
  single(x);
  const given = explicitBoundaries(args);
  const bins = intArg(NAME, args, "bins", 2, MAX_BINS);
  if ((given === undefined) === (bins === undefined)) {
    throw new TransformError(NAME, "give exactly one of `boundaries` or `bins`");
  }
  let boundaries = given;
  if (boundaries === undefined) {
    const sorted = finiteColumn(x, 0).sort((a, b) => a - b);
    boundaries = quantileBoundaries(sorted, bins!).filter((b, i, all) => i === 0 || b > all[i - 1]!);
  }
  return { fill: fitFill(x), boundaries };
}

function labels(boundaries: number[]): string[] {
  if (boundaries.length === 0) return ["all"];
  const out = [`<${boundaries[0]}`];
  for (let i = 1; i < boundaries.length; i++) out.push(`[${boundaries[i - 1]},${boundaries[i]})`);
  out.push(`>=${boundaries[boundaries.length - 1]}`);
  return out;
}

export function apply(inputs: StageValue[], state: BucketizeState, args: TransformArgs): StageValue {
  rejectUnknownArgs(NAME, args, ["boundaries", "bins"]);
  const x: NumericValue = numericInput(NAME, inputs);
  single(x);
  const { boundaries } = state;
  const positions = new Int32Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    const raw = x.data[r]!;
    const v = Number.isNaN(raw) ? state.fill[0]! : raw;
    let bucket = 0;
    while (bucket < boundaries.length && v >= boundaries[bucket]!) bucket++;
    positions[r] = bucket;
  }
  return oneHotRows(positions, boundaries.length + 1, labels(boundaries));
}

export function outputShape(inputs: ValueShape[], state: BucketizeState): ValueShape {
  single(numericShape(NAME, inputs));
  return { kind: "numeric", width: state.boundaries.length + 1, labels: labels(state.boundaries) };
}

export function emitOnnx(ctx: OnnxEmitContext, inputs: OnnxValue[], state: BucketizeState): string {
  const x = emitFillNaN(ctx, inputs[0]!, state.fill);
  const { boundaries } = state;
  let bucket: string;
  if (boundaries.length === 0) {
    bucket = ctx.node("Expand", [ctx.int64s([0], [1, 1]), ctx.node("Shape", [x])]);
  } else {
    // bucket = number of boundaries ≤ x
    const atOrAbove = ctx.node("GreaterOrEqual", [x, ctx.floats(boundaries, [1, boundaries.length])]);
    const asInt = ctx.node("Cast", [atOrAbove], { to: { int: ONNX_INT64 } });
    bucket = ctx.node("ReduceSum", [asInt, ctx.int64s([1], [1])], { keepdims: { int: 1 } });
  }
  return emitOneHot(ctx, bucket, boundaries.length + 1);
}
