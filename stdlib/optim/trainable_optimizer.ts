/**
 * What an optimizer's constructor (`<name>.train.ts`) hands the trainer: the
 * tfjs optimizer plus an exact save/restore of its state for checkpoints.
 * Type-only imports: loading this file loads no tfjs.
 */
import type * as tf from "@tensorflow/tfjs";
import type { SerializedTensor } from "../../runtime/train/tensor_codec.js";

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
