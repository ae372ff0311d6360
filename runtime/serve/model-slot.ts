/**
 * A model reference a serve answers with (`churn_mlp@champion`) and the
 * version loaded behind it. `refresh` looks the alias up again; when it has
 * moved, the new version is loaded and warmed beside the old one, new requests
 * switch to it in one assignment, and the old one finishes what it already
 * accepted before it is released. No request is dropped or sent to a model
 * that is not warm.
 */
import { RegistryNotFoundError, WorkspaceError } from "../workspace/errors.js";
import type { ModelVersion } from "../workspace/registry.js";
import type { Workspace } from "../workspace/workspace.js";
import { AdaptiveBatcher, DirectRunner, type RowRunner } from "./batcher.js";
import { ServeError } from "./errors.js";
import { loadModel, type LoadedModel, type RowPrediction, type TaskHint } from "./loaded-model.js";
import type { ServeMetrics } from "./metrics.js";
import type { ExecutorKind } from "./ort-executor.js";
import type { RequestRow } from "./request-schema.js";

export type ServeEvent =
  | { kind: "loaded"; serve: string; role: SlotRole; model: string; version: number }
  | { kind: "swapped"; serve: string; role: SlotRole; model: string; from: number; to: number }
  | { kind: "load_failed"; serve: string; role: SlotRole; model: string; version: number; message: string }
  /** The primary could not be loaded: the fallback answers every request, and the primary is retried. */
  | { kind: "degraded"; serve: string; model: string; message: string; retryInMs: number }
  /** A degraded serve's primary loaded on a retry and answers again. */
  | { kind: "recovered"; serve: string; model: string; version: number }
  | { kind: "warning"; serve?: string; message: string };

/** `primary` (the serve's current slot), `fallback`, or a rollout slot's name (`candidate`, `shadow`, `arm:m@3`). */
export type SlotRole = string;

export interface SlotOptions {
  serve: string;
  role: SlotRole;
  ref: { model: string; alias: string };
  workspace: Workspace;
  executor: ExecutorKind;
  hint?: TaskHint;
  /** Merge concurrent requests into one run; undefined: each request runs alone. */
  batching?: { maxBatch: number; maxWaitMs: number };
  /** Rows run once through a freshly loaded version before it takes traffic. */
  warmRows: RequestRow[];
  metrics: ServeMetrics;
  onEvent: (event: ServeEvent) => void;
  /** Refuse a loaded version that cannot serve this endpoint (throw a ServeError): it is never swapped in. */
  accept?: (model: LoadedModel) => void;
}

interface Active {
  model: LoadedModel;
  runner: RowRunner<RequestRow, RowPrediction>;
}

export type RefreshOutcome = "unchanged" | "swapped" | "failed";

export class ModelSlot {
  private active!: Active;
  private refreshing: Promise<RefreshOutcome> | null = null;
  private failedVersion: number | null = null;
  /** The last lookup problem reported, so that a poll every few seconds does not repeat it. */
  private lastProblem: string | null = null;
  private closed = false;

  private constructor(private readonly options: SlotOptions) {}

  /** Resolve the alias and load its version, warm. Throws ServeError when there is nothing to serve. */
  static async open(options: SlotOptions): Promise<ModelSlot> {
    const slot = new ModelSlot(options);
    const version = slot.resolve();
    slot.active = await slot.load(version);
    options.onEvent({ kind: "loaded", serve: options.serve, role: options.role, model: version.name, version: version.version });
    return slot;
  }

  get ref(): string {
    return `${this.options.ref.model}@${this.options.ref.alias}`;
  }

  get model(): LoadedModel {
    return this.active.model;
  }

  get queuedRows(): number {
    return this.active.runner.queuedRows;
  }

  /** Run rows on the version current now; resolves with its answers and the version that gave them. */
  submit(rows: readonly RequestRow[], deadline: number): Promise<{ predictions: RowPrediction[]; model: LoadedModel }> {
    const { model, runner } = this.active;
    return runner.submit(rows, deadline).then((predictions) => ({ predictions, model }));
  }

  /**
   * Look the alias up; load and switch to a new version if it moved. A version
   * that failed to load is not tried again until the alias moves, unless
   * `retryFailed` (SIGHUP). Concurrent calls share one refresh.
   */
  refresh(options: { retryFailed?: boolean } = {}): Promise<RefreshOutcome> {
    if (this.closed) return Promise.resolve("unchanged");
    this.refreshing ??= this.doRefresh(options.retryFailed ?? false).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.refreshing) await this.refreshing.catch(() => undefined);
    await this.retire(this.active);
  }

  private async doRefresh(retryFailed: boolean): Promise<RefreshOutcome> {
    const { serve, role, onEvent, metrics } = this.options;
    let version: ModelVersion;
    try {
      version = this.resolve();
    } catch (error) {
      // the alias was removed or the registry is busy: keep serving what is loaded
      const message = `${(error as Error).message}; still serving version ${this.active.model.identity.version}`;
      if (message !== this.lastProblem) onEvent({ kind: "warning", serve, message });
      this.lastProblem = message;
      return "failed";
    }
    this.lastProblem = null;
    const current = this.active.model;
    if (version.version === current.identity.version && current.healthy) return "unchanged";
    if (version.version === this.failedVersion && !retryFailed) return "failed";
    let next: Active;
    try {
      next = await this.load(version);
    } catch (error) {
      this.failedVersion = version.version;
      metrics.loadFailed(serve, version.name);
      onEvent({ kind: "load_failed", serve, role, model: version.name, version: version.version, message: (error as Error).message });
      return "failed";
    }
    if (this.closed) {
      await this.retire(next);
      return "unchanged";
    }
    this.failedVersion = null;
    const previous = this.active;
    this.active = next; // from here on new requests go to the new version
    metrics.swapped(serve, version.name);
    onEvent({ kind: "swapped", serve, role, model: version.name, from: previous.model.identity.version, to: version.version });
    await this.retire(previous);
    return "swapped";
  }

  private resolve(): ModelVersion {
    const { workspace, ref, serve } = this.options;
    try {
      return workspace.registry.resolve(ref.model, ref.alias);
    } catch (error) {
      if (error instanceof RegistryNotFoundError || error instanceof WorkspaceError) {
        throw new ServeError("NO_MODEL_VERSION", `serve ${serve}: nothing to serve for ${this.ref}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  private async load(version: ModelVersion): Promise<Active> {
    const { workspace, executor, hint, batching, serve, metrics, warmRows } = this.options;
    let bytes: Uint8Array;
    try {
      bytes = workspace.artifacts.get(version.artifactSha256);
    } catch (error) {
      throw new ServeError("MODEL_ARTIFACT", `serve ${serve}: ${version.name} version ${version.version}: ${(error as Error).message}`, { cause: error });
    }
    const model = await loadModel(
      bytes,
      {
        name: version.name,
        version: version.version,
        aliases: version.aliases,
        metrics: version.metrics,
        createdAt: version.createdAt,
        artifactSha256: version.artifactSha256,
      },
      { executor, ...(hint ? { hint } : {}) },
    );
    try {
      this.options.accept?.(model);
    } catch (error) {
      await model.dispose();
      throw error;
    }
    try {
      // a few runs so that the first request does not pay for onnxruntime's first allocations
      for (let i = 0; i < 3; i++) await model.run(warmRows);
    } catch (error) {
      await model.dispose();
      throw new ServeError("MODEL_WARMUP_FAILED", `serve ${serve}: ${version.name} version ${version.version} failed its warm-up run: ${(error as Error).message}`, { cause: error });
    }
    const label = `${version.name} version ${version.version}`;
    const onBatch = (rows: number) => metrics.batch(serve, version.name, rows);
    const run = (rows: readonly RequestRow[]) => model.run(rows);
    const runner: RowRunner<RequestRow, RowPrediction> = batching
      ? new AdaptiveBatcher(run, { ...batching, maxInFlight: executor === "worker" ? 2 : 1 }, label, onBatch)
      : new DirectRunner(run, label, onBatch);
    return { model, runner };
  }

  private async retire(active: Active): Promise<void> {
    await active.runner.close();
    await active.model.dispose();
  }
}
