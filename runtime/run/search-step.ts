/**
 * The search step: a study over the model's hyperparameters (spec/language.md#search).
 * Each trial is a tracked run; pruners see its per-epoch validation values; a
 * failed or diverging trial is recorded and the search goes on. The best trial's
 * model continues to evaluation, gates, export and registration like a single run.
 */
import type { StepOf } from "../../compiler/plan/schema.js";
import * as os from "node:os";
import { builtins } from "../../stdlib/index.js";
import { RunError, EXIT } from "./errors.js";
import { fmt } from "./reporter.js";
import { type TrainContext, type TrainedModel, trainModel } from "./train-step.js";

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

function paramsText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(3)) : JSON.stringify(v)}`)
    .join(" ");
}

export async function runSearch(step: StepOf<"search">, base: StepOf<"train">, ctx: TrainContext): Promise<TrainedModel> {
  const search = await import("../search/index.js");
  const p = step.params;
  const reg = ctx.ws.registry;
  const f = ctx.features(base.params.features);
  const dataHash = ctx.dataHash(f.dataset);
  const space = search.validateSearchSpace(p.space);
  const sampler = search.createSampler(p.sampler.kind === "tpe" ? { kind: "tpe", ...(p.sampler.startup ? { startupTrials: p.sampler.startup } : {}) } : p.sampler.kind === "grid" ? { kind: "grid", ...(p.sampler.points ? { continuousPoints: p.sampler.points } : {}) } : { kind: "random" });
  const pruner = p.pruner
    ? search.createPruner(
        p.pruner.kind === "median"
          ? { kind: "median", warmupSteps: Number(p.pruner.params.warmup ?? 1), minTrials: Number(p.pruner.params.min_trials ?? 5) }
          : { kind: "asha", minResource: Number(p.pruner.params.min_resource ?? 1), reductionFactor: Number(p.pruner.params.reduction ?? 3) },
      )
    : null;

  // resume: an unfinished search run of this spec and data keeps its finished trials
  let searchRunId: number | undefined;
  let previous: unknown[] = [];
  if (ctx.resume) {
    const prior = reg.findResumableRun(ctx.plan.specHash, dataHash, p.model, "search");
    if (prior && reg.claimRun(prior.id)) {
      searchRunId = prior.id;
      previous = reg
        .listTrials(prior.id)
        .filter((t) => t.state !== "running")
        .map((t) => ({ number: t.number, params: t.params, state: t.state, value: t.value, intermediate: t.intermediate, reason: t.reason, durationSeconds: t.durationMs === null || t.durationMs === undefined ? null : t.durationMs / 1000 }));
      ctx.reporter.step(step.id, `resuming search run ${prior.id}: ${previous.length} finished trials kept`);
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
  });
  const models = new Map<number, TrainedModel>();
  // one worker per concurrent trial, never more than the cores unless the caller insists
  const cores = os.availableParallelism();
  const parallel = ctx.parallelOverride ?? Math.min(p.sampler.parallel, cores);
  if (parallel < p.sampler.parallel) ctx.reporter.step(step.id, `parallel = ${p.sampler.parallel} capped at ${cores} cores (pass --parallel to insist)`);
  const { TrialPool } = await import("./trial-pool.js");
  const pool = parallel > 1 ? await TrialPool.start(parallel, ctx.backend) : undefined;
  const objectiveKey = p.objective.metric;
  const started = Date.now();
  try {
    await study.optimize(
      async (trial) => {
        const trialStep = applyAssignment(base, trial.params);
        let last = NaN;
        const model = await trainModel(trialStep, ctx, {
          runKind: "trial",
          parentRunId: parentId,
          searchName: p.search,
          trialNumber: trial.number,
          quiet: true,
          ...(pool ? { trainer: (c, d, o) => pool.train(c, d, o) } : {}),
          onEpoch: (epoch, val, loss) => {
            last = objectiveKey === "loss" ? loss : (val[objectiveKey] ?? NaN);
            return trial.report(epoch, last) ? "stop" : undefined;
          },
        });
        models.set(trial.number, model);
        return last;
      },
      {
        parallel,
        onTrialFinished: (t) => {
          reg.recordTrial({ searchRunId: parentId, number: t.number, params: t.params, state: t.state, value: t.value ?? undefined, intermediate: [...t.intermediate], reason: t.reason ?? undefined, durationMs: t.durationSeconds === null ? null : t.durationSeconds * 1000, runId: models.get(t.number)?.runId });
          const m = models.get(t.number);
          if (m) reg.finishRun(m.runId, { state: t.state === "pruned" ? "pruned" : t.state === "failed" ? "failed" : "complete", metrics: { [`val.${objectiveKey}`]: t.value ?? NaN }, ...(t.reason ? { reason: t.reason } : {}) });
          const params = paramsText(t.params);
          ctx.reporter.line(`  trial ${String(t.number).padStart(3)} ${t.state.padEnd(8)} ${objectiveKey} ${t.value === null || t.value === undefined ? "-" : fmt(t.value)}  ${params}${t.reason ? `  (${t.reason})` : ""}`);
        },
      },
    );
  } finally {
    await pool?.close();
  }
  const trials = study.trials;
  const best = study.best();
  ctx.reporter.table(
    ["trial", "state", p.objective.metric, "seconds", "params"],
    trials.map((t) => [String(t.number), t.state, t.value === null || t.value === undefined ? "-" : fmt(t.value), (t.durationSeconds ?? 0).toFixed(1), paramsText(t.params)]),
  );
  if (!best) {
    reg.finishRun(parentId, { state: "failed", reason: "no trial completed" });
    throw new RunError(`search \`${p.search}\`: no trial completed`, EXIT.trainingFailed, trials.filter((t) => t.reason).slice(0, 5).map((t) => `trial ${t.number}: ${t.reason}`));
  }
  reg.finishRun(parentId, { state: "complete", metrics: { [`best.${objectiveKey}`]: best.value ?? NaN, trials: trials.length } });
  ctx.reporter.step(step.id, `best trial ${best.number}: ${objectiveKey} ${fmt(best.value ?? NaN)} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  let model = models.get(best.number);
  if (!model) {
    // the best trial finished before a resume: retrain it (same seed, same bytes)
    model = await trainModel(applyAssignment(base, best.params), ctx, { runKind: "trial", parentRunId: parentId, searchName: p.search, trialNumber: best.number, quiet: true });
  }
  return { ...model, params: { ...model.params, search: p.search, trial: best.number, assignment: best.params } };
}
