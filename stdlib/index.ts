/**
 * Every built-in the language knows, by category and name. The checker reads the
 * signatures from here; nothing imported here may load tfjs, onnxruntime or DuckDB.
 */
import type { ArchSig, CallSig, DistributionSig, DriftTestSig, MetricSig, OptimizerSig, RolloutStrategySig, TaskSig, TransformSig } from "./signature.js";
import { architectures } from "./arch/index.js";
import * as choice from "./distributions/choice.js";
import * as int from "./distributions/int.js";
import * as loguniform from "./distributions/loguniform.js";
import * as uniform from "./distributions/uniform.js";
import { driftTests } from "./drift/index.js";
import * as onnx from "./imports/onnx.js";
import * as xgboost from "./imports/xgboost.js";
import { metrics as metricEntries } from "./metrics/index.js";
import { optimizers } from "./optim/index.js";
import { pruners } from "./pruners/index.js";
import { rolloutStrategies } from "./rollout/index.js";
import { samplers } from "./samplers/index.js";
import * as csv from "./sources/csv.js";
import * as jsonl from "./sources/jsonl.js";
import * as parquet from "./sources/parquet.js";
import * as holdout from "./splits/holdout.js";
import * as binary from "./tasks/binary-classification.js";
import * as multiclass from "./tasks/multiclass-classification.js";
import * as recommendation from "./tasks/recommendation.js";
import * as regression from "./tasks/regression.js";
import { transforms as transformModules } from "./transforms/index.js";

function byName<T extends { name: string }>(items: T[]): ReadonlyMap<string, T> {
  return new Map(items.map((s) => [s.name, s]));
}

export const builtins = {
  transforms: byName<TransformSig>(Object.values(transformModules).map((m) => m.signature)),
  archs: byName<ArchSig>(Object.values(architectures).map((m) => m.signature)),
  optimizers: byName<OptimizerSig>(Object.values(optimizers).map((m) => m.signature)),
  metrics: byName<MetricSig>(Object.values(metricEntries).map((m) => m.signature)),
  distributions: byName<DistributionSig>([uniform, loguniform, int, choice].map((m) => m.signature)),
  driftTests: byName<DriftTestSig>(Object.values(driftTests).map((m) => m.signature)),
  rolloutStrategies: byName<RolloutStrategySig>(Object.values(rolloutStrategies).map((m) => m.signature)),
  tasks: byName<TaskSig>([binary, multiclass, regression, recommendation].map((m) => m.signature)),
  sources: byName<CallSig>([csv, jsonl, parquet].map((m) => m.signature)),
  splits: byName<CallSig>([holdout.signature]),
  samplers: byName<CallSig>(Object.values(samplers).map((m) => m.signature)),
  pruners: byName<CallSig>(Object.values(pruners).map((m) => m.signature)),
  importFormats: byName<CallSig>([onnx, xgboost].map((m) => m.signature)),
};

export type Builtins = typeof builtins;
