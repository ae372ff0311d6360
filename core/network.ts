/**
 * A trained network as plain arrays: what training produces, what checkpoints
 * hold, and what the ONNX exporter turns into a graph. Independent of tfjs so
 * that export and serving never load it. Each network shape (its fields, forward
 * pass, ONNX emission and codec) belongs to the architectures that produce it
 * (stdlib/arch); here are only the parts every shape shares.
 */

export type Activation = "relu" | "tanh" | "sigmoid" | "linear" | "elu" | "gelu";

/** y = activation(x · weights + bias); weights row-major [inputs][units]. */
export interface DenseLayer {
  inputs: number;
  units: number;
  weights: Float32Array;
  bias: Float32Array;
  activation: Activation;
}

/** How the last layer's raw output becomes a prediction. */
export type OutputHead =
  | "sigmoid" // binary: one unit → probability of the positive class
  | "softmax" // multiclass: K units → class probabilities
  | "identity"; // regression / rating

export interface EmbeddingTable {
  count: number; // rows; the last row is the "unknown id" bucket
  dim: number;
  table: Float32Array; // row-major [count][dim]
}

/** Any trained network: `kind` names its shape, the rest are the shape's own fields. */
export type Network = { kind: string; head: OutputHead; [field: string]: unknown };

/** A network that does not fit its own shapes or its inputs. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NetworkError";
  }
}
