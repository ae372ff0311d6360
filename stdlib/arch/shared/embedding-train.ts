/**
 * Row lookup with a scatter-add gradient. tfjs differentiates gather through
 * UnsortedSegmentSum, which the wasm backend lacks and the cpu backend runs as
 * one tensor op per table row; ScatterNd sums the rows' gradients in one pass.
 */
import * as tf from "@tensorflow/tfjs";

export function lookupRows<T extends tf.Tensor>(table: tf.Variable, ids: tf.Tensor1D): T {
  // tfjs types the callback's arguments as (Tensor | GradSaveFunc)[]; here they are (table, save)
  const lookup = tf.customGrad(((source: tf.Tensor, save: tf.GradSaveFunc) => {
    // saved, or the tape frees the ids before the backward pass
    save([ids]);
    return {
      value: tf.gather(source, ids),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.scatterND(tf.reshape(saved[0]!, [-1, 1]), dy, source.shape),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return lookup(table) as T;
}
