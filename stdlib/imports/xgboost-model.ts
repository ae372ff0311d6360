/**
 * The JSON model format `Booster.save_model("m.json")` writes (XGBoost 1.x,
 * 2.x, 3.x) read into plain arrays: one tree per boosting round and class, the
 * objective, and the base margin. Anything mlspec cannot reproduce exactly is
 * refused here with the reason: categorical splits, DART, gblinear, vector
 * leaves, objectives without an output link below.
 */
import { ImportError } from "./import-error.js";

/** How a tree sum (the margin) becomes XGBoost's `predict` output. */
export type OutputLink = "logistic" | "identity" | "softmax" | "exp";

export interface ObjectiveInfo {
  link: OutputLink;
  /** base_score (output space) → margin. */
  toMargin: (baseScore: number) => number;
  /** The mlspec tasks this objective can serve. */
  tasks: Array<"binary" | "multiclass" | "regression">;
}

const logit = (p: number): number => {
  if (!(p > 0 && p < 1)) throw new ImportError(`base_score ${p} is not a probability in (0, 1), as a logistic objective needs`);
  return Math.log(p / (1 - p));
};

export const OBJECTIVES: Record<string, ObjectiveInfo> = {
  "binary:logistic": { link: "logistic", toMargin: logit, tasks: ["binary"] },
  // the margin is XGBoost's prediction; as a classifier mlspec reports sigmoid(margin)
  "binary:logitraw": { link: "identity", toMargin: (b) => b, tasks: ["binary"] },
  "multi:softprob": { link: "softmax", toMargin: (b) => b, tasks: ["multiclass"] },
  // predict gives the argmax class; mlspec reports the softmax probabilities, whose argmax it is
  "multi:softmax": { link: "softmax", toMargin: (b) => b, tasks: ["multiclass"] },
  "reg:squarederror": { link: "identity", toMargin: (b) => b, tasks: ["regression"] },
  "reg:linear": { link: "identity", toMargin: (b) => b, tasks: ["regression"] },
  "reg:logistic": { link: "logistic", toMargin: logit, tasks: ["regression", "binary"] },
  "count:poisson": {
    link: "exp",
    toMargin: (b) => {
      if (!(b > 0)) throw new ImportError(`base_score ${b} must be positive for count:poisson`);
      return Math.log(b);
    },
    tasks: ["regression"],
  },
};

export interface XgboostTree {
  /** Output column (class) the tree adds to; 0 for a single output. */
  group: number;
  left: Int32Array;
  right: Int32Array;
  feature: Int32Array;
  /** Threshold at a split (go left when value < threshold), leaf value at a leaf. Float32 as XGBoost stores them. */
  value: Float32Array;
  defaultLeft: Uint8Array;
}

export interface XgboostModel {
  /** XGBoost version that saved the file, e.g. "1.7.4". */
  version: string;
  objective: string;
  link: OutputLink;
  numFeature: number;
  /** Output columns: num_class for multi:*, else 1. */
  outputs: number;
  featureNames?: string[];
  /** Margin added to every output column before the link. */
  baseMargin: number[];
  trees: XgboostTree[];
  tasks: ObjectiveInfo["tasks"];
}

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ImportError(`not an XGBoost JSON model: ${where} is missing or not an object`);
  return value as Json;
}

function numberArray(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "number")) throw new ImportError(`not an XGBoost JSON model: ${where} is not an array of numbers`);
  return value as number[];
}

function intParam(params: Json, key: string, fallback?: number): number {
  const raw = params[key];
  if (raw === undefined && fallback !== undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ImportError(`not an XGBoost JSON model: learner_model_param.${key} is ${JSON.stringify(raw)}`);
  return n;
}

/** base_score as "5E-1" (1.x), "[5E-1]" (2.x) or "[a,b,c]" (3.x, one per output). */
export function parseBaseScore(raw: unknown, outputs: number): number[] {
  const text = String(raw ?? "").trim();
  const items = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1).split(",") : [text];
  const values = items.map((s) => Number(s.trim()));
  if (items.some((s) => s.trim() === "") || values.some((v) => !Number.isFinite(v))) {
    throw new ImportError(`not an XGBoost JSON model: base_score ${JSON.stringify(raw)} is not a number or a [number, …] list`);
  }
  if (values.length === 1) return new Array<number>(outputs).fill(values[0]!);
  if (values.length !== outputs) throw new ImportError(`base_score has ${values.length} values for ${outputs} outputs`);
  return values;
}

function readTree(raw: unknown, index: number, group: number, numFeature: number, featureName: (i: number) => string): XgboostTree {
  const t = object(raw, `tree ${index}`);
  const where = (k: string) => `tree ${index}: ${k}`;
  const left = numberArray(t.left_children, where("left_children"));
  const right = numberArray(t.right_children, where("right_children"));
  const feature = numberArray(t.split_indices, where("split_indices"));
  const value = numberArray(t.split_conditions, where("split_conditions"));
  const defaultLeft = numberArray(t.default_left ?? [], where("default_left"));
  const splitType = t.split_type === undefined ? [] : numberArray(t.split_type, where("split_type"));
  const n = left.length;
  if (n === 0 || [right, feature, value].some((a) => a.length !== n) || (defaultLeft.length !== n && defaultLeft.length !== 0)) {
    throw new ImportError(`not an XGBoost JSON model: tree ${index} has node arrays of different lengths`);
  }
  const params = object(t.tree_param ?? {}, where("tree_param"));
  if (Number(params.size_leaf_vector ?? 0) > 1) throw new ImportError(`tree ${index} has vector leaves (multi_strategy = "multi_output_tree"), which mlspec cannot import`);
  for (let i = 0; i < n; i++) {
    const leaf = left[i] === -1;
    if (leaf) continue;
    if (splitType[i] === 1) {
      throw new ImportError(`tree ${index} splits on feature \`${featureName(feature[i]!)}\` as categorical, which mlspec cannot import`, [
        "retrain without enable_categorical (one-hot the column in the spec's features instead)",
      ]);
    }
    for (const child of [left[i]!, right[i]!]) {
      if (!Number.isInteger(child) || child <= i || child >= n) throw new ImportError(`not an XGBoost JSON model: tree ${index} node ${i} has child ${child}`);
    }
    if (!Number.isInteger(feature[i]) || feature[i]! < 0 || feature[i]! >= numFeature) {
      throw new ImportError(`tree ${index} splits on feature index ${feature[i]}, but the model has ${numFeature} features`);
    }
  }
  return {
    group,
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    feature: Int32Array.from(feature),
    value: Float32Array.from(value),
    defaultLeft: Uint8Array.from(defaultLeft.length ? defaultLeft : new Array<number>(n).fill(0)),
  };
}

/** Parses a saved XGBoost JSON model; throws ImportError with the reason for anything unsupported. */
export function readXgboostModel(text: string): XgboostModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`not an XGBoost JSON model: ${(error as Error).message}`, [
      "save it with Booster.save_model(\"m.json\") (the .json extension selects JSON; UBJSON and the old binary format are not read)",
    ]);
  }
  const root = object(json, "the top level");
  const learner = object(root.learner, "learner");
  const version = Array.isArray(root.version) ? root.version.join(".") : "unknown";
  const params = object(learner.learner_model_param, "learner.learner_model_param");
  const objective = String(object(learner.objective, "learner.objective").name ?? "");
  const info = OBJECTIVES[objective];
  if (!info) {
    throw new ImportError(`objective \`${objective}\` cannot be imported`, [`supported objectives: ${Object.keys(OBJECTIVES).join(", ")}`]);
  }
  const booster = object(learner.gradient_booster, "learner.gradient_booster");
  const kind = String(booster.name ?? "");
  if (kind === "dart") throw new ImportError("the model is a DART booster, which mlspec cannot import", ["its tree weights depend on dropout at prediction; retrain with booster = \"gbtree\""]);
  if (kind !== "gbtree") throw new ImportError(`the model's booster is \`${kind}\`; only gbtree models can be imported`);
  const model = object(booster.model, "gradient_booster.model");

  const numFeature = intParam(params, "num_feature");
  const numClass = intParam(params, "num_class", 0);
  const numTarget = intParam(params, "num_target", 1);
  if (numTarget > 1) throw new ImportError(`the model has ${numTarget} targets; only single-target models can be imported`);
  const outputs = objective.startsWith("multi:") ? numClass : 1;
  if (objective.startsWith("multi:") && numClass < 2) throw new ImportError(`objective ${objective} with num_class ${numClass}`);

  const names = learner.feature_names;
  const featureNames = Array.isArray(names) && names.length > 0 ? names.map(String) : undefined;
  if (featureNames && featureNames.length !== numFeature) throw new ImportError(`the model lists ${featureNames.length} feature_names but num_feature is ${numFeature}`);
  const types = Array.isArray(learner.feature_types) ? learner.feature_types.map(String) : [];
  const featureName = (i: number) => featureNames?.[i] ?? `f${i}`;
  const categorical = types.findIndex((t) => t === "c");
  if (categorical >= 0) {
    throw new ImportError(`feature \`${featureName(categorical)}\` is categorical (feature_types "c"), which mlspec cannot import`, [
      "retrain without enable_categorical (one-hot the column in the spec's features instead)",
    ]);
  }

  const rawTrees = model.trees;
  if (!Array.isArray(rawTrees)) throw new ImportError("not an XGBoost JSON model: gradient_booster.model.trees is not an array");
  const groups = model.tree_info === undefined ? new Array<number>(rawTrees.length).fill(0) : numberArray(model.tree_info, "tree_info");
  if (groups.length !== rawTrees.length) throw new ImportError(`not an XGBoost JSON model: ${rawTrees.length} trees but ${groups.length} tree_info entries`);
  const trees = rawTrees.map((t, i) => {
    const group = groups[i]!;
    if (!Number.isInteger(group) || group < 0 || group >= outputs) throw new ImportError(`tree ${i} belongs to output ${group}, but the model has ${outputs}`);
    return readTree(t, i, group, numFeature, featureName);
  });
  const baseMargin = parseBaseScore(params.base_score, outputs).map(info.toMargin);
  return { version, objective, link: info.link, numFeature, outputs, ...(featureNames ? { featureNames } : {}), baseMargin, trees, tasks: info.tasks };
}
