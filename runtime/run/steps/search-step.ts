/**
 * The search step: a study over the model's hyperparameters (spec/language.md#search).
 * Each trial is a tracked run; pruners see its per-epoch validation values; a
 * failed or diverging trial is recorded and the search goes on. The best trial's
 * model continues to evaluation, gates, export and registration like a single run.
 */
import type { StepOf } from "../../../compiler/plan/schema.js";
import { trialTemplateOf } from "../../../compiler/plan/steps-to-run.js";
import * as os from "node:os";
import { builtins } from "../../../stdlib/index.js";
import { RunError, EXIT } from "../errors.js";
import { fmt } from "../reporter.js";
import type { TrainHistory } from "../../train/fit.js";
import type { TrialRecord } from "../../workspace/trials.js";
import type { StepContext, StepRunner } from "../step-context.js";
import { keptEpoch, type TrainedModel, trainModel } from "../train-model.js";

type JsonObject = Record<string, unknown>;

/**
 * Sets `a.b.c` inside the train step's params (arch.*, train.*, train.optimizer.*).
 * A sampled optimizer kind is applied first: it keeps the base optimizer's
 * parameters that the chosen optimizer also takes, then sampled parameters win.
 */
export function applyAssignment(base: StepOf<"train">, assignment: Record<string, unknown>): StepOf<"train"> {
  const step = JSON.parse(JSON.stringify(base)) as StepOf<"train">;
  const p = step.params;
  const kind = assignment["train.optimizer"];
  if (kind !== undefined && kind !== p.train.optimizer.kind) {
    const accepts = new Set((builtins.optimizers.get(String(kind))?.params ?? []).map((x) => x.name));
    const kept = Object.fromEntries(Object.entries(p.train.optimizer.params).filter(([k]) => accepts.has(k)));
    p.train.optimizer = { kind: String(kind), params: kept };
  }
  for (const [path, value] of Object.entries(assignment)) {
    const parts = path.split(".");
    if (path === "train.optimizer") continue;
    if (parts[0] === "arch") (p.arch.params as JsonObject)[parts[1]!] = value;
    else if (parts[0] === "train" && parts[1] === "optimizer") (p.train.optimizer.params as JsonObject)[parts[2]!] = value;
    else if (path === "train.epochs") p.train.epochs = Number(value);
    else if (path === "train.batch") p.train.batchSize = Number(value);
  }
  return step;
}

/**
 * The objective of one epoch: a validation figure (`val.loss` is the validation loss, as
 * early stopping reads it); the training loss only when the model has no validation rows.
 */
export function objectiveOf(key: string, loss: number, val: Record<string, number>): number {
  return val[key] ?? (key === "loss" ? loss : NaN);
}

/**
 * A trial is ranked by the weights it keeps: with early stopping that is the best
 * epoch's, not the last one's. Returns that value and the kept epoch (0-based).
 */
export function keptObjective(key: string, history: TrainHistory): { value: number; epoch: number } {
  const epoch = keptEpoch(history);
  const record = history.epochs.find((e) => e.epoch === epoch);
  return { value: record === undefined ? NaN : objectiveOf(key, record.loss, record.val), epoch };
}

function paramsText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(3)) : JSON.stringify(v)}`)
    .join(" ");
}

export const searchStep: StepRunner<"search"> = {
  async run(step, ctx) {
    // the plan's train step this search depends on is its trial template, not trained by itself
    return { model: await runSearch(step, trialTemplateOf(ctx.plan, step), ctx) };
  },
};

export async function runSearch(step: StepOf<"search">, base: StepOf<"train">, ctx: StepContext): Promise<TrainedModel> {
  const search = await import("../../search/index.js");
  const p = step.params;
  const reg = ctx.ws.registry;
  const f = ctx.features(base.params.features);
  const dataHash = ctx.dataHash(f.dataset);
  const space = search.validateSearchSpace(p.space);
  const sampler = await search.createSampler(p.sampler);
  const pruner = await search.createPruner(p.pruner);

  // the 0-based epoch whose weights each complete trial kept (what its value is of)
  const kept = new Map<number, number>();
  // resume: an unfinished search run of this spec and data keeps its finished trials
  let searchRunId: number | undefined;
  let previous: unknown[] = [];
  // trials a crash left running: re-run under their numbers, each continuing its own run from its last checkpoint
  const interruptedRuns = new Map<number, number>();
  if (ctx.resume) {
    // the latest search of this spec and data: a finished one is the search --resume continues past
    const prior = reg
      .listRuns({ model: p.model, kind: "search" })
      .filter((r) => r.specHash === ctx.plan.specHash && r.dataHash === dataHash && r.searchName === p.search && (r.state === "complete" || r.state === "interrupted"))
      .at(-1);
    if (prior?.state === "complete") return reuseSearch(prior.id, step, base, ctx);
    if (prior && reg.claimRun(prior.id)) {
      searchRunId = prior.id;
      const recorded = reg.listTrials(prior.id);
      const finished = recorded.filter((t) => t.state !== "running");
      const interrupted = recorded.filter((t) => t.state === "running");
      for (const t of interrupted) if (t.runId !== null) interruptedRuns.set(t.number, t.runId);
      settleDeadTrialRuns(prior.id, p.objective.metric, finished, new Set(interruptedRuns.values()), ctx);
      for (const t of finished) {
        const epoch = t.state === "complete" && t.runId !== null ? reg.getRun(t.runId).metrics?.["kept_epoch"] : undefined;
        if (epoch !== undefined) kept.set(t.number, epoch - 1);
      }
      previous = [
        ...finished.map((t) => ({ number: t.number, params: t.params, state: t.state, value: t.value, intermediate: t.intermediate, reason: t.reason, durationSeconds: t.durationMs === null || t.durationMs === undefined ? null : t.durationMs / 1000 })),
        ...interrupted.map((t) => ({ number: t.number, params: t.params, state: "running", value: null, intermediate: [], reason: null, durationSeconds: null })),
      ];
      const continued = interrupted.length > 0 ? `, ${interrupted.length} interrupted ${interrupted.length === 1 ? "trial continues" : "trials continue"} from ${interrupted.length === 1 ? "its" : "their"} last checkpoint` : "";
      ctx.reporter.step(step.id, `resuming search run ${prior.id}: ${finished.length} finished trials kept${continued}`);
    }
  }
  searchRunId ??= reg.createRun({ kind: "search", modelName: p.model, searchName: p.search, specHash: ctx.plan.specHash, dataHash, seed: p.sampler.seed, backend: ctx.backend, params: { space: p.space, sampler: p.sampler, objective: p.objective, pruner: p.pruner ?? null } });
  const parentId = searchRunId;

  const study = new search.Study({
    space,
    direction: p.objective.direction,
    sampler,
    pruner,
    seed: p.sampler.seed,
    ...(p.sampler.trials !== undefined ? { maxTrials: p.sampler.trials } : {}),
    ...(p.sampler.timeoutMs !== undefined ? { timeoutSeconds: p.sampler.timeoutMs / 1000 } : {}),
    trials: previous as never,
    ...(ctx.clock ? { now: ctx.clock } : {}),
  });
  const models = new Map<number, TrainedModel>();
  const runIds = new Map<number, number>();
  // one worker per concurrent trial, never more than the cores unless the caller insists
  const cores = os.availableParallelism();
  const parallel = ctx.parallelOverride ?? Math.min(p.sampler.parallel, cores);
  if (parallel < p.sampler.parallel) ctx.reporter.step(step.id, `parallel = ${p.sampler.parallel} capped at ${cores} cores (pass --parallel to insist)`);
  const { TrialPool } = await import("../trial-pool.js");
  const pool = parallel > 1 ? await TrialPool.start(parallel, ctx.backend) : undefined;
  const objectiveKey = p.objective.metric;
  const started = Date.now();
  try {
    await study.optimize(
      async (trial) => {
        const trialStep = applyAssignment(base, trial.params);
        const model = await trainModel(trialStep, ctx, {
          runKind: "trial",
          parentRunId: parentId,
          searchName: p.search,
          trialNumber: trial.number,
          quiet: true,
          ...(pool ? { trainer: (c, d, o) => pool.train(c, d, o) } : {}),
          ...(interruptedRuns.has(trial.number) ? { resumeRunId: interruptedRuns.get(trial.number)! } : {}),
          // recorded as running at once, so that a crash from here on leaves a trial to continue
          onRun: (runId) => {
            runIds.set(trial.number, runId);
            reg.recordTrial({ searchRunId: parentId, number: trial.number, params: trial.params, state: "running", runId });
          },
          // pruners compare per-epoch values; the final rank uses the kept weights' value
          onEpoch: (epoch, val, loss) => (trial.report(epoch, objectiveOf(objectiveKey, loss, val)) ? "stop" : undefined),
        });
        models.set(trial.number, model);
        const outcome = keptObjective(objectiveKey, model.history!);
        kept.set(trial.number, outcome.epoch);
        return outcome.value;
      },
      {
        parallel,
        onTrialFinished: (t) => {
          reg.recordTrial({ searchRunId: parentId, number: t.number, params: t.params, state: t.state, value: t.value ?? undefined, intermediate: [...t.intermediate], reason: t.reason ?? undefined, durationMs: t.durationSeconds === null ? null : t.durationSeconds * 1000, runId: runIds.get(t.number) ?? null });
          const m = models.get(t.number);
          const epoch = t.state === "complete" ? kept.get(t.number) : undefined;
          if (m) reg.finishRun(m.runId, { state: t.state === "pruned" ? "pruned" : t.state === "failed" ? "failed" : "complete", metrics: { [`val.${objectiveKey}`]: t.value ?? NaN, ...(epoch === undefined ? {} : { kept_epoch: epoch + 1 }) }, ...(t.reason ? { reason: t.reason } : {}) });
          const params = paramsText(t.params);
          const at = epoch === undefined ? "" : ` (epoch ${epoch + 1})`;
          ctx.reporter.line(`  trial ${String(t.number).padStart(3)} ${t.state.padEnd(8)} ${objectiveKey} ${t.value === null || t.value === undefined ? "-" : fmt(t.value)}${at}  ${params}${t.reason ? `  (${t.reason})` : ""}`);
        },
      },
    );
  } finally {
    await pool?.close();
  }
  const trials = study.trials;
  const best = study.best();
  ctx.reporter.table(
    ["trial", "state", p.objective.metric, "epoch", "seconds", "params"],
    trials.map((t) => [String(t.number), t.state, t.value === null || t.value === undefined ? "-" : fmt(t.value), kept.has(t.number) ? String(kept.get(t.number)! + 1) : "-", (t.durationSeconds ?? 0).toFixed(1), paramsText(t.params)]),
  );
  if (!best) {
    reg.finishRun(parentId, { state: "failed", reason: "no trial completed" });
    throw new RunError(`search \`${p.search}\`: no trial completed`, EXIT.trainingFailed, trials.filter((t) => t.reason).slice(0, 5).map((t) => `trial ${t.number}: ${t.reason}`));
  }
  reg.finishRun(parentId, { state: "complete", metrics: { [`best.${objectiveKey}`]: best.value ?? NaN, trials: trials.length } });
  ctx.reporter.step(step.id, `best trial ${best.number}: ${objectiveKey} ${fmt(best.value ?? NaN)} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  // the best trial finished before a resume: its model is read back from its own run
  const model = models.get(best.number) ?? (await restoreTrial(parentId, best, step, base, ctx));
  return { ...model, params: { ...model.params, search: p.search, trial: best.number, assignment: best.params } };
}

/**
 * The model of a finished trial, read back from its run's last checkpoint, so that the
 * search's model is that run's (the version it registered is found again). A trial
 * without such a checkpoint is trained again (same seed, same bytes) in a new run.
 */
async function restoreTrial(searchRunId: number, trial: { number: number; params: Record<string, unknown> }, step: StepOf<"search">, base: StepOf<"train">, ctx: StepContext): Promise<TrainedModel> {
  const reg = ctx.ws.registry;
  const runId = reg.listTrials(searchRunId).find((t) => t.number === trial.number)?.runId ?? undefined;
  const model = await trainModel(applyAssignment(base, trial.params), ctx, { runKind: "trial", parentRunId: searchRunId, searchName: step.params.search, trialNumber: trial.number, quiet: true, ...(runId === undefined ? {} : { restoreRunId: runId }) });
  if (model.runId !== runId) {
    const again = keptObjective(step.params.objective.metric, model.history!);
    reg.finishRun(model.runId, { state: "complete", metrics: { [`val.${step.params.objective.metric}`]: again.value, kept_epoch: again.epoch + 1 } });
  }
  return model;
}

/**
 * `--resume` of a search that finished before the kill (the kill came in a later
 * step): its trials stand and its model is the best trial's run's, as the
 * interrupted invocation had it, so export and register find what they made.
 */
async function reuseSearch(searchRunId: number, step: StepOf<"search">, base: StepOf<"train">, ctx: StepContext): Promise<TrainedModel> {
  const p = step.params;
  const reg = ctx.ws.registry;
  const trials = reg.listTrials(searchRunId);
  const key = p.objective.metric;
  let best: (typeof trials)[number] | undefined;
  for (const t of trials) {
    if (t.state !== "complete" || t.value === null) continue;
    // earliest on ties, as the study ranks
    if (best === undefined || (p.objective.direction === "minimize" ? t.value < best.value! : t.value > best.value!)) best = t;
  }
  if (!best) throw new RunError(`search \`${p.search}\`: run ${searchRunId} finished without a complete trial`, EXIT.trainingFailed);
  const keptOf = (t: (typeof trials)[number]) => (t.runId === null ? undefined : reg.getRun(t.runId).metrics?.["kept_epoch"]);
  ctx.reporter.step(step.id, `search run ${searchRunId} finished before the interruption: its ${trials.length} trials stand`);
  ctx.reporter.table(
    ["trial", "state", key, "epoch", "seconds", "params"],
    trials.map((t) => [String(t.number), t.state, t.value === null ? "-" : fmt(t.value), String(keptOf(t) ?? "-"), ((t.durationMs ?? 0) / 1000).toFixed(1), paramsText(t.params)]),
  );
  ctx.reporter.step(step.id, `best trial ${best.number}: ${key} ${fmt(best.value!)}`);
  const model = await restoreTrial(searchRunId, best, step, base, ctx);
  return { ...model, params: { ...model.params, search: p.search, trial: best.number, assignment: best.params } };
}

/**
 * Trial runs a kill left running that no trial continues: a finished trial's run
 * (the kill came between recording the trial and finishing its run) finishes as
 * its trial did; a run whose trial was never recorded fails as interrupted.
 */
function settleDeadTrialRuns(searchRunId: number, objectiveKey: string, finished: readonly TrialRecord[], continued: ReadonlySet<number>, ctx: StepContext): void {
  const reg = ctx.ws.registry;
  const byRun = new Map(finished.filter((t) => t.runId !== null).map((t) => [t.runId!, t]));
  for (const run of reg.listRuns({ kind: "trial", state: "interrupted" })) {
    if (run.parentRunId !== searchRunId || continued.has(run.id) || !reg.claimRun(run.id)) continue;
    const t = byRun.get(run.id);
    if (t) reg.finishRun(run.id, { state: t.state === "complete" ? "complete" : t.state === "pruned" ? "pruned" : "failed", metrics: { [`val.${objectiveKey}`]: t.value ?? NaN }, ...(t.reason ? { reason: t.reason } : {}) });
    else reg.finishRun(run.id, { state: "failed", reason: "interrupted before its trial was recorded" });
  }
}
