/**
 * Imported ONNX models wrapped into mlspec's signature: per-column and single
 * [N, F] inputs, a ZipMap dropped for the probabilities under it, a double
 * score cast; onnxruntime gives the model's own outputs (numpy's, saved by
 * generate.py). Malformed files are refused with the reason.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { onnxSignature, readOnnxModel, wrapOnnxModel, type OnnxImportTask } from "../../runtime/import/onnx-import.js";
import { ImportError } from "../../stdlib/imports/import-error.js";
import { encodeOnnxInputs } from "../../runtime/export/onnx-inputs.js";
import type { RawColumn } from "../../runtime/features/raw-columns.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

function table(name: string): { columns: RawColumn[]; data: Record<string, number[]>; expected: Array<number | number[]> } {
  const [header, ...lines] = fs.readFileSync(path.join(FIXTURES, `${name}.csv`), "utf8").trim().split("\n");
  const names = header!.split(",").slice(0, -1);
  const data = Object.fromEntries(names.map((n, j) => [n, lines.map((l) => Number(l.split(",")[j]))]));
  const expected = (JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.expected.json`), "utf8")) as { predict: Array<number | number[]> }).predict;
  return { columns: names.map((n) => ({ name: n, type: { kind: "float" } })), data, expected };
}

async function wrappedOutput(name: string, task: OnnxImportTask, classes?: string[]): Promise<{ got: Float32Array; want: number[]; inputs: string[] }> {
  const t = table(name);
  const wrapped = wrapOnnxModel({ model: readOnnxModel(fs.readFileSync(path.join(FIXTURES, `${name}.onnx`))), task, columns: t.columns, ...(classes ? { classes } : {}), metadata: {} });
  const session = await ort.InferenceSession.create(wrapped.bytes);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [n, x] of Object.entries(encodeOnnxInputs(wrapped.columns, t.data))) feeds[n] = new ort.Tensor(x.type, x.data, x.dims);
    const out = await session.run(feeds);
    return { got: out[wrapped.output]!.data as Float32Array, want: t.expected.flatMap((v) => (Array.isArray(v) ? v : [v])), inputs: [...session.inputNames] };
  } finally {
    await session.release();
  }
}

const maxDiff = (got: ArrayLike<number>, want: number[]) => {
  expect(got.length).toBe(want.length);
  return Math.max(...want.map((w, i) => Math.abs(got[i]! - w)));
};

describe("ONNX import", () => {
  it("binary, one [N, F] input, label + ZipMap: the positive class's probability", async () => {
    const { got, want, inputs } = await wrappedOutput("onnx-binary", "binary", ["false", "true"]);
    expect(inputs).toEqual(["a", "b", "c"]);
    expect(maxDiff(got, want)).toBeLessThanOrEqual(1e-5);
  });

  it("regression, one input per column (a double one cast), a double score", async () => {
    const { got, want, inputs } = await wrappedOutput("onnx-regression", "regression");
    expect(inputs).toEqual(["rooms", "age"]);
    expect(maxDiff(got, want)).toBeLessThanOrEqual(1e-5);
  });

  it("multiclass, probabilities beside a label, no ZipMap", async () => {
    const { got, want } = await wrappedOutput("onnx-multiclass", "multiclass", ["0", "1", "2"]);
    expect(maxDiff(got, want)).toBeLessThanOrEqual(1e-5);
  });

  it("reads the signature: inputs, outputs with dtypes and shapes, opset", () => {
    const sig = onnxSignature(readOnnxModel(fs.readFileSync(path.join(FIXTURES, "onnx-binary.onnx"))));
    expect(sig.inputs).toEqual([{ name: "float_input", type: "float", dims: [null, 3] }]);
    expect(sig.outputs.map((o) => [o.name, o.type])).toEqual([["output_label", "int64"], ["output_probability", "sequence"]]);
    expect(sig.opset).toBe(15);
  });

  it("refuses malformed files, inputs named for no column, and outputs that do not fit the task", () => {
    const bytes = fs.readFileSync(path.join(FIXTURES, "onnx-binary.onnx"));
    expect(() => readOnnxModel(bytes.subarray(0, bytes.length >> 1))).toThrow(ImportError);
    expect(() => readOnnxModel(Buffer.from("this is not protobuf at all"))).toThrow(/not an ONNX model/);
    const model = readOnnxModel(fs.readFileSync(path.join(FIXTURES, "onnx-regression.onnx")));
    const wrong: RawColumn[] = [{ name: "rooms", type: { kind: "float" } }, { name: "size", type: { kind: "float" } }];
    expect(() => wrapOnnxModel({ model, task: "regression", columns: wrong, metadata: {} })).toThrow(/input `age` is named for no column/);
    const strings: RawColumn[] = [{ name: "rooms", type: { kind: "string" } }, { name: "age", type: { kind: "float" } }];
    expect(() => wrapOnnxModel({ model, task: "regression", columns: strings, metadata: {} })).toThrow(/input `rooms` is float, but column `rooms` is a string/);
    const binary = readOnnxModel(bytes);
    const four: RawColumn[] = ["a", "b", "c", "d"].map((name) => ({ name, type: { kind: "float" } }));
    expect(() => wrapOnnxModel({ model: binary, task: "binary", columns: four, classes: ["false", "true"], metadata: {} })).toThrow(/has 3 features but the spec's inputs give 4/);
    const multi = readOnnxModel(fs.readFileSync(path.join(FIXTURES, "onnx-multiclass.onnx")));
    const uv: RawColumn[] = ["u", "v"].map((name) => ({ name, type: { kind: "float" } }));
    expect(() => wrapOnnxModel({ model: multi, task: "multiclass", columns: uv, classes: ["a", "b"], metadata: {} })).toThrow(/has 3 classes but the label has 2/);
  });
});
