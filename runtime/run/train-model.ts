/**
 * Training one model: fitted on the training split with the plan's settings,
 * tracked as a run with per-epoch metrics and a checkpoint every epoch, resumable
 * after a crash (`--resume`) and reused from the step cache when nothing changed.
 * The train step trains its model with it; the search step each trial.
 */
import type { StepOf, TaskSpec } from "../../compiler/plan/schema.js";
import type { TrainCheckpoint, TrainConfig, TrainData, TrainHistory, TrainOptions, TrainResult, TrainSplit } from "../train/fit.js";
import type { Network } from "../../core/network.js";
import { RunError, EXIT } from "./errors.js";
import { contentKey } from "./content-key.js";
import { type FeaturesView, indexInputs } from "./features-view.js";
import { decodeNetwork, encodeNetwork } from "./network-codec.js";
import type { ModelOutcome } from "./run-summary.js";
import type { StepContext } from "./step-context.js";
import { fitTargetScale, scaleTargets, shouldScale, unscaleNetwork } from "./target-scale.js";

export interface TrainedModel extends ModelOutcome {
  network: Network;
  networkSha: string;
  features: string;
  classes?: string[];
  params: Record<string, unknown>;
  /** Per-epoch values and the epoch whose weights were kept; absent when the step cache answered. */
  history?: TrainHistory;
}

/** The 0-based epoch whose weights training returned: early stopping's best, else the last. */
export function keptEpoch(history: TrainHistory): number {
  return history.bestEpoch ?? history.epochs[history.epochs.length - 1]?.epoch ?? 0;
}

export interface TrialHooks {
  runKind: "trial";
  parentRunId: number;
  searchName: string;
  trialNumber: number;
  /** Called after each epoch (1-based) with the validation values; "stop" prunes. */
  onEpoch?: (epoch: number, val: Record<string, number>, loss: number) => "stop" | void;
  quiet?: boolean;
  /** Trains in a worker thread instead of in process (parallel search). */
  trainer?: (config: TrainConfig, data: TrainData, options: TrainOptions) => Promise<TrainResult>;
  /** Called once the trial's run exists, before its first epoch. */
  onRun?: (runId: number) => void;
  /** A run of this trial that was interrupted: take it over and continue it from its last checkpoint. */
  resumeRunId?: number;
  /**
   * A finished run of this trial: its model is read back from its last checkpoint,
   * no epoch trained and no run added; trained again in a new run only when that
   * checkpoint is missing or not the run's end.
   */
  restoreRunId?: number;
}

export function trainConfigOf(params: StepOf<"train">["params"], classes: string[] | undefined): TrainConfig {
  const t = params.train;
  return {
    task: params.task.kind,
    ...(params.task.kind === "multiclass" ? { classes: classes!.length } : {}),
    arch: { kind: params.arch.kind, params: params.arch.params },
    optimizer: { kind: t.optimizer.kind, ...t.optimizer.params },
    epochs: t.epochs,
    batchSize: t.batchSize,
    seed: t.seed,
    ...(t.earlyStop ? { earlyStop: { metric: t.earlyStop.metric, patience: t.earlyStop.patience, mode: t.earlyStop.mode, minDelta: t.earlyStop.minDelta } } : {}),
    metrics: params.metrics,
  };
}

export function trainDataOf(task: TaskSpec, f: FeaturesView, labels: { train: Float32Array; validation: Float32Array }): TrainData {
  const ix = indexInputs(task, f);
  const split = (part: "train" | "validation", y: Float32Array): TrainSplit => ({
    x: f.outputs[part].numeric,
    y,
    ...(ix ? { indices: { user: f.outputs[part].indices[ix.user]!, item: f.outputs[part].indices[ix.item]! } } : {}),
  });
  const card = ix
    ? // embed_index counts its unknown id; the trainer adds the unknown row itself
      { user: f.pipeline.indexFeatures.find((x) => x.name === ix.user)!.cardinality - 1, item: f.pipeline.indexFeatures.find((x) => x.name === ix.item)!.cardinality - 1 }
    : undefined;
  return {
    train: split("train", labels.train),
    ...(labels.validation.length > 0 ? { validation: split("validation", labels.validation) } : {}),
    ...(card ? { cardinality: card } : {}),
  };
}

export async function trainModel(step: StepOf<"train">, ctx: StepContext, trial?: TrialHooks): Promise<TrainedModel> {
  const { trainNetwork } = await import("../train/fit.js");
  const { DivergedError } = await import("../train/errors.js");
  const p = step.params;
  const f = ctx.features(p.features);
  const labels = ctx.labels(p.task, f);
  const config = trainConfigOf(p, labels.classes);
  const scale = shouldScale(p.task.kind, p.arch.kind) ? fitTargetScale(labels.train) : undefined;
  const data = scale
    ? { ...trainDataOf(p.task, f, { train: scaleTargets(labels.train, scale), validation: scaleTargets(labels.validation, scale) }), targetScale: scale }
    : trainDataOf(p.task, f, labels);
  const dataHash = ctx.dataHash(f.dataset);
  const reg = ctx.ws.registry;
  const key = contentKey("train/3", config, f.pipelineSha, dataHash, ctx.backend);
  const runParams = { arch: p.arch, train: p.train, metrics: p.metrics, features: p.features, pipeline: f.pipelineSha, cacheKey: key };
  const label = trial ? `${p.model}#${trial.trialNumber}` : p.model;
  const started = Date.now();

  const cachedSha = ctx.useCache && !trial ? reg.cachedStep(key) : undefined;
  if (cachedSha && ctx.ws.artifacts.has(cachedSha)) {
    const stored = ctx.ws.artifacts.getJson(cachedSha) as { network: Record<string, unknown>; epochs: number };
    // --resume continues the interrupted invocation: a model it finished keeps its run, so the
    // export and register steps that follow find the version that run made instead of adding a copy
    // (or trained it and exited before the evaluate step finished its run: `mlspec step` runs them apart)
    const latest = ctx.resume
      ? reg
          .listRuns({ model: p.model, kind: "train" })
          .filter((r) => r.specHash === ctx.plan.specHash && r.dataHash === dataHash && r.params.cacheKey === key && (r.state === "complete" || r.state === "interrupted"))
          .at(-1)
      : undefined;
    const finished = latest?.state === "complete" || (latest && reg.claimRun(latest.id)) ? latest : undefined;
    const runId = finished?.id ?? reg.createRun({ kind: "train", modelName: p.model, specHash: ctx.plan.specHash, dataHash, seed: p.train.seed, backend: ctx.backend, params: { ...runParams, cachedFrom: cachedSha } });
    ctx.reporter.step(`train:${p.model}`, `cached: the same config, features, data and backend trained before (${stored.epochs} epochs)`);
    return base(p, runId, decodeNetwork(stored.network), cachedSha, labels.classes, runParams, true, stored.epochs, 0);
  }

  let runId: number | undefined;
  let resumeFrom: TrainCheckpoint | undefined;
  if (ctx.resume && !trial) {
    const prior = reg.findResumableRun(ctx.plan.specHash, dataHash, p.model, "train");
    const cp = prior && reg.lastCheckpoint(prior.id);
    if (prior && cp && reg.claimRun(prior.id)) {
      runId = prior.id;
      resumeFrom = JSON.parse(ctx.ws.artifacts.getText(cp.artifactSha256)) as TrainCheckpoint;
      ctx.reporter.step(`train:${p.model}`, `resuming run ${runId} after epoch ${cp.epoch}`);
    }
  }
  // claimed, so that it is this process's run (not `interrupted`) until it finishes
  if (trial?.resumeRunId !== undefined && reg.claimRun(trial.resumeRunId)) {
    runId = trial.resumeRunId;
    const cp = reg.lastCheckpoint(runId);
    if (cp) resumeFrom = JSON.parse(ctx.ws.artifacts.getText(cp.artifactSha256)) as TrainCheckpoint;
  }
  let restoring = false;
  if (trial?.restoreRunId !== undefined) {
    const cp = reg.lastCheckpoint(trial.restoreRunId);
    const last = cp && (JSON.parse(ctx.ws.artifacts.getText(cp.artifactSha256)) as TrainCheckpoint);
    if (last && (last.stopped !== null || last.rng.nextEpoch >= config.epochs)) {
      runId = trial.restoreRunId;
      resumeFrom = last;
      restoring = true;
    }
  }
  runId ??= reg.createRun({
    kind: trial ? "trial" : "train",
    modelName: p.model,
    specHash: ctx.plan.specHash,
    dataHash,
    seed: p.train.seed,
    backend: ctx.backend,
    params: runParams,
    ...(trial ? { searchName: trial.searchName, parentRunId: trial.parentRunId } : {}),
  });
  const id = runId;
  if (!restoring) trial?.onRun?.(id);
  try {
    // the epochs before the checkpoint were reported before the interruption: the pruner sees them again, in order
    if (trial?.onEpoch && resumeFrom) for (const r of resumeFrom.history) trial.onEpoch(r.epoch + 1, r.val, r.loss);
    const train = trial?.trainer ?? trainNetwork;
    // the metric a progress line shows: the one early stopping watches, else the validation loss
    const watched = p.train.earlyStop?.split === "validation" ? `val.${p.train.earlyStop.metric}` : "val.loss";
    const result = await train(config, data, {
      resumeFrom,
      onEpoch: (epoch, report) => {
        // the trainer counts epochs from 0; everything a user reads counts them from 1
        reg.logEpoch(id, epoch + 1, { loss: report.loss, ...Object.fromEntries(Object.entries(report.val).map(([k, v]) => [`val.${k}`, v])) });
        if (!trial?.quiet) ctx.reporter.epoch(label, epoch + 1, p.train.epochs, report.loss, report.val, watched);
        return trial?.onEpoch?.(epoch + 1, report.val, report.loss);
      },
      // trials checkpoint too: a search resumed after a crash continues its running trials
      onCheckpoint: (epoch, checkpoint) => {
        const sha = ctx.ws.artifacts.put(JSON.stringify(checkpoint), { kind: "checkpoint", run: id, epoch: epoch + 1 });
        reg.saveCheckpoint(id, epoch + 1, sha);
      },
    });
    ctx.reporter.endBar();
    const trainMs = Date.now() - started;
    if (!restoring) reg.logTiming(id, "train", trainMs);
    const network = scale ? unscaleNetwork(result.network, scale) : result.network;
    const stored = { network: encodeNetwork(network), epochs: result.history.epochs.length, stopReason: result.history.stopReason, bestEpoch: result.history.bestEpoch === null ? null : result.history.bestEpoch + 1 };
    const sha = ctx.ws.artifacts.put(JSON.stringify(stored), { kind: "network", model: p.model, run: id });
    if (!trial) reg.cacheStep(key, "train", sha);
    if (!trial) {
      const why = result.history.stopReason === "early_stop" ? `, early stop (best epoch ${stored.bestEpoch})` : "";
      ctx.reporter.step(`train:${p.model}`, `${stored.epochs} epochs in ${(trainMs / 1000).toFixed(1)}s on ${ctx.backend}${why}`);
    }
    return { ...base(p, id, network, sha, labels.classes, runParams, false, stored.epochs, trainMs, result.history.stopReason === "callback"), history: result.history };
  } catch (e) {
    ctx.reporter.endBar();
    const reason = e instanceof DivergedError ? `diverged: ${e.message}` : (e as Error).message;
    // a restored run finished long ago, as what it was
    if (!restoring) reg.finishRun(id, { state: "failed", reason });
    if (trial) throw e;
    throw new RunError(`training \`${p.model}\` failed: ${reason}`, EXIT.trainingFailed, e instanceof DivergedError ? ["lower the learning rate, or standardize the inputs"] : []);
  }
}

function base(
  p: StepOf<"train">["params"],
  runId: number,
  network: Network,
  networkSha: string,
  classes: string[] | undefined,
  params: Record<string, unknown>,
  cached: boolean,
  epochs: number,
  trainMs: number,
  stoppedByCallback = false,
): TrainedModel & { stoppedByCallback: boolean } {
  return {
    model: p.model,
    runId,
    task: p.task,
    metrics: {},
    gate: { passed: true, reasons: [] },
    cached,
    epochs,
    trainMs,
    network,
    networkSha,
    features: p.features,
    classes,
    params,
    stoppedByCallback,
  };
}
