/**
 * A trained network as plain arrays: what training produces, what checkpoints
 * hold, and what the ONNX exporter turns into a graph. Independent of tfjs so
 * that export and serving never load it.
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

export type Network =
  /** linear/logistic (one dense layer) and mlp */
  | { kind: "sequential"; inputWidth: number; layers: DenseLayer[]; head: OutputHead }
  /** output = head(wide(x) + deep(x)); wide is one linear dense layer */
  | { kind: "wide_deep"; inputWidth: number; wide: DenseLayer; deep: DenseLayer[]; head: OutputHead }
  /**
   * score = head(dot(user[u], item[i]) + userBias[u] + itemBias[i] + globalBias).
   * Inputs are two index features (user id, item id) from embed_index.
   */
  | {
      kind: "matrix_factorization";
      user: EmbeddingTable;
      item: EmbeddingTable;
      userBias: Float32Array;
      itemBias: Float32Array;
      globalBias: number;
      head: OutputHead;
    };
