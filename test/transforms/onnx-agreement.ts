/**
 * Test support: fit a pipeline in JS, apply it in JS, run the exported feature
 * graph in onnxruntime on the same rows, and compare. Sessions are always released.
 */
import * as ort from "onnxruntime-node";
import { expect } from "vitest";
import { applyPipeline, fitPipeline, type FeatureDef, type PipelineOutput, type RawColumn, type RawData } from "../../runtime/features/pipeline.js";
import { encodeOnnxInputs } from "../../runtime/export/onnx-inputs.js";
import { exportFeaturesOnnx, indexOutputName } from "../../runtime/export/onnx.js";
import type { FittedPipeline } from "../../runtime/features/pipeline.js";

export type Feeds = Record<string, ort.Tensor>;

export function toOrtFeeds(columns: RawColumn[], data: RawData): Feeds {
  const feeds: Feeds = {};
  for (const [name, t] of Object.entries(encodeOnnxInputs(columns, data))) {
    feeds[name] = t.type === "string" ? new ort.Tensor("string", t.data, t.dims) : new ort.Tensor("float32", t.data, t.dims);
  }
  return feeds;
}

/** Runs a model once and releases the session whatever happens. */
export async function runOnnx(bytes: Uint8Array, feeds: Feeds): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const used: Feeds = {};
    for (const name of session.inputNames) used[name] = feeds[name]!;
    return await session.run(used);
  } finally {
    await session.release();
  }
}

/** |a - b| ≤ tol · max(1, |a|), elementwise; NaN never matches. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (a !== e && !(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) {
      throw new Error(`element ${i}: onnxruntime ${a} vs JS ${e}`);
    }
  }
}

export interface Agreement {
  fitted: FittedPipeline;
  js: PipelineOutput;
  onnx: Record<string, ort.Tensor>;
}

/** Fits on `train`, then checks JS and onnxruntime agree on `rows` (default: the training rows). */
export async function checkAgreement(
  defs: FeatureDef[],
  columns: RawColumn[],
  train: RawData,
  rows: RawData = train,
): Promise<Agreement> {
  const fitted = fitPipeline(defs, columns, train);
  // the fitted pipeline is an artifact: it must survive JSON unchanged
  expect(JSON.parse(JSON.stringify(fitted))).toEqual(fitted);
  const js = applyPipeline(fitted, rows);
  const onnx = await runOnnx(exportFeaturesOnnx({ pipeline: fitted, columns }), toOrtFeeds(fitted.columns, rows));
  for (const value of js.numeric) expect(Number.isNaN(value)).toBe(false);
  if (fitted.width > 0) {
    const features = onnx.features!;
    expect(features.dims).toEqual([js.rows, fitted.width]);
    expectClose(features.data as Float32Array, js.numeric);
  }
  for (const [name, indices] of Object.entries(js.indices)) {
    const tensor = onnx[indexOutputName(name)]!;
    expect(Array.from(tensor.data as BigInt64Array, Number)).toEqual(Array.from(indices));
  }
  return { fitted, js, onnx };
}
