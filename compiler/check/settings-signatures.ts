/**
 * Parameters of the language's own setting calls (not built-ins): `http(...)`,
 * `batching(...)`, `early_stop(...)`, `columns(...)` (spec/language.md#blocks).
 */
import type { ParamSig } from "../../stdlib/signature.js";

/** The longest delay a Node timer keeps (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
const LONGEST_TIMER_MS = 2_147_483_647;

export const settingCalls: Record<string, ParamSig[]> = {
  http: [
    { name: "port", type: "int", default: 8080, min: 0, max: 65535, doc: "TCP port" },
    { name: "host", type: "string", default: "127.0.0.1", doc: "address to listen on" },
    { name: "body_limit", type: "int", default: 1048576, min: 1, doc: "largest request body in bytes" },
  ],
  batching: [
    { name: "max_batch", type: "int", min: 1, doc: "most rows merged into one model run" },
    { name: "max_wait", type: "duration", min: 0, max: LONGEST_TIMER_MS, doc: "longest a request waits for others to join its batch" },
  ],
  early_stop: [
    { name: "metric", type: "metric", doc: "validation metric watched, e.g. val.auc or val.loss" },
    { name: "patience", type: "int", default: 3, min: 1, doc: "epochs without improvement before stopping" },
    { name: "min_delta", type: "float", default: 0, min: 0, doc: "smallest change that counts as improvement" },
  ],
  columns: [
    { name: "dataset", type: "symbol", doc: "the dataset whose columns are the inputs" },
    { name: "except", type: { list: "column" }, optional: true, doc: "columns left out" },
  ],
  alert: [
    { name: "channel", type: { oneOf: ["log", "webhook", "file"] }, default: "log", doc: "where alerts go" },
    { name: "target", type: "string", optional: true, doc: "webhook URL or file path" },
  ],
};

/** Settings assigned with `=` in each block, and their types (spec/language.md#blocks). */
export const blockSettings: Record<string, Record<string, ParamSig>> = {
  dataset: {
    source: { name: "source", type: "string", doc: "csv(...), jsonl(...) or parquet(...)" },
    label: { name: "label", type: "column", optional: true, doc: "the label column" },
    split: { name: "split", type: "string", optional: true, doc: "holdout(...)" },
  },
  model: {
    task: { name: "task", type: "string", doc: "binary_classification(...), regression(...), …" },
    inputs: { name: "inputs", type: "symbol", doc: "a features block, or columns(dataset, except = [...])" },
    arch: { name: "arch", type: "string", optional: true, doc: "linear(...), mlp(...), wide_deep(...), matrix_factorization(...)" },
    metrics: { name: "metrics", type: { list: "metric" }, optional: true, doc: "metrics computed on validation and test" },
    import: { name: "import", type: "string", optional: true, doc: "onnx(...) or xgboost(...)" },
  },
  train: {
    optimizer: { name: "optimizer", type: "string", optional: true, doc: "adam(...), sgd(...), rmsprop(...)" },
    epochs: { name: "epochs", type: "int", default: 10, min: 1, tunable: true, doc: "passes over the training split" },
    batch: { name: "batch", type: "int", default: 256, min: 1, tunable: true, doc: "rows per gradient step" },
    seed: { name: "seed", type: "int", default: 0, doc: "seed of weight init and shuffling" },
  },
  search: {
    sampler: { name: "sampler", type: "string", doc: "tpe(...), random(...) or grid(...)" },
    objective: { name: "objective", type: "string", doc: "maximize val.METRIC or minimize val.METRIC" },
    prune: { name: "prune", type: "string", optional: true, doc: "median(...) or asha(...)" },
  },
  serve: {
    model: { name: "model", type: "model_ref", doc: "the model served, e.g. churn_mlp@champion" },
    fallback: { name: "fallback", type: "model_ref", optional: true, doc: "answers when the primary errs or times out" },
    timeout: { name: "timeout", type: "duration", default: 1000, max: LONGEST_TIMER_MS, doc: "per-request deadline" },
    allow_arm_header: { name: "allow_arm_header", type: "bool", default: false, doc: "a request may pin its arm with the x-mlspec-arm header (for testing a rollout)" },
  },
  rollout: {
    on_fail: { name: "on_fail", type: { oneOf: ["rollback", "pause"] }, default: "rollback", doc: "what a failed guard does" },
    on_success: { name: "on_success", type: { oneOf: ["promote", "hold"] }, default: "promote", doc: "what passing every step does" },
  },
  monitor: {
    schedule: { name: "schedule", type: "duration", default: 300000, doc: "how often monitoring runs" },
  },
};

/**
 * Which nested blocks, calls and statement kinds each block allows. `callsFrom`
 * names a registry whose built-ins are calls too (a rollout's strategies), so a
 * new one is listed in stdlib only.
 */
export const blockShape: Record<
  string,
  { nested: string[]; calls: string[]; callsFrom?: "rolloutStrategies"; conditions: boolean; samples: boolean; requires: boolean; retrain: boolean; anyAssign?: boolean }
> = {
  dataset: { nested: ["contract"], calls: [], conditions: false, samples: false, requires: false, retrain: false },
  features: { nested: [], calls: [], conditions: false, samples: false, requires: false, retrain: false, anyAssign: true },
  model: { nested: ["train"], calls: [], conditions: false, samples: false, requires: true, retrain: false },
  search: { nested: [], calls: [], conditions: false, samples: true, requires: false, retrain: false },
  serve: { nested: ["slo"], calls: ["http", "batching"], conditions: false, samples: false, requires: false, retrain: false },
  rollout: { nested: ["guard"], calls: [], callsFrom: "rolloutStrategies", conditions: false, samples: false, requires: false, retrain: false },
  monitor: { nested: [], calls: ["drift", "performance", "alert"], conditions: false, samples: false, requires: false, retrain: true },
};

/** Serving measurements a guard or SLO may name, and their units. */
export const servingMetrics: Record<string, "duration" | "percent"> = {
  p50_latency: "duration",
  p95_latency: "duration",
  p99_latency: "duration",
  error_rate: "percent",
  fallback_rate: "percent",
  timeout_rate: "percent",
};
