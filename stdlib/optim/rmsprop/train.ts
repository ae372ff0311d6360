import * as tf from "@tensorflow/tfjs";
import { restoreOptimizerWeights, saveOptimizerWeights } from "../shared/optimizer-weights.js";
import type { TrainOptimizer } from "../optimizer-module.js";

export interface RmspropParams {
  lr: number;
  rho: number;
  momentum: number;
  epsilon: number;
}

export function createOptimizer(params: RmspropParams): TrainOptimizer {
  const optimizer = tf.train.rmsprop(params.lr, params.rho, params.momentum, params.epsilon, false);
  return {
    optimizer,
    save: async () => ({ kind: "rmsprop", tensors: await saveOptimizerWeights(optimizer), extra: {} }),
    restore: (state) => restoreOptimizerWeights(optimizer, state.tensors),
    dispose: () => optimizer.dispose(),
  };
}
