import * as tf from "@tensorflow/tfjs";
import { restoreOptimizerWeights, saveOptimizerWeights } from "./optimizer_state.train.js";
import type { RmspropParams } from "./rmsprop.js";
import type { TrainOptimizer } from "./trainable_optimizer.js";

export function createOptimizer(params: RmspropParams): TrainOptimizer {
  const optimizer = tf.train.rmsprop(params.lr, params.rho, params.momentum, params.epsilon, false);
  return {
    optimizer,
    save: async () => ({ kind: "rmsprop", tensors: await saveOptimizerWeights(optimizer), extra: {} }),
    restore: (state) => restoreOptimizerWeights(optimizer, state.tensors),
    dispose: () => optimizer.dispose(),
  };
}
