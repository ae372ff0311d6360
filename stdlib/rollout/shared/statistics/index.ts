/** Statistics the rollout controller decides with (spec/rollouts.md#statistics). */
export * from "./arm-summary.js";
export * from "./bandit.js";
export * from "./effect-size.js";
export * from "./msprt.js";
export * from "./normal.js";
export * from "./srm.js";
export { auc } from "./auc.js";
