/**
 * Every built-in optimizer, by the name a spec calls it. Adding one means adding
 * its folder (index.ts: signature; train.ts: the tfjs constructor) and one line
 * here. Loads no tfjs.
 */
import type { OptimizerModule } from "./optimizer-module.js";
import * as adam from "./adam/index.js";
import * as rmsprop from "./rmsprop/index.js";
import * as sgd from "./sgd/index.js";

export const optimizers = { adam, sgd, rmsprop } satisfies Record<string, OptimizerModule>;

export type OptimizerRegistry = Readonly<Record<string, OptimizerModule>>;
