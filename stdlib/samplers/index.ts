/**
 * Every built-in sampler, by the name a search block calls it. Adding one means
 * adding its folder (index.ts: signature and `create`; sampler.ts: the strategy)
 * and one line here: the checker reads the signatures, the search step `create`.
 */
import * as grid from "./grid/index.js";
import * as random from "./random/index.js";
import type { SamplerModule } from "./sampler-module.js";
import * as tpe from "./tpe/index.js";

export const samplers: Readonly<Record<string, SamplerModule>> = { tpe, random, grid };
