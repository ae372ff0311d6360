/**
 * standardize(x): (x - mean) / std with mean and population std of the
 * training rows. A constant column (std below 1e-30) gets std 1. Missing → the mean → 0.
 * Elementwise: on a multi-column input each column gets its own statistics.
 */
import type { TransformSig } from "../signature.js";
import type { OnnxEmitContext, OnnxValue, StageValue, TransformArgs, ValueShape } from "./transform-module.js";
import { rejectUnknownArgs } from "./shared/transform-args.js";
import {
  checkWidth,
  emitFillNaN,
  f32,
  finiteColumn,
  fitFill,
  mapCells,
  mean,
  numericInput,
  numericShape,
  rowConstant,
  stateNumber,
  usableScale,
} from "./shared/numeric-input.js";

const NAME = "standardize";

export const signature: TransformSig = {
  kind: "transform",
  name: NAME,
  accepts: ["numeric", "bool"],
  arity: 1,
  params: [],
  output: { kind: "numeric", width: 1 },
  doc: "Centres on the training mean and scales by the training standard deviation; a missing value becomes 0.",
};

export interface StandardizeState {
  fill: number[];
  mean: number[];
  scale: number[];
}

export function fit(inputs: StageValue[], args: TransformArgs): StandardizeState {
  rejectUnknownArgs(NAME, args, []);
  const x = numericInput(NAME, inputs);
  const state: StandardizeState = { fill: fitFill(x), mean: [], scale: [] };
  for (let c = 0; c < x.width; c++) {
    const values = finiteColumn(x, c);
    const m = mean(values);
    const std = Math.sqrt(mean(values.map((v) => (v - m) * (v - m))));
    state.mean.push(stateNumber(m));
    state.scale.push(usableScale(std));
  }
  return state;
}

export function apply(inputs: StageValue[], state: StandardizeState, args: TransformArgs): StageValue {
  rejectUnknownArgs(NAME, args, []);
  const { mean: mu, scale } = state;
  return mapCells(numericInput(NAME, inputs), state.fill, (x, c) => f32(x - mu[c]!) / scale[c]!);
}

export function outputShape(inputs: ValueShape[], state: StandardizeState): ValueShape {
  const input = numericShape(NAME, inputs);
  checkWidth(input, state.mean.length);
  return input;
}

export function emitOnnx(ctx: OnnxEmitContext, inputs: OnnxValue[], state: StandardizeState): string {
  const filled = emitFillNaN(ctx, inputs[0]!, state.fill);
  const centred = ctx.node("Sub", [filled, rowConstant(ctx, state.mean)]);
  return ctx.node("Div", [centred, rowConstant(ctx, state.scale)]);
}
