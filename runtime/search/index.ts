/** Public surface of the hyperparameter search engine. */
export { SearchError, SearchSpaceError, StudyError } from "../../core/search/errors.js";
export {
  activeParams,
  buildAssignment,
  checkAssignment,
  containsValue,
  describeDistribution,
  jsonKey,
  orderedParams,
  validateSearchSpace,
  type Assignment,
  type Distribution,
  type JsonValue,
  type ParamCondition,
  type SearchParam,
  type SearchSpace,
} from "../../core/search/space.js";
export type { Direction, FrozenTrial, IntermediateValue, StudyHistory, TrialState } from "../../core/search/trial.js";
export { parseRecordedTrials, parseTrialRecords, toTrialRecord, type InterruptedTrial, type TrialRecord } from "./trial-record.js";
export type { Sampler, SamplerModule, SamplerSettings } from "../../stdlib/samplers/sampler-module.js";
export { RandomSampler } from "../../stdlib/samplers/random/sampler.js";
export { GridSampler, type GridOptions } from "../../stdlib/samplers/grid/sampler.js";
export { TPESampler, type TpeOptions } from "../../stdlib/samplers/tpe/sampler.js";
export type { Pruner, PrunerModule, PrunerSettings } from "../../stdlib/pruners/pruner-module.js";
export { MedianPruner, type MedianPrunerOptions } from "../../stdlib/pruners/median/pruner.js";
export { SuccessiveHalvingPruner, type SuccessiveHalvingOptions } from "../../stdlib/pruners/asha/pruner.js";
export { createPruner, createSampler, type PrunerRegistry, type SamplerRegistry } from "./strategies.js";
export {
  Study,
  TrialPruned,
  runStudy,
  trialRng,
  type Objective,
  type OptimizeOptions,
  type StudyOptions,
  type TrialHandle,
  type TrialOutcome,
} from "./study.js";
