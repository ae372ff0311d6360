/**
 * Raw rows → the exported graph's inputs, one [N, 1] tensor per column, with
 * the conversion the training pipeline used (runtime/features/raw-columns.ts).
 * Returns plain tensor descriptions so this file never loads onnxruntime; the
 * caller wraps each in `new ort.Tensor(type, data, dims)`.
 */
import {
  numericCell,
  rawTensorKind,
  rowCount,
  stringCell,
  columnValues,
  type RawColumn,
  type RawData,
} from "../features/raw-columns.js";

export type OnnxInputTensor =
  | { type: "float32"; data: Float32Array; dims: [number, 1] }
  | { type: "string"; data: string[]; dims: [number, 1] };

/** One entry of the `mlspec.input_schema` metadata. */
export interface InputSchemaEntry extends RawColumn {
  tensor: "float" | "string";
  shape: ["N", 1];
}

export function inputSchema(columns: RawColumn[]): InputSchemaEntry[] {
  return columns.map((c) => ({ name: c.name, type: c.type, tensor: rawTensorKind(c), shape: ["N", 1] }));
}

export function encodeOnnxInputs(columns: RawColumn[], data: RawData): Record<string, OnnxInputTensor> {
  const rows = rowCount(data, columns.map((c) => c.name));
  const feeds: Record<string, OnnxInputTensor> = {};
  for (const column of columns) {
    const values = columnValues(data, column.name);
    if (rawTensorKind(column) === "string") {
      const out = new Array<string>(rows);
      for (let i = 0; i < rows; i++) out[i] = stringCell(values[i]);
      feeds[column.name] = { type: "string", data: out, dims: [rows, 1] };
    } else {
      const out = new Float32Array(rows);
      for (let i = 0; i < rows; i++) out[i] = numericCell(column.name, values[i], i);
      feeds[column.name] = { type: "float32", data: out, dims: [rows, 1] };
    }
  }
  return feeds;
}
