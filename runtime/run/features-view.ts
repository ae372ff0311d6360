/** A fitted features block as the steps after fit_features read it. */
import type { FeatureDef, StepOf, TaskSpec } from "../../compiler/plan/schema.js";
import type { TypedColumnArrays } from "../data/load.js";
import type { FittedPipeline, PipelineOutput } from "../features/pipeline.js";
import { RunError, EXIT } from "./errors.js";

export type Part = "train" | "validation" | "test";
export const PARTS: readonly Part[] = ["train", "validation", "test"];

/** A fitted feature block: its pipeline, and its raw and transformed splits. */
export interface FeaturesView {
  /** The features block (or `MODEL.columns`). */
  name: string;
  dataset: string;
  /** The dataset's raw columns, as the fit_features step declares them (the input schema). */
  columns: StepOf<"fit_features">["params"]["columns"];
  /** The features' definitions, as the fit_features step gives them. */
  definitions: FeatureDef[];
  pipeline: FittedPipeline;
  pipelineSha: string;
  outputs: Record<Part, PipelineOutput>;
  raw: Record<Part, TypedColumnArrays>;
}

/** Which index features carry the user and item ids of a recommendation task. */
export function indexInputs(task: TaskSpec, f: FeaturesView): { user: string; item: string } | undefined {
  if (task.kind !== "recommendation") return undefined;
  const byInput = (col: string | undefined) => f.pipeline.indexFeatures.find((ix) => f.pipeline.features.find((ff) => ff.name === ix.name)?.inputs[0] === col)?.name;
  const user = byInput(task.user) ?? f.pipeline.indexFeatures[0]?.name;
  const item = byInput(task.item) ?? f.pipeline.indexFeatures[1]?.name;
  if (!user || !item) {
    throw new RunError(`a recommendation model needs two index features (embed_index of the user and item columns)`, EXIT.trainingFailed);
  }
  return { user, item };
}
