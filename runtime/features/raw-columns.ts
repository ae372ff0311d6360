/**
 * Raw dataset columns as the first pipeline stage sees them. The same
 * conversion feeds the ONNX graph (runtime/export/onnx-inputs.ts), so training
 * and serving read a raw value identically:
 * - int, float, bool → float32 (true = 1, false = 0), null → NaN;
 * - string, enum → string, null → "", cut at the first NUL character
 *   (onnxruntime-node passes strings to the graph as C strings).
 */
import type { ColumnType } from "../../stdlib/signature.js";
import type { StageValue } from "../../stdlib/transforms/transform-module.js";

export type RawValue = number | string | boolean | null | undefined;
export type RawData = Record<string, ArrayLike<RawValue>>;

export interface RawColumn {
  name: string;
  type: ColumnType;
}

/** Bad data or a pipeline that does not fit the data. */
export class PipelineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PipelineError";
  }
}

export type RawTensorKind = "float" | "string";

/** The graph input type of a column, or an error for types no transform reads. */
export function rawTensorKind(column: RawColumn): RawTensorKind {
  switch (column.type.kind) {
    case "int":
    case "float":
    case "bool":
      return "float";
    case "string":
    case "enum":
      return "string";
    case "timestamp":
      throw new PipelineError(`column \`${column.name}\` is a timestamp; no feature transform reads timestamps yet`);
  }
}

export function numericCell(column: string, value: RawValue, row: number): number {
  if (value === null || value === undefined) return NaN;
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  throw new PipelineError(`column \`${column}\` row ${row}: expected a number, got the string ${JSON.stringify(value)}`);
}

export function stringCell(value: RawValue): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : String(value);
  const nul = text.indexOf("\u0000");
  return nul < 0 ? text : text.slice(0, nul);
}

export function columnValues(data: RawData, name: string): ArrayLike<RawValue> {
  const values = data[name];
  if (values === undefined) throw new PipelineError(`the data has no column \`${name}\``);
  return values;
}

/** Number of rows, checking that the named columns agree. */
export function rowCount(data: RawData, names: string[]): number {
  let rows: number | undefined;
  for (const name of names) {
    const n = columnValues(data, name).length;
    if (rows !== undefined && n !== rows) {
      throw new PipelineError(`column \`${name}\` has ${n} rows but \`${names[0]}\` has ${rows}`);
    }
    rows = n;
  }
  return rows ?? 0;
}

export function rawStageValue(column: RawColumn, data: RawData): StageValue {
  const values = columnValues(data, column.name);
  const rows = values.length;
  if (rawTensorKind(column) === "string") {
    const out = new Array<string>(rows);
    for (let i = 0; i < rows; i++) out[i] = stringCell(values[i]);
    return { kind: "string", rows, data: out };
  }
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = numericCell(column.name, values[i], i);
  return { kind: "numeric", width: 1, rows, data: out };
}
