/**
 * Feature pipelines: each feature is a chain of transforms over raw columns,
 * fitted on training rows only and then applied unchanged to any rows. The
 * fitted pipeline is plain JSON (a versioned artifact); the ONNX exporter
 * turns the same object into graph nodes, so serving computes what training saw.
 *
 * Stage 1 takes the feature's raw column(s); stage k takes stage k-1's output,
 * and is fitted on stage k-1's output over the training rows.
 *
 * Missing values: numeric nulls travel as NaN and string nulls as "". Every
 * numeric transform replaces NaN by its input's training mean before working
 * (so standardize maps a missing value to 0, the mean); onehot and embed_index
 * put missing values in their unknown slot; hash and cross hash them like any
 * value. A feature with no stages passes a numeric column through with
 * missing values imputed by the training mean.
 */
import type { StageValue, TransformArgs, ValueShape } from "../../stdlib/transforms/transform-module.js";
import { TransformError } from "../../stdlib/transforms/transform-module.js";
import { transforms, type TransformModule } from "../../stdlib/transforms/index.js";
import {
  PipelineError,
  rawStageValue,
  rawTensorKind,
  rowCount,
  type RawColumn,
  type RawData,
} from "./raw-columns.js";

export { PipelineError, type RawColumn, type RawData } from "./raw-columns.js";

/** Bumped when the fitted format changes so old artifacts are refused, not misread. */
export const PIPELINE_FORMAT_VERSION = 1;

export interface FeatureStage {
  fn: string;
  args: TransformArgs;
}

export interface FeatureDef {
  name: string;
  /** Raw column names, given to stage 1. */
  inputs: string[];
  stages: FeatureStage[];
}

export interface FittedStage extends FeatureStage {
  state: unknown;
}

export interface FittedFeature {
  name: string;
  inputs: string[];
  stages: FittedStage[];
  /** What the last stage produces: numeric columns or an embedding index. */
  output: ValueShape;
}

export interface FittedPipeline {
  version: number;
  /** The raw columns the features read, in the order given to fitPipeline. */
  columns: RawColumn[];
  features: FittedFeature[];
  /** Width of the numeric feature matrix. */
  width: number;
  /** One name per numeric column, e.g. `tenure_z`, `plan_oh=basic`. */
  featureNames: string[];
  /** Index features (embed_index), in declaration order, with their cardinality. */
  indexFeatures: Array<{ name: string; cardinality: number }>;
}

export interface PipelineOutput {
  rows: number;
  /** rows × width, row-major, numeric features in declaration order. */
  numeric: Float32Array;
  width: number;
  featureNames: string[];
  /** Index features kept apart for embeddings, in declaration order. */
  indices: Record<string, Int32Array>;
}

function transformFor(feature: string, fn: string): TransformModule {
  const module = Object.hasOwn(transforms, fn) ? transforms[fn] : undefined;
  if (!module) {
    throw new PipelineError(`feature \`${feature}\`: unknown transform \`${fn}\` (known: ${Object.keys(transforms).join(", ")})`);
  }
  return module;
}

/** Runs `f`, naming the feature and stage in any transform error. */
function inStage<T>(feature: string, index: number, fn: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof TransformError) {
      throw new PipelineError(`feature \`${feature}\`, stage ${index + 1} (${fn}): ${error.message.replace(/^[^:]*: /, "")}`);
    }
    throw error;
  }
}

/** A numeric feature with no stages imputes the training mean, as every numeric transform does. */
function stagesOf(def: FeatureDef, columns: Map<string, RawColumn>): FeatureStage[] {
  if (def.stages.length > 0) return def.stages;
  const column = columns.get(def.inputs[0] ?? "");
  if (def.inputs.length !== 1 || !column || rawTensorKind(column) !== "float") {
    throw new PipelineError(`feature \`${def.name}\`: without a transform it must name exactly one numeric column`);
  }
  return [{ fn: "impute", args: { strategy: "mean" } }];
}

function checkDefs(defs: FeatureDef[], columns: Map<string, RawColumn>): void {
  const seen = new Set<string>();
  for (const def of defs) {
    if (!def.name) throw new PipelineError("a feature has no name");
    if (seen.has(def.name)) throw new PipelineError(`feature \`${def.name}\` is defined twice`);
    seen.add(def.name);
    if (def.inputs.length === 0) throw new PipelineError(`feature \`${def.name}\` reads no column`);
    for (const input of def.inputs) {
      const column = columns.get(input);
      if (!column) throw new PipelineError(`feature \`${def.name}\`: unknown column \`${input}\``);
      rawTensorKind(column);
    }
  }
}

function featureNamesOf(name: string, shape: ValueShape): string[] {
  if (shape.kind !== "numeric") return [];
  if (shape.width === 1 && !shape.labels) return [name];
  return Array.from({ length: shape.width }, (_, i) => `${name}=${shape.labels?.[i] ?? i}`);
}

function finalShape(feature: string, shape: ValueShape): ValueShape {
  if (shape.kind === "string") {
    throw new PipelineError(`feature \`${feature}\` ends as strings; finish it with onehot, hash or embed_index`);
  }
  return shape;
}

/** Fits every feature on `train` (training rows only) and returns the JSON-serialisable result. */
export function fitPipeline(defs: FeatureDef[], columns: RawColumn[], train: RawData): FittedPipeline {
  const byName = new Map(columns.map((c) => [c.name, c]));
  checkDefs(defs, byName);
  const used = new Set(defs.flatMap((d) => d.inputs));
  rowCount(train, [...used]);
  const features: FittedFeature[] = [];
  for (const def of defs) {
    let values: StageValue[] = def.inputs.map((name) => rawStageValue(byName.get(name)!, train));
    const stages: FittedStage[] = [];
    stagesOf(def, byName).forEach((stage, index) => {
      const module = transformFor(def.name, stage.fn);
      if (module.signature.arity === 1 && values.length !== 1) {
        throw new PipelineError(`feature \`${def.name}\`: ${stage.fn} takes one column, got ${values.length}`);
      }
      // a JSON copy: the fitted pipeline must equal what it becomes once stored
      const args = JSON.parse(JSON.stringify(stage.args ?? {})) as TransformArgs;
      const state = inStage(def.name, index, stage.fn, () => module.fit(values, args));
      values = [inStage(def.name, index, stage.fn, () => module.apply(values, state, args))];
      stages.push({ fn: stage.fn, args, state });
    });
    const output = finalShape(def.name, shapeOf(values[0]!));
    features.push({ name: def.name, inputs: [...def.inputs], stages, output });
  }
  return describe(
    columns.filter((c) => used.has(c.name)).map((c) => ({ name: c.name, type: c.type })),
    features,
  );
}

function shapeOf(value: StageValue): ValueShape {
  if (value.kind === "numeric") return { kind: "numeric", width: value.width, ...(value.labels ? { labels: value.labels } : {}) };
  if (value.kind === "index") return { kind: "index", cardinality: value.cardinality };
  return { kind: "string" };
}

function describe(columns: RawColumn[], features: FittedFeature[]): FittedPipeline {
  const featureNames = features.flatMap((f) => featureNamesOf(f.name, f.output));
  const indexFeatures = features.flatMap((f) =>
    f.output.kind === "index" ? [{ name: f.name, cardinality: f.output.cardinality }] : [],
  );
  return { version: PIPELINE_FORMAT_VERSION, columns, features, width: featureNames.length, featureNames, indexFeatures };
}

/** Applies a fitted pipeline to any rows (training, test or serving). */
export function applyPipeline(fitted: FittedPipeline, data: RawData): PipelineOutput {
  checkVersion(fitted);
  const byName = new Map(fitted.columns.map((c) => [c.name, c]));
  const rows = rowCount(data, fitted.columns.map((c) => c.name));
  const numeric = new Float32Array(rows * fitted.width);
  const indices: Record<string, Int32Array> = {};
  let offset = 0;
  for (const feature of fitted.features) {
    let values: StageValue[] = feature.inputs.map((name) => {
      const column = byName.get(name);
      if (!column) throw new PipelineError(`fitted pipeline: feature \`${feature.name}\` reads unknown column \`${name}\``);
      return rawStageValue(column, data);
    });
    feature.stages.forEach((stage, index) => {
      const module = transformFor(feature.name, stage.fn);
      values = [inStage(feature.name, index, stage.fn, () => module.apply(values, stage.state, stage.args))];
    });
    const value = values[0]!;
    if (value.kind === "index") {
      indices[feature.name] = value.data;
    } else if (value.kind === "numeric") {
      for (let r = 0; r < rows; r++) {
        numeric.set(value.data.subarray(r * value.width, (r + 1) * value.width), r * fitted.width + offset);
      }
      offset += value.width;
    } else {
      finalShape(feature.name, value);
    }
  }
  if (offset !== fitted.width) throw new PipelineError(`fitted pipeline: features give ${offset} columns, expected ${fitted.width}`);
  return { rows, numeric, width: fitted.width, featureNames: [...fitted.featureNames], indices };
}

function checkVersion(fitted: { version?: unknown }): void {
  if (fitted.version !== PIPELINE_FORMAT_VERSION) {
    throw new PipelineError(
      `fitted pipeline has format version ${JSON.stringify(fitted.version)}; this mlspec reads version ${PIPELINE_FORMAT_VERSION} (refit the features)`,
    );
  }
}

/** Checks a fitted pipeline read back from JSON before anything trusts it. */
export function parseFittedPipeline(json: unknown): FittedPipeline {
  const value = json as Partial<FittedPipeline> | null;
  if (typeof value !== "object" || value === null) throw new PipelineError("fitted pipeline: not a JSON object");
  checkVersion(value);
  if (!Array.isArray(value.columns) || !Array.isArray(value.features)) {
    throw new PipelineError("fitted pipeline: `columns` and `features` must be lists");
  }
  // Recompute the derived fields from the features so a hand-edited file cannot disagree with itself.
  for (const feature of value.features) {
    if (typeof feature?.name !== "string" || !Array.isArray(feature.inputs) || !Array.isArray(feature.stages)) {
      throw new PipelineError("fitted pipeline: every feature needs a name, inputs and stages");
    }
    for (const stage of feature.stages) transformFor(feature.name, stage.fn);
  }
  return describe(value.columns, value.features);
}
