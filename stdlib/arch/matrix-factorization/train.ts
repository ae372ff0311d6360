import * as tf from "@tensorflow/tfjs";
import type { EmbeddingTable } from "../../../core/network.js";
import type { Rng } from "../../../core/rng.js";
import { trainableVariable } from "../shared/dense-train.js";
import { lookupRows } from "../shared/embedding-train.js";
import type { BuildContext, ModelInputs, TrainableModel } from "../arch-module.js";

export interface MatrixFactorizationParams {
  dim: number;
  l2: number;
}

/** Small random embeddings so that initial dot products are near 0 and the biases carry the prior. */
const EMBEDDING_INIT_STD = 0.1;

function embedding(rows: number, dim: number, rng: Rng): tf.Variable<tf.Rank.R2> {
  const values = new Float32Array(rows * dim);
  for (let i = 0; i < values.length; i++) values[i] = rng.normal(0, EMBEDDING_INIT_STD);
  return trainableVariable(values, [rows, dim]) as tf.Variable<tf.Rank.R2>;
}

function indices(inputs: ModelInputs): { user: tf.Tensor1D; item: tf.Tensor1D } {
  if (inputs.user === undefined || inputs.item === undefined) {
    throw new Error("matrix_factorization needs user and item indices");
  }
  return { user: inputs.user, item: inputs.item };
}

export function build(params: MatrixFactorizationParams, ctx: BuildContext): TrainableModel {
  if (ctx.embeddingRows === undefined) throw new Error("matrix_factorization needs embedding table sizes");
  if (ctx.outputUnits !== 1) throw new Error("matrix_factorization produces one score per (user, item) pair");
  const { user: userRows, item: itemRows } = ctx.embeddingRows;
  const userTable = embedding(userRows, params.dim, ctx.rng);
  const itemTable = embedding(itemRows, params.dim, ctx.rng);
  const userBias = trainableVariable(new Float32Array(userRows), [userRows]);
  const itemBias = trainableVariable(new Float32Array(itemRows), [itemRows]);
  const globalBias = trainableVariable(ctx.outputBias, [1]);

  const table = (v: tf.Variable, count: number): EmbeddingTable => ({
    count,
    dim: params.dim,
    table: Float32Array.from(v.dataSync()),
  });

  return {
    variables: [userTable, itemTable, userBias, itemBias, globalBias],
    forward: (inputs) =>
      tf.tidy(() => {
        const { user, item } = indices(inputs);
        const dot = tf.sum(tf.mul(lookupRows(userTable, user), lookupRows(itemTable, item)), 1);
        const score = tf.add(tf.add(tf.add(dot, lookupRows(userBias, user)), lookupRows(itemBias, item)), globalBias);
        return tf.reshape(score, [-1, 1]) as tf.Tensor2D;
      }),
    penalty: (inputs) => {
      if (params.l2 === 0) return null;
      return tf.tidy(() => {
        const { user, item } = indices(inputs);
        const squares = tf.add(tf.sum(tf.square(lookupRows(userTable, user))), tf.sum(tf.square(lookupRows(itemTable, item))));
        return tf.mul(tf.div(squares, user.shape[0]), params.l2) as tf.Scalar;
      });
    },
    toNetwork: () => ({
      kind: "matrix_factorization",
      user: table(userTable, userRows),
      item: table(itemTable, itemRows),
      userBias: Float32Array.from(userBias.dataSync()),
      itemBias: Float32Array.from(itemBias.dataSync()),
      globalBias: globalBias.dataSync()[0]!,
      head: ctx.head,
    }),
  };
}
