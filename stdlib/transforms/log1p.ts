/**
 * log1p(x) = sign(x) · ln(1 + |x|): the usual log1p for x ≥ 0, mirrored for
 * negative x so that every input (counts, amounts, refunds) has a finite,
 * monotone output. ONNX has no Log1p, so both sides compute ln(1 + |x|) in
 * float32.
 */
import type { TransformSig } from "../signature.js";
import type { OnnxEmitContext, OnnxValue, StageValue, TransformArgs, ValueShape } from "./transform-module.js";
import { rejectUnknownArgs } from "./shared/transform-args.js";
import { checkWidth, emitFillNaN, f32, fitFill, mapCells, numericInput, numericShape } from "./shared/numeric-input.js";

const NAME = "log1p";

export const signature: TransformSig = {
  kind: "transform",
  name: NAME,
  accepts: ["numeric"],
  arity: 1,
  params: [],
  output: { kind: "numeric", width: 1 },
  doc: "sign(x)·ln(1+|x|); a missing value is replaced by the training mean first.",
};

export interface Log1pState {
  fill: number[];
}

export function fit(inputs: StageValue[], args: TransformArgs): Log1pState {
  rejectUnknownArgs(NAME, args, []);
  return { fill: fitFill(numericInput(NAME, inputs)) };
}

export function signedLog1p(x: number): number {
  return Math.sign(x) * f32(Math.log(f32(Math.abs(x) + 1)));
}

export function apply(inputs: StageValue[], state: Log1pState, args: TransformArgs): StageValue {
  rejectUnknownArgs(NAME, args, []);
  return mapCells(numericInput(NAME, inputs), state.fill, signedLog1p);
}

export function outputShape(inputs: ValueShape[], state: Log1pState): ValueShape {
  const input = numericShape(NAME, inputs);
  checkWidth(input, state.fill.length);
  return input;
}

export function emitOnnx(ctx: OnnxEmitContext, inputs: OnnxValue[], state: Log1pState): string {
  const x = emitFillNaN(ctx, inputs[0]!, state.fill);
  const magnitude = ctx.node("Log", [ctx.node("Add", [ctx.node("Abs", [x]), ctx.floats([1], [])])]);
  return ctx.node("Mul", [ctx.node("Sign", [x]), magnitude]);
}
