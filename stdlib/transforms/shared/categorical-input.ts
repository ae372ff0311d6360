/**
 * Categorical inputs (onehot, hash, cross, embed_index) take either strings or
 * numbers. Numbers are category codes: they are truncated to int32 so that JS
 * and the ONNX graph (Cast float → int) see the same key. A missing number
 * (NaN) becomes NULL_CODE; a missing string is "".
 */
import { TransformError, type OnnxEmitContext, type OnnxValue, type StageValue, type ValueShape } from "../transform-module.js";
import { f32 } from "./numeric-input.js";

/** The code a missing numeric category gets (int32 minimum). */
export const NULL_CODE = -2147483648;
/** Largest float32 below 2^31: the highest code a float input can carry. */
const MAX_CODE = 2147483520;

export type CategoricalKeys = { kind: "string"; keys: string[] } | { kind: "int"; keys: Int32Array };

/** The int32 code of a numeric category value, exactly as the ONNX graph computes it. */
export function categoryCode(x: number): number {
  if (Number.isNaN(x)) return NULL_CODE;
  return Math.trunc(Math.min(Math.max(f32(x), NULL_CODE), MAX_CODE));
}

export function categoricalShape(transform: string, shape: ValueShape): "string" | "int" {
  if (shape.kind === "string") return "string";
  if (shape.kind === "numeric" && shape.width === 1) return "int";
  throw new TransformError(
    transform,
    shape.kind === "numeric"
      ? `needs one categorical column, got ${shape.width} numeric columns`
      : `needs a categorical input (string, enum, int or bool), got ${shape.kind} values`,
  );
}

export function categoricalKeys(transform: string, value: StageValue): CategoricalKeys {
  const kind = categoricalShape(transform, value);
  if (kind === "string") return { kind, keys: value.data as string[] };
  const keys = new Int32Array(value.rows);
  const data = value.data as Float32Array;
  for (let i = 0; i < keys.length; i++) keys[i] = categoryCode(data[i]!);
  return { kind, keys };
}

/**
 * ONNX: the categorical input as tensor(string) unchanged, or a float input as
 * tensor(int32|int64) codes: NaN → NULL_CODE, clipped to the int32 range, truncated.
 */
export function emitCategoryCodes(ctx: OnnxEmitContext, input: OnnxValue, to: "int32" | "int64"): string {
  const isNaN = ctx.node("IsNaN", [input.name]);
  const filled = ctx.node("Where", [isNaN, ctx.floats([NULL_CODE], [1, 1]), input.name]);
  const clipped = ctx.node("Clip", [filled, ctx.floats([NULL_CODE], []), ctx.floats([MAX_CODE], [])]);
  return ctx.node("Cast", [clipped], { to: { int: to === "int32" ? ONNX_INT32 : ONNX_INT64 } });
}

/** TensorProto.DataType codes used with Cast. */
export const ONNX_FLOAT = 1;
export const ONNX_INT32 = 6;
export const ONNX_INT64 = 7;
export const ONNX_BOOL = 9;
