/**
 * clip(x, low, high): limits values to [low, high]. Nothing is learned except
 * the training mean that stands in for a missing value.
 */
import type { TransformSig } from "../signature.js";
import { TransformError, type OnnxEmitContext, type OnnxValue, type StageValue, type TransformArgs, type ValueShape } from "./transform-module.js";
import { rejectUnknownArgs, requiredNumberArg } from "./shared/transform-args.js";
import { checkWidth, emitFillNaN, f32, fitFill, mapCells, numericInput, numericShape } from "./shared/numeric-input.js";

const NAME = "clip";

export const signature: TransformSig = {
  kind: "transform",
  name: NAME,
  accepts: ["numeric"],
  arity: 1,
  params: [
    { name: "low", type: "float", doc: "Smallest value kept; lower values become this." },
    { name: "high", type: "float", doc: "Largest value kept; higher values become this." },
  ],
  output: { kind: "numeric", width: 1 },
  doc: "Limits values to [low, high]; a missing value is replaced by the training mean first.",
};

export interface ClipState {
  fill: number[];
}

function bounds(args: TransformArgs): { low: number; high: number } {
  rejectUnknownArgs(NAME, args, ["low", "high"]);
  const low = f32(requiredNumberArg(NAME, args, "low"));
  const high = f32(requiredNumberArg(NAME, args, "high"));
  if (!(low <= high)) throw new TransformError(NAME, `low (${args.low}) must not be above high (${args.high})`);
  return { low, high };
}

export function fit(inputs: StageValue[], args: TransformArgs): ClipState {
  bounds(args);
  return { fill: fitFill(numericInput(NAME, inputs)) };
}

export function apply(inputs: StageValue[], state: ClipState, args: TransformArgs): StageValue {
  const { low, high } = bounds(args);
  return mapCells(numericInput(NAME, inputs), state.fill, (x) => Math.min(Math.max(x, low), high));
}

export function outputShape(inputs: ValueShape[], state: ClipState): ValueShape {
  const input = numericShape(NAME, inputs);
  checkWidth(input, state.fill.length);
  return input;
}

export function emitOnnx(ctx: OnnxEmitContext, inputs: OnnxValue[], state: ClipState, args: TransformArgs): string {
  const { low, high } = bounds(args);
  const x = emitFillNaN(ctx, inputs[0]!, state.fill);
  return ctx.node("Clip", [x, ctx.floats([low], []), ctx.floats([high], [])]);
}
