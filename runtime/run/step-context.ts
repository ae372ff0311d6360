/**
 * The one interface of a run step (runtime/run/step-table.ts lists them):
 * `run(step, context)` reads what earlier steps made through the context and
 * returns what it made — a dataset, a fitted features block or a model — for
 * the steps after it. Steps never import each other.
 */
import type { Plan, SplitSpec, StepKind, StepOf, TaskSpec } from "../../compiler/plan/schema.js";
import type { ValidationResult } from "../data/contract.js";
import type { TypedColumnArrays } from "../data/load.js";
import type { DataSplit } from "../data/split.js";
import type { Network } from "../../core/network.js";
import type { Workspace } from "../workspace/workspace.js";
import type { FeaturesView, Part } from "./features-view.js";
import type { Reporter } from "./reporter.js";
import type { ModelOutcome } from "./run-summary.js";

/** A validated dataset; split adds its parts, profile its profile. */
export interface DatasetState {
  name: string;
  validation: ValidationResult;
  /** Where this run's quarantined rows went. */
  quarantinePath: string;
  profileSha?: string;
  split?: DataSplit;
  /** The plan's split settings (the monitoring reference samples with their seed). */
  splitSpec?: SplitSpec;
  parts?: Record<Part, TypedColumnArrays>;
}

/** A model trained elsewhere, as the import_model step converted and checked it. */
export interface ImportedModel {
  format: "xgboost" | "onnx";
  /** Where it came from: shown by `mlspec models show` and kept in the ONNX metadata. */
  lineage: Record<string, string>;
  /** What onnxruntime computes on each split, row-major [rows, outputs] (train: for the monitoring reference). */
  predictions: Record<"train" | "validation" | "test", Float32Array>;
  /** The graph to store; like a trained model's, it holds no version number (the registry assigns it). */
  artifact: Uint8Array;
  /** One line on how the graph was checked, for the export step's report. */
  checked: string;
}

/** A trained model holds its network; an imported one its graph and predictions instead. */
export interface ModelState extends ModelOutcome {
  network?: Network;
  networkSha?: string;
  imported?: ImportedModel;
  features: string;
  classes?: string[];
  params: Record<string, unknown>;
}

/** What a step made, for the steps after it; each kept under its name. */
export interface StepOutput {
  dataset?: DatasetState;
  features?: FeaturesView;
  model?: ModelState;
}

export interface Labels {
  classes?: string[];
  train: Float32Array;
  validation: Float32Array;
  test: Float32Array;
}

export interface StepContext {
  plan: Plan;
  ws: Workspace;
  reporter: Reporter;
  /** The spec's folder: relative paths in the plan resolve against it. */
  projectDir: string;
  /** `--allow-read DIR`: directories data may be read from besides the project (absolute). */
  allowRead: readonly string[];
  /** Tag of this invocation, used in quarantine file names. */
  runTag: string;
  backend: string;
  resume: boolean;
  useCache: boolean;
  /** `--parallel N`: trials at once, even beyond the cores. */
  parallelOverride?: number;
  /** Monotonic milliseconds for search time budgets; default performance.now. */
  clock?: () => number;
  dataset(name: string): DatasetState;
  features(name: string): FeaturesView;
  model(name: string): ModelState;
  dataHash(dataset: string): string;
  /** The task's labels on each split, encoded as the trainer fits them. */
  labels(task: TaskSpec, f: FeaturesView): Labels;
}

export interface StepRunner<K extends StepKind> {
  run(step: StepOf<K>, ctx: StepContext): Promise<StepOutput>;
}
