/**
 * One `serve` block, running: its request contract, its primary model (and
 * fallback), deadlines, the prediction log. The HTTP routes and the in-process
 * API both go through `parse` and `predict` here.
 */
import type { Plan, ServePlan, Step, StepOf, TaskSpec } from "../../compiler/plan/schema.js";
import type { DatasetProfile } from "../data/profile.js";
import type { Workspace } from "../workspace/workspace.js";
import { DeadlineError, ModelClosedError, PredictionUnavailableError, ServeError } from "./errors.js";
import { exampleRow, findDatasetProfile, type ExampleSource } from "./example-request.js";
import type { LoadedModel, RowPrediction, TaskHint } from "./loaded-model.js";
import type { ModelGaugeSource, ServeMetrics } from "./metrics.js";
import { ModelSlot, type RefreshOutcome, type ServeEvent } from "./model-slot.js";
import type { ExecutorKind } from "./ort-executor.js";
import type { PredictionSink } from "./prediction-log.js";
import {
  columnsFromContract,
  RequestValidator,
  type JsonSchema,
  type ParsedRequest,
  type RequestColumn,
  type RequestRow,
  type RowContract,
} from "./request-schema.js";

export interface EndpointOptions {
  plan: Plan;
  serve: ServePlan;
  workspace: Workspace;
  executor: ExecutorKind;
  metrics: ServeMetrics;
  sink?: PredictionSink;
  onEvent: (event: ServeEvent) => void;
  /** Most rows in one request (default 10,000). */
  maxInstances?: number;
  /** A dataset profile for the example request; default: the newest one stored in the workspace. */
  profile?: DatasetProfile;
  /** How a primary that failed to load is retried while the fallback answers (default: real timers, 1 s doubling to 60 s). */
  primaryRetry?: PrimaryRetry;
}

/**
 * When and how to try a primary that failed to load again. `schedule` runs
 * `task` after `delayMs` and returns a cancel function; tests pass their own
 * to run retries without waiting.
 */
export interface PrimaryRetry {
  schedule?: (task: () => void, delayMs: number) => () => void;
  /** Delay before the first retry (default 1,000 ms); each later one doubles it, up to `maxDelayMs`. */
  firstDelayMs?: number;
  /** Longest delay between retries (default 60,000 ms). */
  maxDelayMs?: number;
}

/** A serve whose primary did not load: the fallback answers while the primary is retried. */
export interface Degraded {
  /** Why the primary is not serving: its last load error. */
  reason: string;
  /** ms since the epoch when the serve became degraded. */
  since: number;
  /** Loads of the primary tried since then, the first included. */
  attempts: number;
}

const realSchedule = (task: () => void, delayMs: number): (() => void) => {
  const timer = setTimeout(task, delayMs);
  timer.unref(); // a pending retry must not keep a closing process alive
  return () => clearTimeout(timer);
};

export interface ModelRef {
  readonly name: string;
  readonly version: number;
}

export interface PredictResult {
  requestId: string;
  predictions: RowPrediction[];
  /** The version that answered. */
  model: ModelRef;
  /**
   * Set when the fallback answered: why the primary did not (it failed, was too
   * slow, or is not loaded: "degraded", when `primary` names its alias).
   */
  fallback?: { reason: "error" | "timeout" | "degraded"; message: string; primary: ModelRef | { name: string; alias: string } };
  latencyMs: number;
}

export interface PredictContext {
  requestId: string;
  /** performance.now() when the request arrived: the deadline counts from here. */
  receivedAt: number;
  /** ms since the epoch when the request arrived, for the prediction log. */
  time: number;
  /** The JSON text the rows were parsed from, if at hand: the prediction log takes the rows from it. */
  body?: { text: string; batch: boolean };
}

export interface ModelDescription {
  serve: string;
  name: string;
  version: number;
  alias: string;
  aliases: string[];
  task: string;
  classes?: Array<string | number | boolean>;
  metrics: Record<string, number>;
  createdAt: string;
  fallback?: { name: string; version: number; alias: string };
  /** Set while the primary is not loaded: the model described is then the fallback. */
  degraded?: Degraded;
  inputSchema: JsonSchema;
  example: RequestRow;
  exampleSource: ExampleSource;
  batching: { maxBatch: number; maxWaitMs: number } | null;
  timeoutMs: number;
}

function stepOf<K extends Step["kind"]>(plan: Plan, kind: K, id: string): StepOf<K> | undefined {
  return plan.steps.find((s): s is StepOf<K> => s.kind === kind && s.id === id);
}

function taskOf(plan: Plan, model: string): TaskSpec | undefined {
  return (stepOf(plan, "train", `train:${model}`) ?? stepOf(plan, "import_model", `import_model:${model}`))?.params.task;
}

function hintOf(task: TaskSpec | undefined): TaskHint | undefined {
  return task ? { kind: task.kind, ...(task.classes ? { classes: task.classes } : {}) } : undefined;
}

const TENSOR_OF: Record<RequestColumn["type"]["kind"], "float" | "string" | undefined> = {
  int: "float",
  float: "float",
  bool: "float",
  string: "string",
  enum: "string",
  timestamp: undefined,
};

export class ServeEndpoint {
  readonly name: string;
  private validatorNow!: RequestValidator;
  /** Undefined while degraded: the primary failed to load and the fallback answers. */
  private primary: ModelSlot | undefined;
  private fallbackSlot: ModelSlot | undefined;
  private degradedNow: Degraded | undefined;
  private cancelRetry: (() => void) | undefined;
  private retrying: Promise<void> | undefined;
  private closed = false;
  private readonly columns: RequestColumn[] | undefined;
  private readonly target: string | undefined;
  private example!: { row: RequestRow; source: ExampleSource };
  private readonly timeoutMs: number;

  private constructor(private readonly options: EndpointOptions) {
    const { plan, serve } = options;
    this.name = serve.name;
    this.timeoutMs = serve.timeoutMs;
    this.target = taskOf(plan, serve.model.model)?.target;
    const validate = serve.dataset ? stepOf(plan, "validate", `validate:${serve.dataset}`) : undefined;
    this.columns = validate ? columnsFromContract(validate.params.contract.columns) : undefined;
  }

  static async open(options: EndpointOptions): Promise<ServeEndpoint> {
    const endpoint = new ServeEndpoint(options);
    await endpoint.start();
    return endpoint;
  }

  private async start(): Promise<void> {
    const { plan, serve, workspace } = this.options;
    const profile = this.options.profile ?? (serve.dataset ? findDatasetProfile(workspace, serve.dataset) : undefined);
    if (this.columns) {
      this.example = exampleRow(this.columns, this.target, profile);
      // the example must pass the request contract; a profile at odds with it gives way to the contract
      const check = new RequestValidator(this.rowContract([]));
      try {
        check.checkRows([this.example.row]);
      } catch {
        this.example = exampleRow(this.columns, this.target);
      }
    }
    this.openSlot = (role: "primary" | "fallback", ref: { model: string; alias: string }) =>
      ModelSlot.open({
        serve: serve.name,
        role,
        ref,
        workspace,
        executor: this.options.executor,
        ...(hintOf(taskOf(plan, ref.model)) ? { hint: hintOf(taskOf(plan, ref.model))! } : {}),
        ...(serve.batching ? { batching: serve.batching } : {}),
        warmRows: this.example ? [this.example.row] : [],
        metrics: this.options.metrics,
        onEvent: (event) => this.onSlotEvent(event),
        accept: (model) => this.acceptModel(model),
      });
    if (!this.columns) {
      // no contract: the first model's inputs are the request; warm with an empty-ish row
      this.example = { row: {}, source: "contract" };
    }
    let primaryError: Error | undefined;
    try {
      this.primary = await this.openSlot("primary", serve.model);
    } catch (error) {
      // with a fallback, a primary that does not load degrades the serve rather than stopping it
      if (!serve.fallback) throw error;
      primaryError = error as Error;
    }
    if (!this.columns && this.primary) this.example = { row: this.inputsOnlyExample(this.primary.model), source: "contract" };
    try {
      if (serve.fallback) this.fallbackSlot = await this.openSlot("fallback", serve.fallback);
    } catch (error) {
      await this.primary?.close();
      if (primaryError) {
        throw new ServeError("NOTHING_LOADS", `serve ${this.name}: neither model loads: ${primaryError.message}; fallback: ${(error as Error).message}`, { cause: error });
      }
      throw error;
    }
    if (primaryError) {
      if (!this.columns) this.example = { row: this.inputsOnlyExample(this.fallbackSlot!.model), source: "contract" };
      this.degradedNow = { reason: primaryError.message, since: Date.now(), attempts: 1 };
      this.options.metrics.loadFailed(this.name, serve.model.model);
      this.scheduleRetry();
    }
    this.rebuildValidator();
  }

  private openSlot!: (role: "primary" | "fallback", ref: { model: string; alias: string }) => Promise<ModelSlot>;

  /** The delay before the next retry of a degraded primary: doubling from the first, at most the longest. */
  private retryDelay(attempts: number): number {
    const first = this.options.primaryRetry?.firstDelayMs ?? 1000;
    const max = this.options.primaryRetry?.maxDelayMs ?? 60_000;
    return Math.min(max, first * 2 ** Math.min(attempts - 1, 30));
  }

  private scheduleRetry(): void {
    const degraded = this.degradedNow;
    if (!degraded || this.closed) return;
    const delayMs = this.retryDelay(degraded.attempts);
    const schedule = this.options.primaryRetry?.schedule ?? realSchedule;
    this.options.onEvent({ kind: "degraded", serve: this.name, model: this.options.serve.model.model, message: degraded.reason, retryInMs: delayMs });
    this.cancelRetry = schedule(() => {
      this.cancelRetry = undefined;
      void this.retryPrimary();
    }, delayMs);
  }

  /** Try to load the primary of a degraded serve now; on failure the next try is scheduled. Concurrent calls share one try. */
  retryPrimary(): Promise<void> {
    if (!this.degradedNow || this.closed) return Promise.resolve();
    this.retrying ??= this.tryPrimary().finally(() => {
      this.retrying = undefined;
    });
    return this.retrying;
  }

  private async tryPrimary(): Promise<void> {
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    const { serve, metrics } = this.options;
    let slot: ModelSlot;
    try {
      slot = await this.openSlot("primary", serve.model);
    } catch (error) {
      const degraded = this.degradedNow!;
      degraded.reason = (error as Error).message;
      degraded.attempts++;
      metrics.loadFailed(this.name, serve.model.model);
      this.scheduleRetry();
      return;
    }
    if (this.closed) {
      await slot.close();
      return;
    }
    this.primary = slot;
    this.degradedNow = undefined;
    this.rebuildValidator();
    const id = slot.model.identity;
    this.options.onEvent({ kind: "recovered", serve: this.name, model: id.name, version: id.version });
  }

  /** Set while the primary is not loaded and the fallback answers every request. */
  get degraded(): Readonly<Degraded> | undefined {
    return this.degradedNow;
  }

  private inputsOnlyExample(model: LoadedModel): RequestRow {
    return Object.fromEntries(model.inputs.map((i) => [i.name, i.tensor === "float" ? 0 : ""]));
  }

  private rowContract(required: string[]): RowContract {
    const columns =
      this.columns ??
      this.answeringModel.inputs.map((i): RequestColumn => ({ name: i.name, type: { kind: i.tensor === "float" ? "float" : "string" }, nullable: true }));
    return {
      ...(this.options.serve.dataset ? { dataset: this.options.serve.dataset } : {}),
      columns,
      required,
      ...(this.target ? { target: this.target } : {}),
    };
  }

  private rebuildValidator(): void {
    const required = new Set<string>(this.answeringModel.inputs.map((i) => i.name));
    for (const input of this.fallbackSlot?.model.inputs ?? []) required.add(input.name);
    this.validatorNow = new RequestValidator(this.rowContract([...required]), {
      ...(this.options.maxInstances !== undefined ? { maxInstances: this.options.maxInstances } : {}),
    });
  }

  /** A version whose inputs the request contract cannot fill is refused before it takes traffic. */
  private acceptModel(model: LoadedModel): void {
    if (!this.columns) return;
    const byName = new Map(this.columns.map((c) => [c.name, c]));
    const label = `${model.identity.name} version ${model.identity.version}`;
    for (const input of model.inputs) {
      const column = byName.get(input.name);
      if (!column || column.name === this.target) {
        throw new ServeError(
          "MODEL_INPUTS",
          `serve ${this.name}: ${label} reads \`${input.name}\`, which is not an input column of dataset \`${this.options.serve.dataset}\``,
        );
      }
      if (TENSOR_OF[column.type.kind] !== input.tensor) {
        throw new ServeError("MODEL_INPUTS", `serve ${this.name}: ${label} reads \`${input.name}\` as ${input.tensor}, but the contract declares it ${column.type.kind}`);
      }
    }
  }

  private onSlotEvent(event: ServeEvent): void {
    if (event.kind === "swapped") this.rebuildValidator();
    this.options.onEvent(event);
  }

  get validator(): RequestValidator {
    return this.validatorNow;
  }

  /** The model that answers first: the primary, or while degraded the fallback. */
  get answeringModel(): LoadedModel {
    return (this.primary ?? this.fallbackSlot!).model;
  }

  get fallbackModel(): LoadedModel | undefined {
    return this.fallbackSlot?.model;
  }

  /** A JSON body → its rows; throws RequestError listing every problem. */
  parse(body: unknown): ParsedRequest {
    return this.validatorNow.parse(body);
  }

  /** Rows that passed `parse` → predictions, from the primary or, when it fails or is too slow, the fallback. */
  async predict(rows: readonly RequestRow[], context: PredictContext): Promise<PredictResult> {
    const deadline = context.receivedAt + this.timeoutMs;
    let answer: { predictions: RowPrediction[]; model: LoadedModel };
    let fallback: PredictResult["fallback"];
    const primarySlot = this.primary;
    if (!primarySlot) return this.predictDegraded(rows, context, deadline);
    try {
      answer = await this.withDeadline(primarySlot.submit(rows, deadline), deadline);
    } catch (error) {
      const primary = primarySlot.model.identity;
      const reason = error instanceof DeadlineError ? "timeout" : "error";
      const why = error instanceof DeadlineError ? `no answer within ${this.timeoutMs} ms` : (error as Error).message;
      if (error instanceof ModelClosedError) throw new PredictionUnavailableError(503, `serve ${this.name} is shutting down`);
      if (!this.fallbackSlot) {
        throw new PredictionUnavailableError(reason === "timeout" ? 504 : 503, `${primary.name} version ${primary.version}: ${why}`);
      }
      this.options.metrics.fallback(this.name, reason);
      const fallbackDeadline = performance.now() + this.timeoutMs;
      try {
        answer = await this.withDeadline(this.fallbackSlot.submit(rows, fallbackDeadline), fallbackDeadline);
      } catch (second) {
        const fb = this.fallbackSlot.model.identity;
        const why2 = second instanceof DeadlineError ? `no answer within ${this.timeoutMs} ms` : (second as Error).message;
        throw new PredictionUnavailableError(
          reason === "timeout" && second instanceof DeadlineError ? 504 : 503,
          `${primary.name} version ${primary.version}: ${why}; fallback ${fb.name} version ${fb.version}: ${why2}`,
        );
      }
      fallback = { reason, message: why, primary: { name: primary.name, version: primary.version } };
    }
    return this.answered(rows, context, answer, fallback);
  }

  /** The primary is not loaded: the fallback answers, and the answer says why. */
  private async predictDegraded(rows: readonly RequestRow[], context: PredictContext, deadline: number): Promise<PredictResult> {
    const slot = this.fallbackSlot!;
    const reason = this.degradedNow?.reason ?? "the primary is not loaded";
    this.options.metrics.fallback(this.name, "degraded");
    let answer: { predictions: RowPrediction[]; model: LoadedModel };
    try {
      answer = await this.withDeadline(slot.submit(rows, deadline), deadline);
    } catch (error) {
      if (error instanceof ModelClosedError) throw new PredictionUnavailableError(503, `serve ${this.name} is shutting down`);
      const fb = slot.model.identity;
      const why = error instanceof DeadlineError ? `no answer within ${this.timeoutMs} ms` : (error as Error).message;
      throw new PredictionUnavailableError(error instanceof DeadlineError ? 504 : 503, `degraded (primary: ${reason}); fallback ${fb.name} version ${fb.version}: ${why}`);
    }
    const { model, alias } = this.options.serve.model;
    return this.answered(rows, context, answer, { reason: "degraded", message: reason, primary: { name: model, alias } });
  }

  /** Count and log the answer; while the prediction log is behind, the answer waits for it (no row is dropped). */
  private async answered(
    rows: readonly RequestRow[],
    context: PredictContext,
    answer: { predictions: RowPrediction[]; model: LoadedModel },
    fallback: PredictResult["fallback"],
  ): Promise<PredictResult> {
    const latencyMs = performance.now() - context.receivedAt;
    const { identity } = answer.model;
    this.options.metrics.predicted(this.name, identity.name, identity.version, rows.length);
    const logged = this.options.sink?.log({
      requestId: context.requestId,
      time: context.time,
      serve: this.name,
      model: identity.name,
      version: identity.version,
      latencyMs,
      ...(context.body ? { body: context.body } : { inputs: rows }),
      outputs: answer.predictions,
    });
    if (logged) await logged;
    return {
      requestId: context.requestId,
      predictions: answer.predictions,
      model: answer.model.ref,
      ...(fallback ? { fallback } : {}),
      latencyMs,
    };
  }

  /** Resolves with the promise's value if it comes before `deadline`; DeadlineError otherwise. */
  private withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // whole milliseconds: Node keeps one timer list per distinct delay, and fractional delays would make one per request
      const timer = setTimeout(() => reject(new DeadlineError(this.timeoutMs)), Math.max(1, Math.ceil(deadline - performance.now())));
      promise.then(
        (value) => {
          clearTimeout(timer);
          // a model on the event-loop thread cannot be interrupted: an answer that came late is still late
          if (performance.now() > deadline) reject(new DeadlineError(this.timeoutMs));
          else resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** What `GET /v1/<serve>/model` answers. Aliases are read now: they move while serving. */
  describe(): ModelDescription {
    const { serve, workspace } = this.options;
    const model = this.answeringModel;
    const id = model.identity;
    let aliases = id.aliases;
    try {
      aliases = workspace.registry.aliasesOf(id.name, id.version);
    } catch {
      /* the registry is busy: the aliases it had when loaded */
    }
    const fb = this.fallbackSlot?.model.identity;
    return {
      serve: this.name,
      name: id.name,
      version: id.version,
      alias: this.primary || !serve.fallback ? serve.model.alias : serve.fallback.alias, // the alias of the model described
      aliases,
      task: model.task,
      ...(model.classes ? { classes: model.classes } : {}),
      metrics: id.metrics,
      createdAt: id.createdAt,
      ...(fb && serve.fallback ? { fallback: { name: fb.name, version: fb.version, alias: serve.fallback.alias } } : {}),
      ...(this.degradedNow ? { degraded: { ...this.degradedNow } } : {}),
      inputSchema: this.validatorNow.schema,
      example: this.example.row,
      exampleSource: this.example.source,
      batching: serve.batching ?? null,
      timeoutMs: this.timeoutMs,
    };
  }

  /** Look the aliases up again; swap any that moved. */
  async refresh(options: { retryFailed?: boolean } = {}): Promise<RefreshOutcome[]> {
    // a degraded primary is retried on its own schedule, or at once when asked (SIGHUP)
    if (!this.primary && options.retryFailed) await this.retryPrimary();
    return Promise.all([...(this.primary ? [this.primary.refresh(options)] : []), ...(this.fallbackSlot ? [this.fallbackSlot.refresh(options)] : [])]);
  }

  gaugeSources(): ModelGaugeSource[] {
    const out: ModelGaugeSource[] = [];
    const add = (role: "primary" | "fallback", slot: ModelSlot | undefined) => {
      if (!slot) return;
      const id = slot.model.identity;
      out.push({ serve: this.name, role, model: id.name, version: id.version, queuedRows: slot.queuedRows });
    };
    add("primary", this.primary);
    add("fallback", this.fallbackSlot);
    return out;
  }

  /** The models that answer are loaded and warm (degraded: the fallback alone). */
  get ready(): boolean {
    return (this.primary?.model.healthy ?? true) && (this.fallbackSlot?.model.healthy ?? true);
  }

  /** Finish accepted requests, then release the models; a pending retry of the primary is dropped. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    if (this.retrying) await this.retrying;
    await Promise.all([this.primary?.close(), this.fallbackSlot?.close()]);
  }
}
