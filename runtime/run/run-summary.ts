/** What `mlspec run` reports when it is done: per dataset its counts, per model its outcome. */
import type { TaskSpec } from "../../compiler/plan/schema.js";
import type { Part } from "./features-view.js";

export interface ModelOutcome {
  model: string;
  runId: number;
  task: TaskSpec;
  metrics: Record<string, number>;
  gate: { passed: boolean; reasons: string[] };
  version?: number;
  status?: "registered" | "rejected";
  alias?: string;
  onnxSha?: string;
  cached: boolean;
  epochs?: number;
  trainMs: number;
  /** The task's trivial baseline on the same test split (runtime/run/baseline.ts). */
  baseline?: { metrics: Record<string, number>; metric: string; beats: boolean | undefined };
}

export interface DatasetOutcome {
  name: string;
  read: number;
  accepted: number;
  quarantined: number;
  quarantinePath?: string;
  dataHash: string;
  split?: Record<Part, number>;
}

export interface RunSummary {
  specHash: string;
  backend: string;
  datasets: DatasetOutcome[];
  models: ModelOutcome[];
}

/** The public part of a model's state (the summary carries no weights or internal flags). */
export function outcomeOf(m: ModelOutcome): ModelOutcome {
  return {
    model: m.model,
    runId: m.runId,
    task: m.task,
    metrics: m.metrics,
    gate: m.gate,
    ...(m.version !== undefined ? { version: m.version } : {}),
    ...(m.status !== undefined ? { status: m.status } : {}),
    ...(m.alias !== undefined ? { alias: m.alias } : {}),
    ...(m.onnxSha !== undefined ? { onnxSha: m.onnxSha } : {}),
    cached: m.cached,
    ...(m.epochs !== undefined ? { epochs: m.epochs } : {}),
    trainMs: m.trainMs,
    ...(m.baseline !== undefined ? { baseline: m.baseline } : {}),
  };
}
