/**
 * How a built-in adds ONNX nodes to the graph under construction (transforms,
 * network shapes). Types only: runtime/export implements the context, so loading
 * a built-in never loads onnx-proto.
 */

export type OnnxAttribute =
  | { int: number }
  | { float: number }
  | { string: string }
  | { ints: number[] }
  | { floats: number[] }
  | { strings: string[] };

export type OnnxDomain = "" | "ai.onnx.ml" | "com.microsoft";

export type OnnxElementType = "float" | "int64" | "int32" | "uint32" | "string" | "bool";

/** What a transform may do to the graph under construction. */
export interface OnnxEmitContext {
  /** Adds one node and returns the name of its (single) output. */
  node(
    opType: string,
    inputs: string[],
    attributes?: Record<string, OnnxAttribute>,
    domain?: OnnxDomain,
  ): string;
  /** An initializer of float32 values. */
  floats(values: ArrayLike<number>, dims: number[]): string;
  /** An initializer of int64 values. */
  int64s(values: ArrayLike<number>, dims: number[]): string;
  /** An initializer of strings. */
  strings(values: string[], dims: number[]): string;
}
