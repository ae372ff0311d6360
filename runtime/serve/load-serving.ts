/**
 * `loadServing(specPath, options)`: everything `mlspec serve` runs, in
 * process and without HTTP. Compiles the spec, opens its workspace, loads and
 * warms the model behind each serve block's alias (and its fallback), opens
 * the prediction log, and watches the registry for aliases that move.
 *
 *   const serving = await loadServing("churn.mlspec");
 *   const { predictions } = await serving.predict({ tenure: 12, plan: "pro", ... });
 *   await serving.close();
 */
import { existsSync } from "node:fs";
import { randomUUID } from "node:crypto";
import type { Plan, ServePlan } from "../../compiler/plan/schema.js";
import { openWorkspace, defaultWorkspaceDir, type Workspace } from "../workspace/workspace.js";
import { RequestError, ServeError } from "./errors.js";
import { RolloutStore } from "../workspace/rollouts.js";
import { ServeMetrics, type RolloutGaugeSource } from "./metrics.js";
import type { ServeEvent } from "./model-slot.js";
import type { ExecutorKind } from "./ort-executor.js";
import { openPredictionSink, type PredictionSink, type PredictionSinkOptions } from "./prediction-log.js";
import type { RequestRow } from "./request-schema.js";
import { ServeEndpoint, type ModelDescription, type PredictResult, type PrimaryRetry } from "./serve-endpoint.js";
import { planForServing } from "./serve-plan.js";

export { planForServing } from "./serve-plan.js";

export interface LoadServingOptions {
  /** The spec's plan, when the caller has compiled it already (default: compile `specPath`). */
  plan?: Plan;
  /** Workspace directory (default: `.mlspec/` beside the spec). */
  workspace?: string;
  /** Only these serve blocks (default: all). */
  serves?: string[];
  /** Where onnxruntime runs: the event-loop thread (default) or a worker thread per model. */
  executor?: ExecutorKind;
  /** How often to look for aliases that moved, in ms (default 2000; 0: only on refresh()). */
  pollMs?: number;
  /** Log every prediction to the workspace (default true); options tune the batched writer. */
  predictionLog?: boolean | PredictionSinkOptions;
  /** Most rows in one request (default 10,000). */
  maxInstances?: number;
  /** Model loads, swaps, failures and warnings, as they happen. */
  onEvent?: (event: ServeEvent) => void;
  /** How a primary that fails to load is retried while its fallback answers (tests pass their own scheduler). */
  primaryRetry?: PrimaryRetry;
  /** Uniform numbers in [0, 1) for routing and shadow sampling (tests pass a seeded one). */
  random?: () => number;
  /** Runs before each shadow copy is sent (tests hold copies back). */
  beforeShadow?: (requestId: string) => Promise<void>;
}

export interface Serving {
  readonly specPath: string;
  readonly plan: Plan;
  readonly workspace: Workspace;
  readonly endpoints: readonly ServeEndpoint[];
  readonly metrics: ServeMetrics;
  /** The serve block's settings as planned. */
  servePlan(name: string): ServePlan;
  /** One serve block by name; the only one when `name` is left out. */
  endpoint(name?: string): ServeEndpoint;
  /** Predict one row or many, as `POST /v1/<serve>/predict` does; throws RequestError for rows that break the contract. */
  predict(rows: RequestRow | RequestRow[], options?: { serve?: string; requestId?: string; headers?: Record<string, string | undefined> }): Promise<PredictResult>;
  /** What `GET /v1/<serve>/model` answers. */
  describe(serve?: string): ModelDescription;
  /** Look every alias up now and swap the ones that moved; `retryFailed` tries versions that failed to load again. */
  refresh(options?: { retryFailed?: boolean }): Promise<void>;
  /** Models loaded and warm, not closing (a degraded serve is ready: its fallback answers). */
  readonly ready: boolean;
  /** close() has been called. */
  readonly closed: boolean;
  /** Where predictions are logged: by a writer thread, on the main thread, or not at all. */
  readonly predictionLog: "thread" | "main" | "off";
  /** Finish accepted requests, release models, flush the prediction log, close the workspace. Idempotent. */
  close(): Promise<void>;
}

export async function loadServing(specPath: string, options: LoadServingOptions = {}): Promise<Serving> {
  const plan = options.plan ?? planForServing(specPath);
  let serves = plan.serves;
  if (options.serves) {
    const known = new Set(plan.serves.map((s) => s.name));
    const unknown = options.serves.filter((s) => !known.has(s));
    if (unknown.length > 0) {
      throw new ServeError("NO_SUCH_SERVE", `${specPath} has no serve block ${unknown.join(", ")}; it has ${[...known].join(", ") || "none"}`);
    }
    serves = plan.serves.filter((s) => options.serves!.includes(s.name));
  }
  if (serves.length === 0) throw new ServeError("NO_SERVE", `${specPath} has no serve block: nothing to serve`);

  const workspaceDir = options.workspace ?? defaultWorkspaceDir(specPath);
  if (!existsSync(workspaceDir)) {
    throw new ServeError("NO_WORKSPACE", `no workspace at ${workspaceDir}: train and register a model first (mlspec run ${specPath})`);
  }
  let workspace: Workspace;
  try {
    workspace = openWorkspace(workspaceDir);
  } catch (error) {
    throw new ServeError("NO_WORKSPACE", `cannot open workspace ${workspaceDir}: ${(error as Error).message}`, { cause: error });
  }

  const onEvent = options.onEvent ?? (() => undefined);
  const metrics = new ServeMetrics();
  const endpoints: ServeEndpoint[] = [];
  let sink: PredictionSink | undefined;
  const executor = options.executor ?? "inline";
  try {
    if (options.predictionLog !== false) {
      const sinkOptions = typeof options.predictionLog === "object" ? options.predictionLog : {};
      sink = await openPredictionSink(workspace, {
        onWarning: (message) => onEvent({ kind: "warning", message }),
        onWait: () => metrics.predictionLogWait(),
        ...sinkOptions,
      });
    }
    for (const serve of serves) {
      endpoints.push(
        await ServeEndpoint.open({
          plan,
          serve,
          workspace,
          executor,
          metrics,
          onEvent,
          ...(sink ? { sink } : {}),
          ...(options.maxInstances !== undefined ? { maxInstances: options.maxInstances } : {}),
          ...(options.primaryRetry ? { primaryRetry: options.primaryRetry } : {}),
          ...(options.random ? { random: options.random } : {}),
          ...(options.beforeShadow ? { beforeShadow: options.beforeShadow } : {}),
        }),
      );
    }
  } catch (error) {
    await Promise.all(endpoints.map((e) => e.close()));
    if (sink) await sink.close();
    workspace.close();
    throw error;
  }
  metrics.setModelSource(() => endpoints.flatMap((e) => e.gaugeSources()));
  metrics.setServeSource(() => endpoints.map((e) => ({ serve: e.name, degraded: e.degraded !== undefined })));
  const served = new Set(endpoints.map((e) => e.name));
  const rollouts = new RolloutStore(workspace.registry.db, Date.now);
  // read from the rollouts table when scraped: whichever server drives a rollout, each one exports its state
  metrics.setRolloutSource(() => rollouts.list().flatMap((r) => (served.has((r.state as RolloutGaugeSource).serve) ? [r.state as RolloutGaugeSource] : [])));
  metrics.setRouterSource(() => endpoints.flatMap((e) => (e.router.rollout === null ? [] : [{ serve: e.name, rollout: e.router.rollout, weights: e.router.weights }])));

  let closing: Promise<void> | undefined;
  const pollMs = options.pollMs ?? 2000;
  let poller: NodeJS.Timeout | undefined;
  const refresh = async (refreshOptions: { retryFailed?: boolean } = {}) => {
    if (closing) return;
    await Promise.all(endpoints.map((e) => e.refresh(refreshOptions)));
  };
  if (pollMs > 0) {
    const tick = () => {
      refresh()
        .catch((error: Error) => onEvent({ kind: "warning", message: `registry poll failed: ${error.message}` }))
        .finally(() => {
          if (!closing) {
            poller = setTimeout(tick, pollMs);
            poller.unref();
          }
        });
    };
    poller = setTimeout(tick, pollMs);
    poller.unref();
  }

  const byName = new Map(endpoints.map((e) => [e.name, e]));
  const endpoint = (name?: string): ServeEndpoint => {
    if (name === undefined) {
      if (endpoints.length === 1) return endpoints[0]!;
      throw new ServeError("WHICH_SERVE", `this spec serves ${endpoints.map((e) => e.name).join(", ")}: say which`);
    }
    const found = byName.get(name);
    if (!found) throw new ServeError("NO_SUCH_SERVE", `no serve block ${name}; serving ${endpoints.map((e) => e.name).join(", ")}`);
    return found;
  };

  return {
    specPath,
    plan,
    workspace,
    endpoints,
    metrics,
    servePlan(name) {
      endpoint(name); // throws for a name that is not served
      return serves.find((s) => s.name === name)!;
    },
    endpoint,
    async predict(rows, predictOptions = {}) {
      if (closing) throw new ServeError("CLOSED", "serving is closed");
      const target = endpoint(predictOptions.serve);
      const list = Array.isArray(rows) ? rows : [rows];
      if (list.length === 0) throw new RequestError(400, "no rows to predict");
      target.validator.checkRows(list);
      const assignment = target.route({ body: Array.isArray(rows) ? { instances: list } : rows, headers: predictOptions.headers ?? {} });
      const context = { requestId: predictOptions.requestId ?? randomUUID(), receivedAt: performance.now(), time: Date.now(), assignment };
      const result = await target.predict(list, context);
      setImmediate(() => target.shadow(list, context, result));
      return result;
    },
    describe: (serve) => endpoint(serve).describe(),
    refresh,
    get ready() {
      return !closing && endpoints.every((e) => e.ready);
    },
    get closed() {
      return closing !== undefined;
    },
    predictionLog: sink?.where ?? "off",
    close() {
      closing ??= (async () => {
        if (poller) clearTimeout(poller);
        await Promise.all(endpoints.map((e) => e.close()));
        let dropped = 0;
        if (sink) dropped = await sink.close();
        if (dropped > 0) onEvent({ kind: "warning", message: `${dropped} predictions could not be written to the log` });
        workspace.close();
      })();
      return closing;
    },
  };
}
