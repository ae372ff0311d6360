/**
 * The contract every built-in architecture implements, in one folder named for
 * it: `index.ts` holds the signature and the network shape it trains (forward
 * pass, ONNX emission, codec — plain JS), `train.ts` the tfjs builder, loaded
 * only when training. Type-only imports here: loading this file loads no tfjs.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Network, OutputHead } from "../../core/network.js";
import type { OnnxEmitContext } from "../../core/onnx-emit.js";
import type { Rng } from "../../core/rng.js";
import type { ArchSig } from "../signature.js";

export interface ModelInputs {
  /** [batch, inputWidth] feature matrix (width 0 when the model reads only indices). */
  x: tf.Tensor2D;
  /** Row indices into the embedding tables, already mapped to the unknown row when out of range. */
  user?: tf.Tensor1D;
  item?: tf.Tensor1D;
}

/** Dropout runs only in training, seeded per batch so that runs repeat exactly. */
export type ForwardMode = { training: false } | { training: true; seed: number };

export interface BuildContext {
  inputWidth: number;
  /** 1 for binary / regression / recommendation, K for multiclass. */
  outputUnits: number;
  head: OutputHead;
  /** Source of every initial weight. */
  rng: Rng;
  /** Initial output bias (the prior: mean target, log-odds, log class shares), length outputUnits. */
  outputBias: Float32Array;
  /** Embedding table rows including the trailing unknown-id row; only for index-based models. */
  embeddingRows?: { user: number; item: number };
}

export interface TrainableModel {
  /** Every trainable variable, in a fixed order (checkpoints rely on it). */
  readonly variables: tf.Variable[];
  /** Raw output before the head: logits or values, [batch, outputUnits]. */
  forward(inputs: ModelInputs, mode: ForwardMode): tf.Tensor2D;
  /** Regularisation added to the batch loss, or null when there is none. */
  penalty(inputs: ModelInputs): tf.Scalar | null;
  /** Current weights as a plain network. */
  toNetwork(): Network;
}

/** The tfjs half of an architecture (`train.ts`). `params` are already resolved against the signature. */
export interface ArchTrainer {
  build(params: never, ctx: BuildContext): TrainableModel;
}

/** What a network reads in JS: the pipeline's numeric matrix and, for index models, the user and item ids. */
export interface NetworkInputs {
  rows: number;
  /** rows × width, row-major. */
  numeric: Float32Array;
  width: number;
  user?: Int32Array;
  item?: Int32Array;
}

/** The same inputs as ONNX tensor names: float [N, width] features; int64 [N, 1] ids. */
export interface OnnxNetworkInputs {
  features?: string;
  user?: string;
  item?: string;
}

/** Regression targets trained standardized, folded back into the network (runtime/run/target-scale.ts). */
export interface TargetScale {
  mean: number;
  std: number;
}

/**
 * One kind of trained network (`Network.kind`): its checks, forward pass, ONNX
 * emission and JSON codec. The JS forward pass and the ONNX graph agree number
 * for number (float32 after every layer).
 */
export interface NetworkShape<N extends Network = Network> {
  kind: string;
  /** Reads the user and item index features instead of the numeric feature matrix. */
  readsIndices: boolean;
  /** Checks every shape; returns the number of output units. Throws NetworkError. */
  check(network: N): number;
  /** Numeric features read, for shapes that read the feature matrix. */
  inputWidth?(network: N): number;
  /** Embedding rows per index input, for shapes that read indices. */
  indexRows?(network: N): { user: number; item: number };
  /** Raw outputs before the head, rows × units; inputs already checked against the shape. */
  logits(network: N, inputs: NetworkInputs): Float32Array;
  /** Adds the ONNX nodes that compute `logits`; returns the float [N, units] output's name. The exporter checked the inputs. */
  emitLogits(graph: OnnxEmitContext, network: N, inputs: OnnxNetworkInputs): string;
  /** The network's fields but `kind` as JSON (arrays base64); the codec adds the format and kind before them. */
  encode(network: N): Record<string, unknown>;
  decode(encoded: Record<string, unknown>): N;
  /** y = std·f(x) + mean folded into the output layer; absent: targets train in their own units. */
  unscale?(network: N, scale: TargetScale): N;
}

/** One built-in architecture, listed once in stdlib/arch/index.ts. */
export interface ArchModule {
  signature: ArchSig;
  network: NetworkShape;
  /** Loads the tfjs builder (a separate chunk: signatures and serving never load tfjs). */
  loadTrainer(): Promise<ArchTrainer>;
}
