/**
 * Every built-in transform, by the name a spec calls it. Adding one means
 * adding its file and one line here.
 */
import type { TransformSig } from "../signature.js";
import type { TransformModule } from "./transform-module.js";
import * as bucketize from "./bucketize.js";
import * as clip from "./clip.js";
import * as cross from "./cross.js";
import * as embed_index from "./embed-index.js";
import * as hash from "./hash.js";
import * as impute from "./impute.js";
import * as log1p from "./log1p.js";
import * as minmax from "./minmax.js";
import * as onehot from "./onehot.js";
import * as standardize from "./standardize.js";

export const transforms: Record<string, TransformModule> = {
  standardize,
  minmax,
  log1p,
  clip,
  onehot,
  bucketize,
  hash,
  impute,
  cross,
  embed_index,
};

export const transformSignatures: TransformSig[] = Object.values(transforms).map((t) => t.signature);

export type { TransformModule } from "./transform-module.js";
export { TransformError } from "./transform-module.js";
