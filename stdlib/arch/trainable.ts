/**
 * What an architecture's builder (`<arch>.train.ts`) hands the trainer: its
 * variables, a forward pass, its penalty and a way back to a plain `Network`.
 * Type-only imports: loading this file loads no tfjs.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Network, OutputHead } from "../../runtime/model/network.js";
import type { Rng } from "../../runtime/rng.js";

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
