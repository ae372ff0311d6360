/**
 * Integer positions → one-hot float rows, in JS and in ONNX (Equal against a
 * [1, width] range, then Cast). Shared by onehot, bucketize, hash and cross.
 */
import type { OnnxEmitContext, StageValue } from "../transform-module.js";
import { ONNX_FLOAT } from "./categorical-input.js";

export function oneHotRows(positions: ArrayLike<number>, width: number, labels: string[]): StageValue {
  const rows = positions.length;
  const data = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) data[r * width + positions[r]!] = 1;
  return { kind: "numeric", width, labels, rows, data };
}

/** `positions` is tensor(int64) [N, 1] with values in [0, width). */
export function emitOneHot(ctx: OnnxEmitContext, positions: string, width: number): string {
  const range = ctx.int64s(
    Array.from({ length: width }, (_, i) => i),
    [1, width],
  );
  return ctx.node("Cast", [ctx.node("Equal", [positions, range])], { to: { int: ONNX_FLOAT } });
}
