/**
 * The training config the planner hands the trainer, its zod schema, and its
 * resolution against the built-ins (defaults filled, names checked).
 */
import { z } from "zod";
import type { TaskKind } from "../../stdlib/signature.js";
import type { OutputHead } from "../../core/network.js";
import { architectures, type ArchRegistry } from "../../stdlib/arch/index.js";
import type { ArchModule } from "../../stdlib/arch/arch-module.js";
import { optimizers, type OptimizerRegistry } from "../../stdlib/optim/index.js";
import type { OptimizerModule } from "../../stdlib/optim/optimizer-module.js";
import { TrainConfigError } from "./errors.js";
import { metricRequest, type MetricRequest } from "./evaluate.js";
import { defaultLoss, headFor, LOSS_NAMES, lossesFor, type LossName } from "./losses.js";
import { resolveParams } from "./params.js";

export interface EarlyStopConfig {
  /** A validation metric (`auc`, `val.auc`, `ndcg@10`) or `loss` (validation loss). */
  metric: string;
  /** Epochs without improvement before stopping. */
  patience: number;
  /** Default: the metric's direction (`loss` minimises). */
  mode?: "max" | "min";
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Return the best epoch's weights rather than the last. Default true. */
  restoreBest?: boolean;
}

export interface TrainConfig {
  task: TaskKind;
  /** Number of classes for multiclass; default: largest training label + 1. */
  classes?: number;
  arch: { kind: string; params?: Record<string, unknown> };
  /** `{ kind: "adam", lr: 1e-3, beta1: 0.9 }`: the kind plus its parameters. */
  optimizer: { kind: string; [param: string]: unknown };
  epochs: number;
  batchSize: number;
  seed: number;
  earlyStop?: EarlyStopConfig;
  /** Default by task: binary_crossentropy, categorical_crossentropy, mse (regression and recommendation). */
  loss?: LossName;
  /** Validation metrics to report each epoch (the early-stop metric is always added). */
  metrics?: string[];
}

const schema = z.object({
  task: z.enum(["binary", "multiclass", "regression", "recommendation"]),
  classes: z.number().int().min(2).optional(),
  arch: z.object({ kind: z.string(), params: z.record(z.string(), z.unknown()).optional() }),
  optimizer: z.looseObject({ kind: z.string() }),
  epochs: z.number().int().min(1),
  batchSize: z.number().int().min(1),
  seed: z.number().int(),
  earlyStop: z
    .object({
      metric: z.string(),
      patience: z.number().int().min(0),
      mode: z.enum(["max", "min"]).optional(),
      minDelta: z.number().min(0).optional(),
      restoreBest: z.boolean().optional(),
    })
    .optional(),
  loss: z.enum(LOSS_NAMES).optional(),
  metrics: z.array(z.string()).optional(),
});

export interface ResolvedTrainConfig {
  task: TaskKind;
  classes: number | undefined;
  arch: { kind: string; impl: ArchModule; params: Record<string, unknown> };
  optimizer: { kind: string; impl: OptimizerModule; params: Record<string, unknown> };
  epochs: number;
  batchSize: number;
  /** As an unsigned 32-bit integer. */
  seed: number;
  loss: LossName;
  head: OutputHead;
  earlyStop: { request: MetricRequest; patience: number; mode: "max" | "min"; minDelta: number; restoreBest: boolean } | null;
  /** Validation metrics, early-stop metric included, without duplicates. */
  metrics: MetricRequest[];
}

/** The built-ins training can use; tests pass their own to add a fixture architecture or optimizer. */
export interface TrainRegistry {
  architectures: ArchRegistry;
  optimizers: OptimizerRegistry;
}

export const defaultTrainRegistry: TrainRegistry = { architectures, optimizers };

export function resolveTrainConfig(config: TrainConfig, registry: TrainRegistry = defaultTrainRegistry): ResolvedTrainConfig {
  const parsed = schema.safeParse(config);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`);
    throw new TrainConfigError(`invalid training config: ${issues.join("; ")}`);
  }
  const c = parsed.data;

  const arch = registry.architectures[c.arch.kind];
  if (arch === undefined) throw new TrainConfigError(unknownName("architecture", c.arch.kind, Object.keys(registry.architectures)));
  if (!arch.signature.tasks.includes(c.task)) {
    throw new TrainConfigError(`architecture \`${c.arch.kind}\` does not fit a ${c.task} task (it fits ${arch.signature.tasks.join(", ")})`);
  }
  const { kind: optimizerKind, ...optimizerGiven } = c.optimizer;
  const optimizer = registry.optimizers[optimizerKind];
  if (optimizer === undefined) throw new TrainConfigError(unknownName("optimizer", optimizerKind, Object.keys(registry.optimizers)));

  const loss = c.loss ?? defaultLoss(c.task);
  if (!lossesFor(c.task).includes(loss)) {
    throw new TrainConfigError(`loss \`${loss}\` does not fit a ${c.task} task; use ${lossesFor(c.task).join(" or ")}`);
  }
  if (c.classes !== undefined && c.task !== "multiclass") throw new TrainConfigError(`\`classes\` applies only to multiclass tasks`);

  const metrics: MetricRequest[] = [];
  const addMetric = (text: string): MetricRequest => {
    const request = metricRequest(text, c.task);
    const existing = metrics.find((m) => m.key === request.key);
    if (existing) return existing;
    metrics.push(request);
    return request;
  };
  for (const m of c.metrics ?? []) addMetric(m);

  let earlyStop: ResolvedTrainConfig["earlyStop"] = null;
  if (c.earlyStop !== undefined) {
    const request = addMetric(c.earlyStop.metric);
    earlyStop = {
      request,
      patience: c.earlyStop.patience,
      mode: c.earlyStop.mode ?? (request.direction === "maximize" ? "max" : "min"),
      minDelta: c.earlyStop.minDelta ?? 0,
      restoreBest: c.earlyStop.restoreBest ?? true,
    };
  }

  return {
    task: c.task,
    classes: c.classes,
    arch: { kind: c.arch.kind, impl: arch, params: resolveParams(`architecture \`${c.arch.kind}\``, arch.signature.params, c.arch.params ?? {}) },
    optimizer: {
      kind: optimizerKind,
      impl: optimizer,
      params: resolveParams(`optimizer \`${optimizerKind}\``, optimizer.signature.params, optimizerGiven),
    },
    epochs: c.epochs,
    batchSize: c.batchSize,
    seed: c.seed >>> 0,
    loss,
    head: headFor(loss),
    earlyStop,
    metrics,
  };
}

function unknownName(what: string, name: string, known: string[]): string {
  return `unknown ${what} \`${name}\`; known: ${known.join(", ")}`;
}
