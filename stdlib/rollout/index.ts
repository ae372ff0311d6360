/**
 * Every built-in rollout strategy, by the name a rollout block calls it. Adding
 * one means adding its file (signature + decision rule) and one line here: the
 * checker reads the calls a rollout block allows from this list, the controller
 * its decision rules.
 */
import type { RolloutStrategySig } from "../signature.js";
import type { RolloutStrategy } from "./shared/rollout-types.js";
import * as ab from "./ab.js";
import * as bandit from "./bandit.js";
import * as canary from "./canary.js";
import * as shadow from "./shadow.js";

export interface RolloutStrategyModule {
  signature: RolloutStrategySig;
  strategy: RolloutStrategy;
}

export const rolloutStrategies: Readonly<Record<string, RolloutStrategyModule>> = { shadow, canary, ab, bandit };
