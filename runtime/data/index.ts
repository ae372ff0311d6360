/**
 * mlspec's data layer: read a dataset, validate it against its contract (quarantining bad
 * rows), profile it, split it and load it for training. Everything runs inside an embedded
 * DuckDB database held by a DataSession; close it with `result.session.close()`.
 *
 *   const result = await validateDataset(source, contract, { quarantinePath });
 *   const profile = await profileDataset(result);
 *   const split = await splitDataset(result, splitSpec);
 *   const train = await loadColumns(result, { part: "train" });
 *   result.session.close();
 */
export { validateDataset, compileRowRules, assertContractUsable, formatRange, SQL_TYPES, sqlType } from "./contract.js";
export type {
  DatasetRule,
  DatasetViolation,
  ValidatedDataset,
  ValidationResult,
  ValidateOptions,
  CompiledRowRules,
} from "./contract.js";
export { profileDataset, histogramEdges, histogramBin } from "./profile.js";
export type { DatasetProfile, ColumnProfile, NumericHistogram, CategoricalHistogram, ProfileOptions } from "./profile.js";
export { splitDataset, assertSplitExists, SPLIT_PARTS } from "./split.js";
export type { DataSplit, SplitPart } from "./split.js";
export { loadColumns } from "./load.js";
export type { ColumnArrays, ColumnValue, LoadOptions } from "./load.js";
export { openSource, readSource, ROW_COLUMN } from "./read.js";
export type { RawSource, ReadOptions, ReadProjection, OpenSourceOptions } from "./read.js";
export { tableStatistics } from "./stats.js";
export type { ColumnStatistics, TableStatistics, StatisticsOptions } from "./stats.js";
export { hashAcceptedData, hashedRelation, HASH_AGGREGATES, finishHash } from "./hash.js";
export { estimateDistinct } from "./distinct-estimate.js";
export { DataSession } from "./session.js";
export { DataError, DataSourceError, DataSpecError } from "./errors.js";
// the dataset parts of the plan, as the plan's schema infers them
export type { Bounds, ColumnContract, ColumnKind, ColumnType, DatasetContract, SourceSpec, SplitMethod, SplitSpec } from "../../compiler/plan/schema.js";
