/**
 * Checks the arrays handed to the trainer against the config and derives what
 * the model needs from them: input width, class count, embedding sizes, the
 * output-bias prior. Index ids outside the known range map to the unknown row.
 */
import type { ResolvedTrainConfig } from "./config.js";
import { TrainDataError } from "./errors.js";

export interface TrainSplit {
  /** n×d features, row-major (d may be 0 for index-only models). */
  x: Float32Array;
  /** Targets: 0/1, class ids, values or relevance. */
  y: Float32Array;
  /** Index features for embedding models and per-user ranking metrics. */
  indices?: { user: Int32Array; item: Int32Array };
}

export interface TrainData {
  train: TrainSplit;
  validation?: TrainSplit;
  /**
   * Known ids per index feature (from embed_index): ids 0..count-1, anything
   * else is unknown. Default: largest training id + 1.
   */
  cardinality?: { user: number; item: number };
  /**
   * Set when `y` holds standardized targets ((y - mean) / std): training runs on
   * them, but every loss and metric is reported in the target's own units.
   */
  targetScale?: { mean: number; std: number };
}

export interface PreparedData {
  inputWidth: number;
  trainRows: number;
  validationRows: number;
  /** Multiclass only. */
  classes: number | undefined;
  outputUnits: number;
  outputBias: Float32Array;
  /** Table rows including the unknown row; index models only. */
  embeddingRows: { user: number; item: number } | undefined;
  /** Indices with out-of-range ids replaced by the unknown row. */
  trainIndices: { user: Int32Array; item: Int32Array } | undefined;
  validationIndices: { user: Int32Array; item: Int32Array } | undefined;
}

export function prepareData(config: ResolvedTrainConfig, data: TrainData): PreparedData {
  const train = data.train;
  const trainRows = train.y.length;
  if (trainRows === 0) throw new TrainDataError("the training split has no rows");
  const inputWidth = widthOf("training", train, trainRows);
  checkSplit("training", train, trainRows);
  const validation = data.validation;
  const validationRows = validation?.y.length ?? 0;
  if (validation !== undefined) {
    if (validationRows === 0) throw new TrainDataError("the validation split has no rows");
    const width = widthOf("validation", validation, validationRows);
    if (width !== inputWidth) throw new TrainDataError(`validation rows have ${width} features, training rows ${inputWidth}`);
    checkSplit("validation", validation, validationRows);
  }
  const scale = data.targetScale;
  if (scale !== undefined && !(Number.isFinite(scale.mean) && Number.isFinite(scale.std) && scale.std > 0)) {
    throw new TrainDataError(`the target scale needs a finite mean and a std above 0 (got mean ${scale.mean}, std ${scale.std})`);
  }
  if (validation === undefined && (config.metrics.length > 0 || config.earlyStop !== null)) {
    throw new TrainDataError("validation metrics and early stopping need a validation split");
  }

  let classes: number | undefined;
  if (config.task === "multiclass") {
    let largest = 0;
    for (const y of train.y) largest = Math.max(largest, y);
    classes = config.classes ?? largest + 1;
    if (classes < 2) throw new TrainDataError("a multiclass task needs at least 2 classes; the training labels have 1");
  }
  checkLabels(config, "training", train.y, classes);
  if (validation !== undefined) checkLabels(config, "validation", validation.y, classes);

  const usesIndices = config.arch.impl.network.readsIndices;
  if (usesIndices && train.indices === undefined) {
    throw new TrainDataError(`architecture \`${config.arch.kind}\` needs user and item indices in the training data`);
  }
  if (usesIndices && validation !== undefined && validation.indices === undefined) {
    throw new TrainDataError(`architecture \`${config.arch.kind}\` needs user and item indices in the validation data`);
  }
  const ranks = config.metrics.some((m) => m.metric?.family === "ranking");
  if (ranks && validation?.indices === undefined) {
    throw new TrainDataError("ranking metrics (ndcg, recall_at_k) need the validation user ids (validation.indices.user)");
  }

  let embeddingRows: PreparedData["embeddingRows"];
  let trainIndices: PreparedData["trainIndices"];
  let validationIndices: PreparedData["validationIndices"];
  if (usesIndices) {
    const known = data.cardinality ?? { user: largestId(train.indices!.user) + 1, item: largestId(train.indices!.item) + 1 };
    if (!(known.user >= 1 && known.item >= 1 && Number.isInteger(known.user) && Number.isInteger(known.item))) {
      throw new TrainDataError(`index cardinalities must be positive integers, got user ${known.user}, item ${known.item}`);
    }
    embeddingRows = { user: known.user + 1, item: known.item + 1 };
    trainIndices = mapUnknown(train.indices!, known);
    if (validation?.indices !== undefined) validationIndices = mapUnknown(validation.indices, known);
  }

  const outputUnits = classes ?? 1;
  return {
    inputWidth,
    trainRows,
    validationRows,
    classes,
    outputUnits,
    outputBias: priorBias(config, train.y, outputUnits),
    embeddingRows,
    trainIndices,
    validationIndices,
  };
}

function widthOf(name: string, split: TrainSplit, rows: number): number {
  if (split.x.length % rows !== 0) {
    throw new TrainDataError(`${name} features hold ${split.x.length} values, not a whole number of rows for ${rows} targets`);
  }
  return split.x.length / rows;
}

function checkSplit(name: string, split: TrainSplit, rows: number): void {
  const width = split.x.length / rows;
  for (let i = 0; i < split.x.length; i++) {
    if (!Number.isFinite(split.x[i]!)) {
      throw new TrainDataError(`${name} feature ${i % width} of row ${Math.floor(i / width)} is ${split.x[i]}`);
    }
  }
  for (let i = 0; i < rows; i++) {
    if (!Number.isFinite(split.y[i]!)) throw new TrainDataError(`${name} target of row ${i} is ${split.y[i]}`);
  }
  if (split.indices !== undefined && (split.indices.user.length !== rows || split.indices.item.length !== rows)) {
    throw new TrainDataError(
      `${name} indices have ${split.indices.user.length} user and ${split.indices.item.length} item ids for ${rows} rows`,
    );
  }
}

function checkLabels(config: ResolvedTrainConfig, name: string, y: Float32Array, classes: number | undefined): void {
  const binaryLabels = config.task === "binary" || config.loss === "binary_crossentropy";
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (binaryLabels && v !== 0 && v !== 1) throw new TrainDataError(`${name} label of row ${i} is ${v}; a binary target must be 0 or 1`);
    if (classes !== undefined && !(Number.isInteger(v) && v >= 0 && v < classes)) {
      throw new TrainDataError(`${name} label of row ${i} is ${v}; expected a class id in 0..${classes - 1}`);
    }
  }
}

function largestId(ids: Int32Array): number {
  let largest = -1;
  for (const id of ids) largest = Math.max(largest, id);
  return largest;
}

function mapUnknown(indices: { user: Int32Array; item: Int32Array }, known: { user: number; item: number }) {
  const map = (ids: Int32Array, count: number) => ids.map((id) => (id >= 0 && id < count ? id : count));
  return { user: map(indices.user, known.user), item: map(indices.item, known.item) };
}

/** Starting the output at the training prior saves the first epochs from learning a constant. */
function priorBias(config: ResolvedTrainConfig, y: Float32Array, units: number): Float32Array {
  const n = y.length;
  if (config.head === "sigmoid") {
    let positives = 0;
    for (const v of y) positives += v;
    const p = Math.min(Math.max(positives / n, 1e-3), 1 - 1e-3);
    return Float32Array.of(Math.log(p / (1 - p)));
  }
  if (config.head === "softmax") {
    const counts = new Float64Array(units);
    for (const v of y) counts[v]!++;
    return Float32Array.from(counts, (c) => Math.log((c + 1) / (n + units)));
  }
  let sum = 0;
  for (const v of y) sum += v;
  return Float32Array.of(sum / n);
}
