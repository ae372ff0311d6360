/**
 * Trains a network with tfjs: seeded initial weights and per-epoch shuffles,
 * validation metrics, early stopping, per-epoch checkpoints and exact resume.
 * Same config + data + seed + backend gives the same weight bytes.
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelInputs, TrainableModel } from "../../stdlib/arch/arch-module.js";
import type { TrainOptimizer } from "../../stdlib/optim/optimizer-module.js";
import type { Network } from "../../core/network.js";
import { activeBackend, selectBackend, type BackendName } from "./backend.js";
import { CHECKPOINT_FORMAT, fingerprint, type EpochRecord, type StopReason, type TrainCheckpoint } from "./checkpoint.js";
import { resolveTrainConfig, type ResolvedTrainConfig, type TrainConfig, type TrainRegistry } from "./config.js";
import { initialEarlyStop, observeEpoch, type EarlyStopState } from "./early-stop.js";
import { DivergedError, ResumeMismatchError } from "./errors.js";
import { scoreMetric } from "./evaluate.js";
import { applyHead, perExampleLoss } from "./losses.js";
import { epochRng, initRng } from "./seeds.js";
import { decodeFloat32, encodeArray, type SerializedTensor } from "../../core/tensor-codec.js";
import { prepareData, type PreparedData, type TrainData, type TrainSplit } from "./training-data.js";

export type { TrainConfig } from "./config.js";
export type { TrainData, TrainSplit } from "./training-data.js";
export type { EpochRecord, StopReason, TrainCheckpoint } from "./checkpoint.js";

export interface EpochReport {
  loss: number;
  val: Record<string, number>;
}

export interface TrainOptions {
  /** Called after each epoch; returning "stop" ends training (pruners). */
  onEpoch?: (epoch: number, report: EpochReport) => "stop" | void | Promise<"stop" | void>;
  /** Called after each epoch with a JSON-safe checkpoint. */
  onCheckpoint?: (epoch: number, checkpoint: TrainCheckpoint) => void | Promise<void>;
  /** Continue a run from its checkpoint; the result equals the uninterrupted run's. */
  resumeFrom?: TrainCheckpoint;
  /** Force a backend; default: the one already selected, else the best that loads. */
  backend?: BackendName;
  /** The architectures and optimizers to choose from; default: the built-ins. */
  registry?: TrainRegistry;
}

export interface TrainHistory {
  epochs: EpochRecord[];
  stopReason: StopReason;
  /** Epoch whose weights were returned when early stopping restored the best. */
  bestEpoch: number | null;
  backend: BackendName;
}

export interface TrainResult {
  network: Network;
  history: TrainHistory;
}

/** Rows per forward pass when predicting the validation split. */
const PREDICT_CHUNK = 8192;

interface SplitTensors {
  rows: number;
  x: tf.Tensor2D;
  /** [n, 1] float, or [n] int32 class ids for categorical cross-entropy. */
  y: tf.Tensor;
  user?: tf.Tensor1D;
  item?: tf.Tensor1D;
}

export async function trainNetwork(config: TrainConfig, data: TrainData, options: TrainOptions = {}): Promise<TrainResult> {
  const cfg = resolveTrainConfig(config, options.registry);
  const prepared = prepareData(cfg, data);
  const backend = await ensureBackend(options.backend);
  const [archTrainer, optimizerTrainer] = await Promise.all([cfg.arch.impl.loadTrainer(), cfg.optimizer.impl.loadTrainer()]);
  const runFingerprint = fingerprintOf(cfg, data);

  const tensors: tf.Tensor[] = [];
  let model: TrainableModel | null = null;
  let optimizer: TrainOptimizer | null = null;
  try {
    const train = splitTensors(cfg, data.train, prepared.trainIndices, prepared.inputWidth, tensors);
    const validation =
      data.validation === undefined ? null : splitTensors(cfg, data.validation, prepared.validationIndices, prepared.inputWidth, tensors);

    model = archTrainer.build(cfg.arch.params as never, {
      inputWidth: prepared.inputWidth,
      outputUnits: prepared.outputUnits,
      head: cfg.head,
      rng: initRng(cfg.seed),
      outputBias: prepared.outputBias,
      embeddingRows: prepared.embeddingRows,
    });
    optimizer = optimizerTrainer.createOptimizer(cfg.optimizer.params as never);

    let history: EpochRecord[] = [];
    let earlyStop: EarlyStopState | null = cfg.earlyStop ? initialEarlyStop() : null;
    let stopped: TrainCheckpoint["stopped"] = null;
    let firstEpoch = 0;
    if (options.resumeFrom !== undefined) {
      const cp = options.resumeFrom;
      checkCheckpoint(cp, runFingerprint, model);
      setWeights(model, cp.weights);
      await optimizer.restore(cp.optimizer);
      history = cp.history.map((r) => ({ ...r, val: { ...r.val } }));
      earlyStop = cp.earlyStop;
      stopped = cp.stopped;
      firstEpoch = cp.rng.nextEpoch;
    }

    // losses and metrics in the target's units, whatever scale the network trains on
    const lossUnits = lossFactor(cfg.loss, data.targetScale);
    const scoredY = data.validation === undefined ? null : inTargetUnits(data.validation.y, data.targetScale);
    for (let epoch = firstEpoch; epoch < cfg.epochs && stopped === null; epoch++) {
      const loss = runEpoch(cfg, model, optimizer, train, epoch) * lossUnits;
      if (!Number.isFinite(loss)) throw new DivergedError(epoch + 1, loss, "training");
      const val =
        validation === null ? {} : evaluate(cfg, prepared, model, validation, scoredY!, data.targetScale, lossUnits, epoch);
      history.push({ epoch, loss, val });

      if ((await options.onEpoch?.(epoch, { loss, val: { ...val } })) === "stop") stopped = "callback";
      if (cfg.earlyStop !== null && earlyStop !== null) {
        const m = model;
        const snapshot = cfg.earlyStop.restoreBest ? () => readWeights(m) : null;
        const step = observeEpoch(cfg.earlyStop, earlyStop, epoch, val[cfg.earlyStop.request.key]!, snapshot);
        earlyStop = step.state;
        if (step.stop && stopped === null) stopped = "early_stop";
      }
      if (options.onCheckpoint !== undefined) {
        const checkpoint: TrainCheckpoint = {
          format: CHECKPOINT_FORMAT,
          fingerprint: runFingerprint,
          epoch,
          backend,
          weights: readWeights(model),
          optimizer: await optimizer.save(),
          rng: { seed: cfg.seed, nextEpoch: epoch + 1 },
          earlyStop,
          history: history.map((r) => ({ ...r, val: { ...r.val } })),
          stopped,
        };
        await options.onCheckpoint(epoch, checkpoint);
      }
    }

    let bestEpoch: number | null = null;
    if (cfg.earlyStop?.restoreBest && earlyStop?.bestWeights) {
      setWeights(model, earlyStop.bestWeights);
      bestEpoch = earlyStop.bestEpoch;
    }
    return {
      network: model.toNetwork(),
      history: { epochs: history, stopReason: stopped ?? "completed", bestEpoch, backend },
    };
  } finally {
    optimizer?.dispose();
    if (model !== null) tf.dispose(model.variables);
    tf.dispose(tensors);
  }
}

async function ensureBackend(forced: BackendName | undefined): Promise<BackendName> {
  const current = activeBackend();
  if (forced === undefined && current !== null) return current;
  return (await selectBackend(forced)).name;
}

function splitTensors(
  cfg: ResolvedTrainConfig,
  split: TrainSplit,
  indices: PreparedData["trainIndices"],
  width: number,
  owned: tf.Tensor[],
): SplitTensors {
  const rows = split.y.length;
  const keep = <T extends tf.Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  return {
    rows,
    x: keep(tf.tensor2d(split.x, [rows, width])),
    y: keep(cfg.loss === "categorical_crossentropy" ? tf.tensor1d(Int32Array.from(split.y), "int32") : tf.tensor2d(split.y, [rows, 1])),
    user: indices ? keep(tf.tensor1d(indices.user, "int32")) : undefined,
    item: indices ? keep(tf.tensor1d(indices.item, "int32")) : undefined,
  };
}

/** One pass over the shuffled training rows; returns the mean batch loss. */
function runEpoch(cfg: ResolvedTrainConfig, model: TrainableModel, optimizer: TrainOptimizer, train: SplitTensors, epoch: number): number {
  const rng = epochRng(cfg.seed, epoch);
  const order = new Int32Array(train.rows);
  for (let i = 0; i < order.length; i++) order[i] = i;
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  // summed on the device: one read per epoch instead of one per batch
  let lossSum: tf.Scalar = tf.scalar(0);
  for (let start = 0; start < train.rows; start += cfg.batchSize) {
    const end = Math.min(train.rows, start + cfg.batchSize);
    const dropoutSeed = rng.int(0, 0x7fffffff);
    // gathered before the gradient tape: under it tfjs saves the gather's inputs for the
    // backward pass, a clone of the whole training tensor on every batch (epoch cost ~rows²)
    const batch = gatherBatch(train, order.slice(start, end));
    const cost = optimizer.optimizer.minimize(
      () => {
        const output = model.forward(batch.inputs, { training: true, seed: dropoutSeed });
        const loss = tf.mean(perExampleLoss(cfg.loss, output, batch.y));
        const penalty = model.penalty(batch.inputs);
        return (penalty === null ? loss : tf.add(loss, penalty)) as tf.Scalar;
      },
      true,
      model.variables,
    )!;
    const next = tf.tidy(() => tf.add(lossSum, tf.mul(cost, end - start)) as tf.Scalar);
    tf.dispose([batch.inputs.x, batch.y, cost, lossSum]);
    if (batch.inputs.user) tf.dispose([batch.inputs.user, batch.inputs.item!]);
    lossSum = next;
  }
  const total = lossSum.dataSync()[0]!;
  lossSum.dispose();
  return total / train.rows;
}

/** One batch's rows of every training tensor, outside any gradient tape. */
function gatherBatch(split: SplitTensors, order: Int32Array): { inputs: ModelInputs; y: tf.Tensor } {
  const rows = tf.tensor1d(order, "int32");
  try {
    return {
      inputs: {
        x: tf.gather(split.x, rows),
        user: split.user ? tf.gather(split.user, rows) : undefined,
        item: split.item ? tf.gather(split.item, rows) : undefined,
      },
      y: tf.gather(split.y, rows),
    };
  } finally {
    rows.dispose();
  }
}

type TargetScale = NonNullable<TrainData["targetScale"]>;

/** Values of standardized targets (or predictions of them) back in the target's units. */
function inTargetUnits(y: Float32Array, scale: TargetScale | undefined): Float32Array {
  if (scale === undefined) return y;
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i]! * scale.std + scale.mean;
  return out;
}

/**
 * What a loss on standardized targets is multiplied by to be in target units:
 * std for mae, std² for mse and huber (huber's delta of 1 becomes std).
 */
function lossFactor(loss: ResolvedTrainConfig["loss"], scale: TargetScale | undefined): number {
  if (scale === undefined) return 1;
  return loss === "mae" ? scale.std : loss === "mse" || loss === "huber" ? scale.std * scale.std : 1;
}

/** Validation loss and metrics (in target units) from one prediction pass without dropout. */
function evaluate(
  cfg: ResolvedTrainConfig,
  prepared: PreparedData,
  model: TrainableModel,
  validation: SplitTensors,
  scoredY: Float32Array,
  scale: TargetScale | undefined,
  lossUnits: number,
  epoch: number,
): Record<string, number> {
  const units = prepared.outputUnits;
  const predictions = new Float32Array(validation.rows * units);
  let lossSum = 0;
  for (let start = 0; start < validation.rows; start += PREDICT_CHUNK) {
    const size = Math.min(PREDICT_CHUNK, validation.rows - start);
    const [probabilities, loss] = tf.tidy(() => {
      const slice1 = (t: tf.Tensor1D | undefined) => (t ? tf.slice(t, [start], [size]) : undefined);
      const inputs: ModelInputs = {
        x: tf.slice(validation.x, [start, 0], [size, -1]),
        user: slice1(validation.user),
        item: slice1(validation.item),
      };
      const output = model.forward(inputs, { training: false });
      const target = validation.y.rank === 1 ? tf.slice(validation.y, [start], [size]) : tf.slice(validation.y, [start, 0], [size, 1]);
      return [applyHead(cfg.head, output), tf.sum(perExampleLoss(cfg.loss, output, target))];
    });
    predictions.set(probabilities.dataSync() as Float32Array, start * units);
    lossSum += loss.dataSync()[0]!;
    tf.dispose([probabilities, loss]);
  }
  const valLoss = (lossSum / validation.rows) * lossUnits;
  if (!Number.isFinite(valLoss)) throw new DivergedError(epoch + 1, valLoss, "validation");
  const val: Record<string, number> = { loss: valLoss };
  const scored = { y: scoredY, userIds: prepared.validationIndices?.user, predictions: inTargetUnits(predictions, scale), classes: prepared.classes };
  for (const request of cfg.metrics) {
    if (request.metric !== null) val[request.key] = scoreMetric(request, scored);
  }
  return val;
}

function readWeights(model: TrainableModel): SerializedTensor[] {
  return model.variables.map((v, i) => ({
    name: `w${i}`,
    dtype: "float32",
    shape: [...v.shape],
    data: encodeArray(Float32Array.from(v.dataSync() as Float32Array)),
  }));
}

function setWeights(model: TrainableModel, weights: SerializedTensor[]): void {
  tf.tidy(() => {
    model.variables.forEach((v, i) => v.assign(tf.tensor(decodeFloat32(weights[i]!.data), v.shape, "float32")));
  });
}

function checkCheckpoint(cp: TrainCheckpoint, runFingerprint: string, model: TrainableModel): void {
  if (cp.format !== CHECKPOINT_FORMAT) throw new ResumeMismatchError(`not a training checkpoint (format ${String(cp.format)})`);
  if (cp.fingerprint !== runFingerprint) {
    throw new ResumeMismatchError("the checkpoint belongs to a different run: its config or data differ from this one's");
  }
  const shapesMatch =
    cp.weights.length === model.variables.length &&
    model.variables.every((v, i) => cp.weights[i]!.shape.join("x") === v.shape.join("x"));
  if (!shapesMatch) throw new ResumeMismatchError("the checkpoint's weights do not fit this architecture");
}

/** Everything that decides the weights, except the epoch count (a run may be extended). */
function fingerprintOf(cfg: ResolvedTrainConfig, data: TrainData): string {
  const arrays: ArrayBufferView[] = [data.train.x, data.train.y];
  if (data.train.indices) arrays.push(data.train.indices.user, data.train.indices.item);
  if (data.validation) {
    arrays.push(data.validation.x, data.validation.y);
    if (data.validation.indices) arrays.push(data.validation.indices.user, data.validation.indices.item);
  }
  const config = {
    task: cfg.task,
    classes: cfg.classes ?? null,
    arch: [cfg.arch.kind, cfg.arch.params],
    optimizer: [cfg.optimizer.kind, cfg.optimizer.params],
    batchSize: cfg.batchSize,
    seed: cfg.seed,
    loss: cfg.loss,
    earlyStop: cfg.earlyStop && { ...cfg.earlyStop, request: cfg.earlyStop.request.key },
    metrics: cfg.metrics.map((m) => m.key),
    cardinality: data.cardinality ?? null,
    targetScale: data.targetScale ?? null,
  };
  return fingerprint({ config, arrays });
}
