/** Every built-in architecture's signature. Loads no tfjs (builders sit in the `.train.ts` siblings). */
import type { ArchSig } from "../signature.js";
import { signature as linear } from "./linear.js";
import { signature as matrixFactorization } from "./matrix_factorization.js";
import { signature as mlp } from "./mlp.js";
import { signature as wideDeep } from "./wide_deep.js";

export const archSignatures: Readonly<Record<string, ArchSig>> = {
  linear,
  mlp,
  wide_deep: wideDeep,
  matrix_factorization: matrixFactorization,
};
