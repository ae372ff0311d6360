/**
 * Every built-in rollout strategy, by the name a rollout block calls it. Adding
 * one means adding its file (signature; decision logic to come) and one line
 * here: the checker reads the calls a rollout block allows from this list.
 */
import type { RolloutStrategySig } from "../signature.js";
import * as ab from "./ab.js";
import * as bandit from "./bandit.js";
import * as canary from "./canary.js";
import * as shadow from "./shadow.js";

export interface RolloutStrategyModule {
  signature: RolloutStrategySig;
}

export const rolloutStrategies: Readonly<Record<string, RolloutStrategyModule>> = { shadow, canary, ab, bandit };
