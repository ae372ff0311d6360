/** Architecture kinds the trainer can build: signature (for parameters) plus builder. */
import type { ArchSig } from "../../stdlib/signature.js";
import * as linear from "../../stdlib/arch/linear.train.js";
import { signature as linearSig, type LinearParams } from "../../stdlib/arch/linear.js";
import * as mf from "../../stdlib/arch/matrix_factorization.train.js";
import { signature as mfSig, type MatrixFactorizationParams } from "../../stdlib/arch/matrix_factorization.js";
import * as mlp from "../../stdlib/arch/mlp.train.js";
import { signature as mlpSig, type MlpParams } from "../../stdlib/arch/mlp.js";
import type { BuildContext, TrainableModel } from "../../stdlib/arch/trainable.js";
import * as wideDeep from "../../stdlib/arch/wide_deep.train.js";
import { signature as wideDeepSig, type WideDeepParams } from "../../stdlib/arch/wide_deep.js";

export interface ArchImplementation {
  signature: ArchSig;
  /** Reads user/item indices instead of (or besides) the feature matrix. */
  usesIndices: boolean;
  /** `params` already resolved against the signature. */
  build(params: Record<string, unknown>, ctx: BuildContext): TrainableModel;
}

export const architectures: Readonly<Record<string, ArchImplementation>> = {
  linear: { signature: linearSig, usesIndices: false, build: (p, ctx) => linear.build(p as unknown as LinearParams, ctx) },
  mlp: { signature: mlpSig, usesIndices: false, build: (p, ctx) => mlp.build(p as unknown as MlpParams, ctx) },
  wide_deep: {
    signature: wideDeepSig,
    usesIndices: false,
    build: (p, ctx) => wideDeep.build(p as unknown as WideDeepParams, ctx),
  },
  matrix_factorization: {
    signature: mfSig,
    usesIndices: true,
    build: (p, ctx) => mf.build(p as unknown as MatrixFactorizationParams, ctx),
  },
};
