import * as tf from "@tensorflow/tfjs";
import { restoreOptimizerWeights, saveOptimizerWeights } from "../shared/optimizer-weights.js";
import type { TrainOptimizer } from "../optimizer-module.js";

export interface AdamParams {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** tfjs keeps beta1^t and beta2^t in private variables that setWeights recomputes with pow(), which rounds differently. */
interface AdamHidden {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

export function createOptimizer(params: AdamParams): TrainOptimizer {
  const optimizer = tf.train.adam(params.lr, params.beta1, params.beta2, params.epsilon);
  const hidden = optimizer as unknown as AdamHidden;
  if (!(hidden.accBeta1 instanceof tf.Variable) || !(hidden.accBeta2 instanceof tf.Variable)) {
    throw new Error("this tfjs version's Adam keeps no accBeta1/accBeta2; exact resume is not possible");
  }
  return {
    optimizer,
    async save() {
      return {
        kind: "adam",
        tensors: await saveOptimizerWeights(optimizer),
        extra: { accBeta1: hidden.accBeta1.dataSync()[0]!, accBeta2: hidden.accBeta2.dataSync()[0]! },
      };
    },
    async restore(state) {
      await restoreOptimizerWeights(optimizer, state.tensors);
      const { accBeta1, accBeta2 } = state.extra;
      if (accBeta1 === undefined || accBeta2 === undefined) throw new Error("Adam checkpoint lacks accBeta1/accBeta2");
      tf.tidy(() => {
        hidden.accBeta1.assign(tf.scalar(accBeta1));
        hidden.accBeta2.assign(tf.scalar(accBeta2));
      });
    },
    dispose: () => optimizer.dispose(),
  };
}
