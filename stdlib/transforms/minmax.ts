/**
 * minmax(x): (x - min) / (max - min) over the training rows, so training values
 * land in [0, 1]; later values may fall outside. A constant column (range below
 * 1e-30) gets range 1. Values must stay within ±1.7e38 so the range fits float32.
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
  numericInput,
  numericShape,
  rowConstant,
  stateNumber,
  usableScale,
} from "./shared/numeric-input.js";

const NAME = "minmax";

export const signature: TransformSig = {
  kind: "transform",
  name: NAME,
  accepts: ["numeric", "bool"],
  arity: 1,
  params: [],
  output: { kind: "numeric", width: 1 },
  doc: "Scales to [0, 1] by the training minimum and maximum; a missing value becomes the training mean's position.",
};

export interface MinmaxState {
  fill: number[];
  min: number[];
  scale: number[];
}

export function fit(inputs: StageValue[], args: TransformArgs): MinmaxState {
  rejectUnknownArgs(NAME, args, []);
  const x = numericInput(NAME, inputs);
  const state: MinmaxState = { fill: fitFill(x), min: [], scale: [] };
  for (let c = 0; c < x.width; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of finiteColumn(x, c)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo > hi) lo = hi = 0; // no finite training value
    // float32 subtraction, as the graph computes x - min; keeps training outputs within [0, 1]
    state.min.push(stateNumber(lo));
    state.scale.push(usableScale(hi - lo));
  }
  return state;
}

export function apply(inputs: StageValue[], state: MinmaxState, args: TransformArgs): StageValue {
  rejectUnknownArgs(NAME, args, []);
  const { min, scale } = state;
  return mapCells(numericInput(NAME, inputs), state.fill, (x, c) => f32(x - min[c]!) / scale[c]!);
}

export function outputShape(inputs: ValueShape[], state: MinmaxState): ValueShape {
  const input = numericShape(NAME, inputs);
  checkWidth(input, state.min.length);
  return input;
}

export function emitOnnx(ctx: OnnxEmitContext, inputs: OnnxValue[], state: MinmaxState): string {
  const filled = emitFillNaN(ctx, inputs[0]!, state.fill);
  const shifted = ctx.node("Sub", [filled, rowConstant(ctx, state.min)]);
  return ctx.node("Div", [shifted, rowConstant(ctx, state.scale)]);
}
