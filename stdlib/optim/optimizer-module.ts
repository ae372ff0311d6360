/**
 * The contract every built-in optimizer implements, in one folder named for it:
 * `index.ts` holds the signature, `train.ts` the tfjs constructor (the optimizer
 * plus an exact save/restore of its state for checkpoints), loaded only when
 * training. Type-only imports: loading this file loads no tfjs.
 */
import type * as tf from "@tensorflow/tfjs";
import type { SerializedTensor } from "../../core/tensor-codec.js";
import type { OptimizerSig } from "../signature.js";

export interface OptimizerState {
  kind: string;
  /** The optimizer's own weights (iteration count, slots), as tfjs names them. */
  tensors: SerializedTensor[];
  /** Hidden scalars tfjs does not save (Adam's running beta powers). */
  extra: Record<string, number>;
}

export interface TrainOptimizer {
  readonly optimizer: tf.Optimizer;
  save(): Promise<OptimizerState>;
  restore(state: OptimizerState): Promise<void>;
  dispose(): void;
}

/** The tfjs half of an optimizer (`train.ts`). `params` are already resolved against the signature. */
export interface OptimizerTrainer {
  createOptimizer(params: never): TrainOptimizer;
}

/** One built-in optimizer, listed once in stdlib/optim/index.ts. */
export interface OptimizerModule {
  signature: OptimizerSig;
  /** Loads the tfjs constructor (a separate chunk: signatures never load tfjs). */
  loadTrainer(): Promise<OptimizerTrainer>;
}
