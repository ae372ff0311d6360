/** Optimizer kinds the trainer can construct: signature (for parameters) plus constructor. */
import type { OptimizerSig } from "../../stdlib/signature.js";
import * as adam from "../../stdlib/optim/adam.train.js";
import { signature as adamSig, type AdamParams } from "../../stdlib/optim/adam.js";
import * as rmsprop from "../../stdlib/optim/rmsprop.train.js";
import { signature as rmspropSig, type RmspropParams } from "../../stdlib/optim/rmsprop.js";
import * as sgd from "../../stdlib/optim/sgd.train.js";
import { signature as sgdSig, type SgdParams } from "../../stdlib/optim/sgd.js";
import type { TrainOptimizer } from "../../stdlib/optim/trainable_optimizer.js";

export interface OptimizerImplementation {
  signature: OptimizerSig;
  /** `params` already resolved against the signature. */
  create(params: Record<string, unknown>): TrainOptimizer;
}

export const optimizers: Readonly<Record<string, OptimizerImplementation>> = {
  adam: { signature: adamSig, create: (p) => adam.createOptimizer(p as unknown as AdamParams) },
  sgd: { signature: sgdSig, create: (p) => sgd.createOptimizer(p as unknown as SgdParams) },
  rmsprop: { signature: rmspropSig, create: (p) => rmsprop.createOptimizer(p as unknown as RmspropParams) },
};
