/** Every built-in optimizer's signature. Loads no tfjs (constructors sit in the `.train.ts` siblings). */
import type { OptimizerSig } from "../signature.js";
import { signature as adam } from "./adam.js";
import { signature as rmsprop } from "./rmsprop.js";
import { signature as sgd } from "./sgd.js";

export const optimizerSignatures: Readonly<Record<string, OptimizerSig>> = { adam, sgd, rmsprop };
