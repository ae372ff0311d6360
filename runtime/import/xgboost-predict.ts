/**
 * The XGBoost model evaluated by walking its trees in TypeScript: the reference
 * the converted ONNX graph is checked against, and the baseline of
 * bench/import.ts. Sums in float32 as XGBoost does.
 */
import type { XgboostModel } from "../../stdlib/imports/xgboost-model.js";

/** Margins [rows, outputs] for a row-major float matrix [rows, numFeature]; NaN is missing. */
export function xgboostMargins(model: XgboostModel, x: Float32Array, rows: number): Float32Array {
  const k = model.outputs;
  const f = model.numFeature;
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    const sums = new Float32Array(k);
    const base = r * f;
    for (const t of model.trees) {
      let node = 0;
      while (t.left[node] !== -1) {
        const v = x[base + t.feature[node]!]!;
        node = Number.isNaN(v) ? (t.defaultLeft[node] ? t.left[node]! : t.right[node]!) : v < t.value[node]! ? t.left[node]! : t.right[node]!;
      }
      sums[t.group] = Math.fround(sums[t.group]! + t.value[node]!);
    }
    for (let j = 0; j < k; j++) out[r * k + j] = Math.fround(sums[j]! + Math.fround(model.baseMargin[j]!));
  }
  return out;
}

/** XGBoost's `predict` (probabilities for multi:softmax too): the link applied to the margins. */
export function xgboostPredict(model: XgboostModel, x: Float32Array, rows: number, link = model.link): Float32Array {
  const m = xgboostMargins(model, x, rows);
  const k = model.outputs;
  if (link === "identity") return m;
  if (link === "logistic") return m.map((v) => 1 / (1 + Math.exp(-v)));
  if (link === "exp") return m.map((v) => Math.exp(v));
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, m[r * k + j]!);
    let total = 0;
    for (let j = 0; j < k; j++) total += Math.exp(m[r * k + j]! - max);
    for (let j = 0; j < k; j++) out[r * k + j] = Math.exp(m[r * k + j]! - max) / total;
  }
  return out;
}
