/**
 * Shared pieces of the numeric transforms: reading a numeric input, the
 * per-column training mean that stands in for a missing value, and the same
 * replacement in ONNX.
 *
 * Missing numeric values travel as NaN. Every numeric transform first replaces
 * NaN in column j by `fill[j]`, the float32 mean of that column's finite
 * training values (0 when it had none). So a pipeline that never imputes still
 * gives a defined output: standardize maps a missing value to 0 (the mean),
 * minmax to the mean's position in [0, 1], and so on.
 */
import {
  TransformError,
  type OnnxEmitContext,
  type OnnxValue,
  type StageValue,
  type ValueShape,
} from "../transform-module.js";

export const f32 = Math.fround;

/** A float32 number fit for a fitted state: -0 becomes 0 (JSON cannot keep the sign). */
export function stateNumber(x: number): number {
  return f32(x) + 0;
}

/**
 * A divisor learned from data (std, range): below 1e-30 the column is constant
 * for float32 purposes and dividing would blow up (or meet denormals), so use 1.
 */
export function usableScale(scale: number): number {
  const s = f32(scale);
  return s > 1e-30 && Number.isFinite(s) ? s : 1;
}

export type NumericValue = Extract<StageValue, { kind: "numeric" }>;
export type NumericShape = Extract<ValueShape, { kind: "numeric" }>;

/** The single numeric input of an elementwise transform. */
export function numericInput(transform: string, inputs: StageValue[]): NumericValue {
  const input = singleInput(transform, inputs);
  if (input.kind !== "numeric") {
    throw new TransformError(transform, `needs a numeric input, got ${input.kind} values`);
  }
  return input;
}

export function numericShape(transform: string, inputs: ValueShape[]): NumericShape {
  const input = singleInput(transform, inputs);
  if (input.kind !== "numeric") {
    throw new TransformError(transform, `needs a numeric input, got ${input.kind} values`);
  }
  return input;
}

export function singleInput<T>(transform: string, inputs: T[]): T {
  if (inputs.length !== 1) throw new TransformError(transform, `takes one input, got ${inputs.length}`);
  return inputs[0]!;
}

/** Finite values of column `column`, as doubles. */
export function finiteColumn(value: NumericValue, column: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < value.rows; r++) {
    const v = value.data[r * value.width + column]!;
    if (Number.isFinite(v)) out.push(v);
  }
  return out;
}

export function mean(values: number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length ? sum / values.length : 0;
}

/** Per-column float32 means of finite training values: the stand-in for NaN. */
export function fitFill(value: NumericValue): number[] {
  const fill: number[] = [];
  for (let c = 0; c < value.width; c++) fill.push(stateNumber(mean(finiteColumn(value, c))));
  return fill;
}

/** Applies `f(x, column)` to every cell after replacing NaN by the column's fill. */
export function mapCells(
  value: NumericValue,
  fill: number[],
  f: (x: number, column: number) => number,
): NumericValue {
  checkWidth(value, fill.length);
  const out = new Float32Array(value.data.length);
  const { width } = value;
  for (let i = 0; i < out.length; i++) {
    const c = i % width;
    const x = value.data[i]!;
    out[i] = f(Number.isNaN(x) ? fill[c]! : x, c);
  }
  return { kind: "numeric", width, labels: value.labels, rows: value.rows, data: out };
}

export function checkWidth(value: { width: number }, fitted: number): void {
  if (value.width !== fitted) {
    throw new TransformError("pipeline", `input has ${value.width} columns but the transform was fitted on ${fitted}`);
  }
}

/** ONNX: Where(IsNaN(x), fill, x), fill broadcast as [1, width]. */
export function emitFillNaN(ctx: OnnxEmitContext, input: OnnxValue, fill: number[]): string {
  const isNaN = ctx.node("IsNaN", [input.name]);
  return ctx.node("Where", [isNaN, ctx.floats(fill, [1, fill.length]), input.name]);
}

/** A float32 [1, width] constant from per-column values. */
export function rowConstant(ctx: OnnxEmitContext, values: number[]): string {
  return ctx.floats(values, [1, values.length]);
}
