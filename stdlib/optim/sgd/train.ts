import * as tf from "@tensorflow/tfjs";
import { restoreOptimizerWeights, saveOptimizerWeights } from "../shared/optimizer-weights.js";
import type { TrainOptimizer } from "../optimizer-module.js";

export interface SgdParams {
  lr: number;
  momentum: number;
  nesterov: boolean;
}

export function createOptimizer(params: SgdParams): TrainOptimizer {
  if (params.nesterov && params.momentum === 0) throw new Error("sgd: nesterov needs momentum > 0");
  const optimizer = params.momentum > 0 ? tf.train.momentum(params.lr, params.momentum, params.nesterov) : tf.train.sgd(params.lr);
  return {
    optimizer,
    save: async () => ({ kind: "sgd", tensors: await saveOptimizerWeights(optimizer), extra: {} }),
    restore: (state) => restoreOptimizerWeights(optimizer, state.tensors),
    dispose: () => {
      optimizer.dispose();
      // MomentumOptimizer.dispose skips the learning-rate scalar its SGD base holds
      if (optimizer instanceof tf.MomentumOptimizer) tf.SGDOptimizer.prototype.dispose.call(optimizer);
    },
  };
}
