/**
 * The monitoring reference stored with every model version (spec/language.md#drift-tests):
 * a seeded uniform sample of the training rows' input columns and the model's predictions
 * on them, so that drift tests compare samples (ks needs samples, not histograms).
 */
import type { TaskSpec } from "../../compiler/plan/schema.js";
import type { TypedColumnArrays, ColumnValue } from "../data/load.js";
import { Rng } from "../../core/rng.js";

export const REFERENCE_FORMAT = 1;
/** Training rows kept; all of them when there are fewer. */
export const REFERENCE_ROWS = 10_000;

/** What a logged answer's value is for prediction drift, per task. */
export type PredictionTrack =
  | { kind: "numeric"; what: "probability"; positive: string } // binary: the positive class's probability
  | { kind: "categorical"; what: "class" } // multiclass: the predicted class
  | { kind: "numeric"; what: "prediction" } // regression
  | { kind: "numeric"; what: "score" }; // recommendation

export interface MonitoringReference {
  format: typeof REFERENCE_FORMAT;
  model: string;
  version: number;
  seed: number;
  /** Training rows the sample was drawn from. */
  trainRows: number;
  /** The training data's profile artifact. */
  profileSha256: string | null;
  /** Input columns of the sample, row-aligned; missing values are null. */
  columns: Record<string, ColumnValue[]>;
  prediction: { track: PredictionTrack; values: Array<number | string> };
}

/** `size` distinct indices of [0, n) drawn uniformly (partial Fisher–Yates), in ascending order. */
export function sampleIndices(n: number, size: number, seed: number): number[] {
  const k = Math.min(n, size);
  const rng = new Rng(seed);
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k).sort((a, b) => a - b);
}

export function predictionTrack(task: TaskSpec, classes: string[] | undefined): PredictionTrack {
  switch (task.kind) {
    case "binary":
      return { kind: "numeric", what: "probability", positive: classes?.[1] ?? "true" };
    case "multiclass":
      return { kind: "categorical", what: "class" };
    case "regression":
      return { kind: "numeric", what: "prediction" };
    default:
      return { kind: "numeric", what: "score" };
  }
}

/** The monitored value of one network output row (`width` values per row). */
function predictionValue(track: PredictionTrack, outputs: Float32Array, row: number, width: number, classes: string[] | undefined): number | string {
  if (track.kind === "categorical") {
    let best = 0;
    for (let k = 1; k < width; k++) if (outputs[row * width + k]! > outputs[row * width + best]!) best = k;
    return classes?.[best] ?? String(best);
  }
  return outputs[row * width]!;
}

const finiteOrNull = (v: ColumnValue): ColumnValue => (typeof v === "number" && !Number.isFinite(v) ? null : v);

export function buildMonitoringReference(input: {
  model: string;
  version: number;
  task: TaskSpec;
  classes: string[] | undefined;
  seed: number;
  profileSha256: string | null;
  /** The training split's raw columns. */
  train: TypedColumnArrays;
  /** Input columns (the target is not one). */
  inputColumns: string[];
  /** The network's outputs on every training row. */
  outputs: Float32Array;
  size?: number;
}): MonitoringReference {
  const rows = input.train[input.inputColumns[0] ?? ""]?.length ?? input.outputs.length;
  const idx = sampleIndices(rows, input.size ?? REFERENCE_ROWS, input.seed);
  const width = rows > 0 ? Math.round(input.outputs.length / rows) : 1;
  const track = predictionTrack(input.task, input.classes);
  const columns: Record<string, ColumnValue[]> = {};
  for (const c of input.inputColumns) columns[c] = idx.map((i) => finiteOrNull(input.train[c]![i]!));
  return {
    format: REFERENCE_FORMAT,
    model: input.model,
    version: input.version,
    seed: input.seed,
    trainRows: rows,
    profileSha256: input.profileSha256,
    columns,
    prediction: { track, values: idx.map((i) => predictionValue(track, input.outputs, i, width, input.classes)) },
  };
}

/** The monitored value of a logged answer (serve's JSON: prediction, probabilities, score). */
export function loggedPredictionValue(track: PredictionTrack, output: unknown): number | string | null {
  if (typeof output !== "object" || output === null) return null;
  const o = output as { prediction?: unknown; probabilities?: Record<string, unknown>; score?: unknown };
  const v = track.what === "probability" ? o.probabilities?.[track.positive] : track.what === "class" ? o.prediction : track.what === "score" ? o.score : o.prediction;
  if (track.kind === "categorical") return v === undefined || v === null ? null : String(v);
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
