/**
 * The contract every built-in transform implements: a typed signature for the
 * checker, a JS fit/apply for training, and an ONNX emission for serving. The
 * JS apply and the ONNX emission must agree number for number, so numeric
 * values are float32 throughout and JS applies rounding after each operation
 * exactly where the ONNX graph does.
 *
 * This file holds types only: loading it (or a transform) never loads
 * onnx-proto or onnxruntime. The ONNX graph is built through `OnnxEmitContext`,
 * implemented by runtime/export (types in core/onnx-emit.ts).
 */
import type { TransformSig } from "../signature.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Named arguments of one pipeline stage, as written in the spec (positional ones already named). */
export type TransformArgs = Record<string, JsonValue>;

/** The shape of what flows between stages. */
export type ValueShape =
  /** float32 matrix [rows, width]; labels name the columns when width > 1 (onehot: the categories) */
  | { kind: "numeric"; width: number; labels?: string[] }
  /** one string per row (raw string/enum columns, or impute on them); null is "" */
  | { kind: "string" }
  /** an integer id in [0, cardinality) for an embedding; the last id is "unknown" */
  | { kind: "index"; cardinality: number };

/** A value in JS: the shape plus the rows. */
export type StageValue =
  | { kind: "numeric"; width: number; labels?: string[]; rows: number; data: Float32Array }
  | { kind: "string"; rows: number; data: string[] }
  | { kind: "index"; cardinality: number; rows: number; data: Int32Array };

/**
 * A value in the ONNX graph: the tensor's name and its shape. numeric → tensor(float)
 * [N, width]; string → tensor(string) [N, 1]; index → tensor(int64) [N, 1].
 */
export interface OnnxValue {
  name: string;
  shape: ValueShape;
}

export type { OnnxAttribute, OnnxDomain, OnnxElementType, OnnxEmitContext } from "../../core/onnx-emit.js";
import type { OnnxEmitContext } from "../../core/onnx-emit.js";

/**
 * One built-in transform. State is whatever fit learned; it must survive
 * JSON.stringify/parse unchanged (no NaN, Infinity or typed arrays).
 */
export interface TransformModule<State = unknown> {
  signature: TransformSig;
  /** Learns the state from training rows only. */
  fit(inputs: StageValue[], args: TransformArgs): State;
  /** Transforms any rows with a fitted state. */
  apply(inputs: StageValue[], state: State, args: TransformArgs): StageValue;
  /** The shape apply produces, without any rows (for the exporter and feature names). */
  outputShape(inputs: ValueShape[], state: State, args: TransformArgs): ValueShape;
  /** Adds the ONNX nodes that compute apply; returns the output tensor's name. */
  emitOnnx(ctx: OnnxEmitContext, inputs: OnnxValue[], state: State, args: TransformArgs): string;
}

/** A transform used wrongly: bad arguments, wrong input kind, or a broken fitted state. */
export class TransformError extends Error {
  constructor(
    readonly transform: string,
    message: string,
  ) {
    super(`${transform}: ${message}`);
    this.name = "TransformError";
  }
}
