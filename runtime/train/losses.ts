/**
 * Training losses, computed from the network's raw output (logits for the
 * classification heads, for numerical stability), and the head each implies.
 */
import * as tf from "@tensorflow/tfjs";
import type { TaskKind } from "../../stdlib/signature.js";
import type { OutputHead } from "../../core/network.js";

export const LOSS_NAMES = ["binary_crossentropy", "categorical_crossentropy", "mse", "mae", "huber"] as const;
export type LossName = (typeof LOSS_NAMES)[number];

const ALLOWED: Record<TaskKind, LossName[]> = {
  binary: ["binary_crossentropy"],
  multiclass: ["categorical_crossentropy"],
  regression: ["mse", "mae", "huber"],
  // ratings (mse, mae, huber) or implicit feedback 0/1 (binary_crossentropy)
  recommendation: ["mse", "mae", "huber", "binary_crossentropy"],
};

export function defaultLoss(task: TaskKind): LossName {
  return ALLOWED[task][0]!;
}

export function lossesFor(task: TaskKind): readonly LossName[] {
  return ALLOWED[task];
}

export function headFor(loss: LossName): OutputHead {
  if (loss === "binary_crossentropy") return "sigmoid";
  if (loss === "categorical_crossentropy") return "softmax";
  return "identity";
}

/**
 * Loss of each row, [batch]. `target` is [batch, 1] float, or [batch] int32
 * class ids for categorical cross-entropy.
 */
export function perExampleLoss(loss: LossName, output: tf.Tensor2D, target: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    switch (loss) {
      case "binary_crossentropy": {
        // max(z,0) - z·y + log(1 + e^-|z|), the stable form of -[y log σ(z) + (1-y) log(1-σ(z))]
        const z = output;
        const l = tf.add(tf.sub(tf.relu(z), tf.mul(z, target)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
        return tf.reshape(l, [-1]) as tf.Tensor1D;
      }
      case "categorical_crossentropy": {
        const classes = output.shape[1];
        const oneHot = tf.oneHot(target as tf.Tensor1D, classes);
        return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(output)), 1)) as tf.Tensor1D;
      }
      case "mse":
        return tf.reshape(tf.square(tf.sub(output, target)), [-1]) as tf.Tensor1D;
      case "mae":
        return tf.reshape(tf.abs(tf.sub(output, target)), [-1]) as tf.Tensor1D;
      case "huber": {
        // delta 1: quadratic near 0, linear beyond
        // 0.5·min(a,1)² + (a - min(a,1)): differentiable ops only (comparisons have no gradient in tfjs)
        const a = tf.abs(tf.sub(output, target));
        const m = tf.minimum(a, 1);
        const l = tf.add(tf.mul(tf.square(m), 0.5), tf.sub(a, m));
        return tf.reshape(l, [-1]) as tf.Tensor1D;
      }
    }
  });
}

export function applyHead(head: OutputHead, output: tf.Tensor2D): tf.Tensor2D {
  if (head === "sigmoid") return tf.sigmoid(output);
  if (head === "softmax") return tf.softmax(output);
  return output;
}
