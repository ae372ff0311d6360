/**
 * Every built-in pruner, by the name a search block's `prune` calls it. Adding
 * one means adding its folder (index.ts: signature and `create`; pruner.ts: the
 * rule) and one line here.
 */
import * as asha from "./asha/index.js";
import * as median from "./median/index.js";
import type { PrunerModule } from "./pruner-module.js";

export const pruners: Readonly<Record<string, PrunerModule>> = { median, asha };
