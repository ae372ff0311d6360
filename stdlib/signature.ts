/**
 * Typed signatures of built-ins. The checker reads these; the runtime reads the
 * implementation that sits beside each signature. Loading a signature must never
 * load tfjs, onnxruntime or DuckDB.
 */

/** Column types as declared in a dataset contract (spec/language.md#types). */
export type ColumnType =
  | { kind: "int" }
  | { kind: "float" }
  | { kind: "bool" }
  | { kind: "string" }
  | { kind: "enum"; values: string[] }
  | { kind: "timestamp" };

export type ColumnKind = ColumnType["kind"];

/** Kinds of value a built-in parameter accepts (spec/language.md#types-and-units). */
export type ParamType =
  | "int" // a count: 3, 256
  | "float" // any number: 0.1, 1e-3
  | "percent" // 5%, 100%
  | "duration" // 250ms, 10m, 1d
  | "bool"
  | "string"
  | "column" // a column of the dataset in scope
  | "metric" // a metric name, possibly qualified (val.auc)
  | "model_ref" // model@alias
  | "symbol" // a bare word from `symbols`
  | { list: ParamType }
  | { oneOf: string[] }; // bare words

export interface ParamSig {
  name: string;
  type: ParamType;
  /** Absent means required unless `optional` is set. */
  default?: unknown;
  optional?: boolean;
  /** May a search block tune it? */
  tunable?: boolean;
  doc: string;
  /** Inclusive numeric bounds the checker enforces on literals. */
  min?: number;
  max?: number;
}

export type TaskKind = "binary" | "multiclass" | "regression" | "recommendation";

/** What a transform produces, so the checker can type the next stage of a pipeline. */
export type FeatureValue =
  | { kind: "numeric"; width: number | "fit" } // width "fit": known only after fitting (onehot)
  | { kind: "index"; cardinality: number | "fit" } // an integer id for an embedding
  | { kind: "same" }; // same type as the input (impute on a string column)

export interface TransformSig {
  kind: "transform";
  name: string;
  /** Input column kinds accepted; "numeric" means int or float; "any" everything. */
  accepts: Array<ColumnKind | "numeric" | "any">;
  /** Number of column inputs: 1, or "many" for cross. */
  arity: 1 | "many";
  params: ParamSig[];
  output: FeatureValue;
  doc: string;
}

export interface ArchSig {
  kind: "arch";
  name: string;
  tasks: TaskKind[];
  params: ParamSig[];
  doc: string;
}

export interface OptimizerSig {
  kind: "optimizer";
  name: string;
  params: ParamSig[];
  doc: string;
}

export interface MetricSig {
  kind: "metric";
  name: string;
  tasks: TaskKind[];
  direction: "maximize" | "minimize";
  /** Metrics such as ndcg@k take k. */
  takesK?: boolean;
  doc: string;
}

export interface DistributionSig {
  kind: "distribution";
  name: string;
  /** Which hyperparameter types it can produce. */
  produces: Array<"int" | "float" | "any">;
  params: ParamSig[];
  doc: string;
}

export interface DriftTestSig {
  kind: "drift_test";
  name: string;
  /** Column kinds it can compare. */
  accepts: Array<"numeric" | "categorical">;
  /** psi/js/wasserstein give a distance (threshold); ks/chi2 a p-value; auto either, per column. */
  yields: "distance" | "p_value" | "chosen";
  doc: string;
}

export interface RolloutStrategySig {
  kind: "rollout_strategy";
  name: string;
  params: ParamSig[];
  doc: string;
}

export type BuiltinSig =
  | TransformSig
  | ArchSig
  | OptimizerSig
  | MetricSig
  | DistributionSig
  | DriftTestSig
  | RolloutStrategySig;

/** A task: what the model predicts and which label types fit it. */
export interface TaskSig {
  kind: "task";
  name: string;
  task: TaskKind;
  params: ParamSig[];
  /** Column kinds the target may have; "two_valued_enum" is an enum with exactly two values. */
  targetKinds: Array<ColumnKind | "two_valued_enum">;
  doc: string;
}

/** Settings-style calls whose only contract is their parameters (sources, splits, samplers…). */
export interface CallSig {
  kind: "source" | "split" | "sampler" | "pruner" | "import_format" | "setting";
  name: string;
  params: ParamSig[];
  doc: string;
}
