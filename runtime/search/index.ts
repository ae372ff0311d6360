/** Public surface of the hyperparameter search engine. */
export { SearchError, SearchSpaceError, StudyError } from "./errors.js";
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
} from "./space.js";
export type { Direction, FrozenTrial, IntermediateValue, StudyHistory, TrialState } from "./trial.js";
export { parseRecordedTrials, parseTrialRecords, toTrialRecord, type InterruptedTrial, type TrialRecord } from "./trial-record.js";
export type { Sampler } from "./samplers/base.js";
export { RandomSampler } from "./samplers/random.js";
export { GridSampler, type GridOptions } from "./samplers/grid.js";
export { TPESampler, type TpeOptions } from "./samplers/tpe.js";
export { createSampler, type SamplerSpec } from "./samplers/create.js";
export type { Pruner } from "./pruners/base.js";
export { MedianPruner, type MedianPrunerOptions } from "./pruners/median.js";
export { SuccessiveHalvingPruner, type SuccessiveHalvingOptions } from "./pruners/asha.js";
export { createPruner, type PrunerSpec } from "./pruners/create.js";
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
