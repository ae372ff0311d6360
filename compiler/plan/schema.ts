/**
 * The execution plan format (spec/plan.md). The zod schema is the single source:
 * TypeScript types are inferred from it and spec/plan.schema.json is generated from
 * it (a test checks the committed file is current). Objects are strict: a field
 * the format does not define is an error, in zod as in the JSON Schema.
 */
import { z } from "zod";

export const PLAN_VERSION = 1;

/** A JSON value with finite numbers. A predicate, not a recursive zod union: validating a plan stays cheap. */
function isJsonValue(v: unknown): boolean {
  if (v === null || typeof v === "boolean" || typeof v === "string") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJsonValue);
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v as object).every(isJsonValue);
  return false;
}
/** Any JSON value; in the JSON Schema, `{}` (every JSON document value is one). */
const json = z.custom<unknown>(isJsonValue, { message: "expected a JSON value with finite numbers" });

export const ColumnTypeSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("int") }),
  z.strictObject({ kind: z.literal("float") }),
  z.strictObject({ kind: z.literal("bool") }),
  z.strictObject({ kind: z.literal("string") }),
  z.strictObject({ kind: z.literal("enum"), values: z.array(z.string()).min(1) }),
  z.strictObject({ kind: z.literal("timestamp") }),
]);

const BoundsSchema = z.strictObject({ min: z.number().optional(), max: z.number().optional() });

export const ColumnContractSchema = z.strictObject({
  name: z.string(),
  type: ColumnTypeSchema,
  nulls: z.union([z.strictObject({ allowed: z.literal(false) }), z.strictObject({ allowed: z.literal(true), maxFraction: z.number().min(0).max(1).optional() })]),
  unique: z.boolean().optional(),
  range: BoundsSchema.optional(),
  mean: BoundsSchema.optional(),
  std: BoundsSchema.optional(),
});

export const DatasetContractSchema = z.strictObject({
  columns: z.array(ColumnContractSchema),
  rows: BoundsSchema.optional(),
  /** `quarantined <= p%`: the largest share of the rows read that may be quarantined; `strict` for `<`. */
  quarantined: z.strictObject({ maxFraction: z.number().min(0).max(1), strict: z.boolean() }).optional(),
});

export const SourceSchema = z.strictObject({
  format: z.enum(["csv", "jsonl", "parquet"]),
  /** Relative to the project directory (the main spec's directory). */
  path: z.string(),
  delimiter: z.string().optional(),
  header: z.boolean().optional(),
});

export const SplitSchema = z.strictObject({
  method: z.enum(["random", "stratified", "group", "time"]),
  test: z.number().min(0).max(1),
  validation: z.number().min(0).max(1),
  seed: z.number().int(),
  column: z.string().optional(),
});

export const FeatureDefSchema = z.strictObject({
  name: z.string(),
  inputs: z.array(z.string()).min(1),
  stages: z.array(z.strictObject({ fn: z.string(), args: z.record(z.string(), json) })),
});

export const TaskSchema = z.strictObject({
  kind: z.enum(["binary", "multiclass", "regression", "recommendation"]),
  target: z.string(),
  /** Class labels in output order (binary: [negative, positive]). */
  classes: z.array(z.union([z.string(), z.boolean(), z.number()])).optional(),
  user: z.string().optional(),
  item: z.string().optional(),
});

export const CallSchema = z.strictObject({ kind: z.string(), params: z.record(z.string(), json) });

export const TrainSettingsSchema = z.strictObject({
  optimizer: CallSchema,
  epochs: z.number().int().min(1),
  batchSize: z.number().int().min(1),
  seed: z.number().int(),
  earlyStop: z.strictObject({ metric: z.string(), split: z.enum(["train", "validation"]), patience: z.number().int().min(1), minDelta: z.number(), mode: z.enum(["max", "min"]) }).optional(),
});

export const GateSchema = z.strictObject({
  metric: z.string(),
  split: z.enum(["validation", "test"]),
  op: z.enum(["<", "<=", ">", ">="]),
  /** An absolute bound, or one relative to the model version behind an alias. */
  bound: z.union([
    z.strictObject({ kind: z.literal("value"), value: z.number() }),
    /** `model`: another model's version (`legacy@champion.auc`); absent: this model's. */
    z.strictObject({ kind: z.literal("alias"), alias: z.string(), metric: z.string(), offset: z.number(), model: z.string().optional() }),
    /** `require beats_baseline`: the task's trivial baseline's value of `metric`, on the same test split. */
    z.strictObject({ kind: z.literal("baseline") }),
  ]),
  text: z.string(),
});

export const DistributionSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("uniform"), low: z.number(), high: z.number() }),
  z.strictObject({ kind: z.literal("loguniform"), low: z.number(), high: z.number() }),
  z.strictObject({ kind: z.literal("int"), low: z.number().int(), high: z.number().int(), step: z.number().int().optional(), log: z.boolean().optional() }),
  z.strictObject({ kind: z.literal("choice"), options: z.array(json) }),
]);

export const SearchParamSchema = z.strictObject({
  path: z.string(),
  dist: DistributionSchema,
  condition: z.strictObject({ path: z.string(), equals: json }).optional(),
});

export const ModelRefSchema = z.strictObject({ model: z.string(), alias: z.string() });

const ConditionSchema = z.strictObject({ metric: z.string(), op: z.enum(["<", "<=", ">", ">=", "==", "!="]), value: z.number().optional(), relative: z.strictObject({ alias: z.string(), metric: z.string(), offset: z.number() }).optional(), text: z.string() });

const step = <K extends string, P extends z.ZodTypeAny>(kind: K, params: P) =>
  z.strictObject({ id: z.string(), kind: z.literal(kind), dependsOn: z.array(z.string()), params });

export const StepSchema = z.discriminatedUnion("kind", [
  step("validate", z.strictObject({ dataset: z.string(), source: SourceSchema, contract: DatasetContractSchema, label: z.string().optional() })),
  step("profile", z.strictObject({ dataset: z.string() })),
  step("split", z.strictObject({ dataset: z.string(), split: SplitSchema })),
  step("fit_features", z.strictObject({ features: z.string(), dataset: z.string(), columns: z.array(z.strictObject({ name: z.string(), type: ColumnTypeSchema })), definitions: z.array(FeatureDefSchema) })),
  step(
    "train",
    z.strictObject({
      model: z.string(),
      task: TaskSchema,
      features: z.string(),
      arch: CallSchema,
      train: TrainSettingsSchema,
      metrics: z.array(z.string()),
    }),
  ),
  step("import_model", z.strictObject({ model: z.string(), task: TaskSchema, features: z.string(), format: z.enum(["onnx", "xgboost"]), path: z.string(), metrics: z.array(z.string()) })),
  step(
    "search",
    z.strictObject({
      search: z.string(),
      model: z.string(),
      space: z.array(SearchParamSchema),
      // the study's budget and seed, then the sampler's own parameters (stdlib/samplers/<kind>)
      sampler: z
        .object({ kind: z.string(), trials: z.number().int().optional(), parallel: z.number().int().min(1), seed: z.number().int(), timeoutMs: z.number().positive().optional() })
        .catchall(z.union([z.number(), z.string(), z.boolean()])),
      objective: z.strictObject({ direction: z.enum(["maximize", "minimize"]), metric: z.string(), split: z.literal("validation") }),
      pruner: CallSchema.optional(),
    }),
  ),
  step("evaluate", z.strictObject({ model: z.string(), metrics: z.array(z.string()), splits: z.array(z.enum(["validation", "test"])) })),
  step("gate", z.strictObject({ model: z.string(), gates: z.array(GateSchema) })),
  step("export", z.strictObject({ model: z.string(), format: z.literal("onnx") })),
  step("register", z.strictObject({ model: z.string(), alias: z.string(), aliasWhenNone: z.string() })),
]);

export const ServeSchema = z.strictObject({
  name: z.string(),
  model: ModelRefSchema,
  fallback: ModelRefSchema.optional(),
  http: z.strictObject({ port: z.number().int(), host: z.string(), bodyLimit: z.number().int() }),
  batching: z.strictObject({ maxBatch: z.number().int().min(1), maxWaitMs: z.number().min(0) }).optional(),
  timeoutMs: z.number().positive(),
  slo: z.array(ConditionSchema),
  dataset: z.string().optional(),
  /** `allow_arm_header = true`: a request may pin its arm with `x-mlspec-arm` (left out when false). */
  allowArmHeader: z.literal(true).optional(),
});

export const RolloutSchema = z.strictObject({
  name: z.string(),
  serve: z.string(),
  strategy: CallSchema,
  guards: z.array(ConditionSchema),
  onFail: z.enum(["rollback", "pause"]),
  onSuccess: z.enum(["promote", "hold"]),
});

export const MonitorSchema = z.strictObject({
  name: z.string(),
  serve: z.string(),
  scheduleMs: z.number().positive(),
  drift: z.array(
    z.strictObject({
      target: z.enum(["features", "prediction"]),
      columns: z.union([z.literal("all"), z.array(z.string())]),
      test: z.string(),
      threshold: z.number().optional(),
      pValue: z.number().optional(),
      windowMs: z.number().positive(),
      /** rows a window needs before the test is run */
      minSamples: z.number().int().min(1).optional(),
      /** across the rule's p-value tests (default bonferroni) */
      correction: z.enum(["bonferroni", "fdr", "none"]).optional(),
      /** dataset drift when more than this share of the tested columns drifted (default 0.5) */
      share: z.number().gt(0).lt(1).optional(),
    }),
  ),
  performance: z.array(
    z.strictObject({
      metric: z.string(),
      op: z.enum(["<", "<=", ">", ">="]),
      value: z.number(),
      windowMs: z.number().positive(),
      labels: SourceSchema.optional(),
      key: z.string().optional(),
      /** labelled predictions a window needs before the metric is judged */
      minSamples: z.number().int().min(1).optional(),
    }),
  ),
  retrain: z.strictObject({ when: json, maxRuns: z.number().int().optional(), perMs: z.number().positive().optional(), using: z.string().optional() }).optional(),
  alerts: z.array(CallSchema),
});

export const PlanSchema = z.strictObject({
  planVersion: z.literal(PLAN_VERSION),
  /** sha256 of the plan's content without this field: equal for specs that mean the same. */
  specHash: z.string().regex(/^[0-9a-f]{64}$/),
  spec: z.strictObject({ file: z.string(), imports: z.array(z.string()) }),
  steps: z.array(StepSchema),
  serves: z.array(ServeSchema),
  rollouts: z.array(RolloutSchema),
  monitors: z.array(MonitorSchema),
});

export type Plan = z.infer<typeof PlanSchema>;
export type Step = z.infer<typeof StepSchema>;
export type StepKind = Step["kind"];
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;
export type ColumnType = z.infer<typeof ColumnTypeSchema>;
export type ColumnKind = ColumnType["kind"];
/** Inclusive bounds: `range 0..120`, `rows >= 500`. */
export type Bounds = z.infer<typeof BoundsSchema>;
export type ColumnContract = z.infer<typeof ColumnContractSchema>;
export type DatasetContract = z.infer<typeof DatasetContractSchema>;
export type SourceSpec = z.infer<typeof SourceSchema>;
export type SplitSpec = z.infer<typeof SplitSchema>;
export type SplitMethod = SplitSpec["method"];
export type FeatureDef = z.infer<typeof FeatureDefSchema>;
export type TaskSpec = z.infer<typeof TaskSchema>;
export type GateSpec = z.infer<typeof GateSchema>;
export type SearchParam = z.infer<typeof SearchParamSchema>;
export type ServePlan = z.infer<typeof ServeSchema>;
export type RolloutPlan = z.infer<typeof RolloutSchema>;
export type MonitorPlan = z.infer<typeof MonitorSchema>;

export function planJsonSchema(): unknown {
  const schema = z.toJSONSchema(PlanSchema, { target: "draft-2020-12", unrepresentable: "any" }) as Record<string, unknown>;
  return { $id: "https://mlspec.dev/schemas/plan-1.json", title: "mlspec execution plan, version 1", ...schema };
}
