/**
 * One `serve` block, running: its request contract, its primary model (and
 * fallback), deadlines, the prediction log. The HTTP routes and the in-process
 * API both go through `parse` and `predict` here.
 */
import type { Plan, ServePlan, Step, StepOf, TaskSpec } from "../../compiler/plan/schema.js";
import type { DatasetProfile } from "../data/profile.js";
import type { Workspace } from "../workspace/workspace.js";
import { DeadlineError, ModelClosedError, PredictionUnavailableError, RequestError, ServeError } from "./errors.js";
import { exampleRow, findDatasetProfile, type ExampleSource } from "./example-request.js";
import type { LoadedModel, RowPrediction, TaskHint } from "./loaded-model.js";
import type { ModelGaugeSource, ServeMetrics } from "./metrics.js";
import { ModelSlot, type RefreshOutcome, type ServeEvent } from "./model-slot.js";
import type { ExecutorKind } from "./ort-executor.js";
import type { FeedbackTarget } from "./feedback-intake.js";
import type { PredictionSink } from "./prediction-log.js";
import { ARM_HEADER, WeightedRouter, type Assignment, type RoutedRequest } from "./router.js";
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
  /** Uniform numbers in [0, 1) for the router's random assignment and shadow sampling (tests pass a seeded one). */
  random?: () => number;
  /** Runs before each shadow copy is sent, after its request was answered (tests hold copies back with it). */
  beforeShadow?: (requestId: string) => Promise<void>;
}

/** What a rollout loads into a slot: a model with an alias or a version, as `{model, alias}` or `"model@alias"`. */
export type SlotModelRef = { model: string; alias: string } | string;

/** Slots a rollout may fill; `current` and `fallback` follow the serve block. */
const ROLLOUT_SLOT = /^(candidate|shadow|arm:[A-Za-z_][A-Za-z0-9_]*@[A-Za-z0-9_]+)$/;

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
  /** The slot the request was routed to (`current` unless a rollout routes); the model that answered may be another when it failed. */
  arm: string;
  /** The rollout whose weights routed it, or null. */
  rollout: string | null;
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
  /** The router's choice (from `route`); default the current slot. */
  assignment?: Assignment;
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

interface Answered {
  answer: { predictions: RowPrediction[]; model: LoadedModel };
  fallback?: PredictResult["fallback"];
  /** The routed arm's error class, or null when it answered. */
  error: string | null;
}

function parseSlotRef(serve: string, text: string): { model: string; alias: string } {
  const at = text.indexOf("@");
  if (at <= 0 || at === text.length - 1) throw new ServeError("BAD_SLOT", `serve ${serve}: a slot's model is model@alias or model@version, got ${JSON.stringify(text)}`);
  return { model: text.slice(0, at), alias: text.slice(at + 1) };
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
  /** Which slot answers each request; a rollout controller moves its weights. */
  readonly router: WeightedRouter;
  /** Rollout slots (candidate, shadow, bandit arms) by name. */
  private readonly slots = new Map<string, ModelSlot>();
  /** Loads of rollout slots under way, by name: setSlot calls for one slot run one after another. */
  private readonly slotChanges = new Map<string, Promise<void>>();

  private constructor(private readonly options: EndpointOptions) {
    const { plan, serve } = options;
    this.name = serve.name;
    this.router = new WeightedRouter({
      ...(options.random ? { random: options.random } : {}),
      allowArmHeader: serve.allowArmHeader === true,
      onUnkeyed: (rollout) => options.metrics.unkeyed(serve.name, rollout),
    });
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
    this.openSlot = (role: string, ref: { model: string; alias: string }) =>
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

  private openSlot!: (role: string, ref: { model: string; alias: string }) => Promise<ModelSlot>;

  /**
   * Load `ref` into a rollout slot (`candidate`, `shadow`, `arm:m@3`), warm,
   * beside what serves; requests switch to it in one assignment and the
   * version it replaces finishes what it accepted. `null` empties the slot
   * (move the router's weight off it first: requests routed to an empty slot
   * go to `current`). The same ref again looks its alias up (a swap if it moved).
   */
  setSlot(name: string, ref: SlotModelRef | null): Promise<void> {
    if (name === "current" || name === "fallback") {
      return Promise.reject(new ServeError("FIXED_SLOT", `serve ${this.name}: the ${name} slot follows the serve block's ${name === "current" ? "model" : "fallback"}; move its alias instead`));
    }
    if (!ROLLOUT_SLOT.test(name)) {
      return Promise.reject(new ServeError("BAD_SLOT", `serve ${this.name}: no slot ${JSON.stringify(name)}; slots are candidate, shadow and arm:<model>@<version>`));
    }
    const previous = this.slotChanges.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.changeSlot(name, ref));
    this.slotChanges.set(name, next);
    void next.finally(() => {
      if (this.slotChanges.get(name) === next) this.slotChanges.delete(name);
    }).catch(() => undefined);
    return next;
  }

  private async changeSlot(name: string, given: SlotModelRef | null): Promise<void> {
    if (this.closed) throw new ServeError("CLOSED", `serve ${this.name} is closed`);
    const had = this.slots.get(name);
    if (given === null) {
      if (!had) return;
      this.slots.delete(name);
      await had.close();
      return;
    }
    const ref = typeof given === "string" ? parseSlotRef(this.name, given) : given;
    if (had && had.ref === `${ref.model}@${ref.alias}`) {
      await had.refresh();
      return;
    }
    const slot = await this.openSlot(name, ref);
    if (this.closed) {
      await slot.close();
      return;
    }
    this.slots.set(name, slot); // from here on requests routed to `name` go to the new model
    if (had) await had.close();
  }

  /** The slots loaded now: current (unless degraded), fallback, and the rollout slots. */
  get slotNames(): string[] {
    return [...(this.primary ? ["current"] : []), ...(this.fallbackSlot ? ["fallback"] : []), ...this.slots.keys()];
  }

  /** The model loaded in a slot, or undefined. */
  slotModel(name: string): LoadedModel | undefined {
    return this.slotNamed(name)?.model;
  }

  private slotNamed(name: string): ModelSlot | undefined {
    if (name === "current") return this.primary;
    if (name === "fallback") return this.fallbackSlot;
    return this.slots.get(name);
  }

  /**
   * The slot for one request. An arm pinned with `x-mlspec-arm` (where the
   * serve block allows it) must be loaded (RequestError 400 otherwise); an arm
   * the weights name but that is not loaded yet gives way to `current`.
   */
  route(request: RoutedRequest): Assignment {
    const assignment = this.router.assign(request);
    if (assignment.arm === "current" || this.slotNamed(assignment.arm)) return assignment;
    if (this.router.armHeaderAllowed && request.headers[ARM_HEADER] === assignment.arm) {
      throw new RequestError(400, `${ARM_HEADER}: serve ${this.name} has no slot ${JSON.stringify(assignment.arm)} loaded; loaded: ${this.slotNames.join(", ")}`);
    }
    return { arm: "current", sticky: false };
  }

  /** Where outcomes sent for this serve are checked and stored (POST /v1/<serve>/feedback, mlspec feedback). */
  feedbackTarget(source: string, now: () => number = Date.now): FeedbackTarget {
    const sink = this.options.sink;
    return {
      db: this.options.workspace.registry.db,
      serve: this.name,
      keyColumns: this.columns ? this.columns.filter((c) => c.name !== this.target).map((c) => c.name) : this.answeringModel.inputs.map((i) => i.name),
      ...(sink ? { flushLog: () => sink.flush() } : {}),
      now,
      source,
    };
  }

  /** The prom-client registry of this endpoint's metrics, for controllers to add their gauges to. */
  get metricsRegistry(): ServeMetrics["registry"] {
    return this.options.metrics.registry;
  }

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

  /**
   * Rows that passed `parse` → predictions from the slot the request was
   * routed to. When that slot fails or is too slow: a rollout slot gives way
   * to `current`, and `current` to the fallback. The answer names the arm;
   * the log records the arm's error class.
   */
  async predict(rows: readonly RequestRow[], context: PredictContext): Promise<PredictResult> {
    const arm = context.assignment?.arm ?? "current";
    const rollout = this.router.rollout;
    const started = performance.now();
    try {
      const outcome = await this.answer(rows, context, arm);
      this.options.metrics.armAnswered(this.name, arm, (performance.now() - started) / 1000, outcome.error);
      return await this.answered(rows, context, outcome.answer, outcome.fallback, arm, rollout, outcome.error);
    } catch (error) {
      if (error instanceof PredictionUnavailableError) {
        const kind = error.statusCode === 504 ? "timeout" : "error";
        this.options.metrics.armAnswered(this.name, arm, (performance.now() - started) / 1000, kind);
        await this.loggedFailure(rows, context, arm, rollout, kind);
      }
      throw error;
    }
  }

  private async answer(rows: readonly RequestRow[], context: PredictContext, arm: string): Promise<Answered> {
    const deadline = context.receivedAt + this.timeoutMs;
    if (arm === "current") return this.answerCurrent(rows, context, deadline);
    const slot = this.slotNamed(arm);
    if (!slot) return this.answerCurrent(rows, context, deadline);
    if (arm === "fallback") {
      try {
        return { answer: await this.withDeadline(slot.submit(rows, deadline), deadline), error: null };
      } catch (error) {
        if (error instanceof ModelClosedError) throw new PredictionUnavailableError(503, `serve ${this.name} is shutting down`);
        const id = slot.model.identity;
        throw new PredictionUnavailableError(error instanceof DeadlineError ? 504 : 503, `${id.name} version ${id.version}: ${this.why(error)}`);
      }
    }
    try {
      return { answer: await this.withDeadline(slot.submit(rows, deadline), deadline), error: null };
    } catch (error) {
      // the rollout slot failed: the current model answers, with a fresh deadline, and the answer says why
      const reason = error instanceof DeadlineError ? "timeout" : "error";
      const id = slot.model.identity;
      const next = await this.answerCurrent(rows, context, performance.now() + this.timeoutMs);
      return { ...next, fallback: next.fallback ?? { reason, message: this.why(error), primary: { name: id.name, version: id.version } }, error: reason };
    }
  }

  private why(error: unknown): string {
    return error instanceof DeadlineError ? `no answer within ${this.timeoutMs} ms` : (error as Error).message;
  }

  /** The primary, or when it fails or is too slow, the fallback. */
  private async answerCurrent(rows: readonly RequestRow[], context: PredictContext, deadline: number): Promise<Answered> {
    let answer: { predictions: RowPrediction[]; model: LoadedModel };
    const primarySlot = this.primary;
    if (!primarySlot) return this.predictDegraded(rows, context, deadline);
    try {
      answer = await this.withDeadline(primarySlot.submit(rows, deadline), deadline);
    } catch (error) {
      const primary = primarySlot.model.identity;
      const reason = error instanceof DeadlineError ? "timeout" : "error";
      const why = this.why(error);
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
        const why2 = this.why(second);
        throw new PredictionUnavailableError(
          reason === "timeout" && second instanceof DeadlineError ? 504 : 503,
          `${primary.name} version ${primary.version}: ${why}; fallback ${fb.name} version ${fb.version}: ${why2}`,
        );
      }
      return { answer, fallback: { reason, message: why, primary: { name: primary.name, version: primary.version } }, error: reason };
    }
    return { answer, error: null };
  }

  /** The primary is not loaded: the fallback answers, and the answer says why. */
  private async predictDegraded(rows: readonly RequestRow[], _context: PredictContext, deadline: number): Promise<Answered> {
    const slot = this.fallbackSlot!;
    const reason = this.degradedNow?.reason ?? "the primary is not loaded";
    this.options.metrics.fallback(this.name, "degraded");
    let answer: { predictions: RowPrediction[]; model: LoadedModel };
    try {
      answer = await this.withDeadline(slot.submit(rows, deadline), deadline);
    } catch (error) {
      if (error instanceof ModelClosedError) throw new PredictionUnavailableError(503, `serve ${this.name} is shutting down`);
      const fb = slot.model.identity;
      const why = this.why(error);
      throw new PredictionUnavailableError(error instanceof DeadlineError ? 504 : 503, `degraded (primary: ${reason}); fallback ${fb.name} version ${fb.version}: ${why}`);
    }
    const { model, alias } = this.options.serve.model;
    return { answer, fallback: { reason: "degraded", message: reason, primary: { name: model, alias } }, error: "degraded" };
  }

  /** Count and log the answer; while the prediction log is behind, the answer waits for it (no row is dropped). */
  private async answered(
    rows: readonly RequestRow[],
    context: PredictContext,
    answer: { predictions: RowPrediction[]; model: LoadedModel },
    fallback: PredictResult["fallback"],
    arm: string,
    rollout: string | null,
    error: string | null,
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
      arm,
      rollout,
      error,
    });
    if (logged) await logged;
    return {
      requestId: context.requestId,
      predictions: answer.predictions,
      model: answer.model.ref,
      arm,
      rollout,
      ...(fallback ? { fallback } : {}),
      latencyMs,
    };
  }

  /** A request no model answered is logged too (output null), so that per-arm error rates can be read from the log. */
  private async loggedFailure(rows: readonly RequestRow[], context: PredictContext, arm: string, rollout: string | null, error: string): Promise<void> {
    const model = this.slotNamed(arm)?.model ?? this.primary?.model ?? this.fallbackSlot?.model;
    if (!model || !this.options.sink) return;
    const logged = this.options.sink.log({
      requestId: context.requestId,
      time: context.time,
      serve: this.name,
      model: model.identity.name,
      version: model.identity.version,
      latencyMs: performance.now() - context.receivedAt,
      ...(context.body ? { body: context.body } : { inputs: rows }),
      outputs: rows.map(() => null),
      arm,
      rollout,
      error,
    });
    if (logged) await logged;
  }

  /**
   * After a request was answered: a copy to the shadow slot, when the router
   * samples one. Never awaited by the answer; its failures are counted and
   * logged, never thrown.
   */
  shadow(rows: readonly RequestRow[], context: PredictContext, result: PredictResult): void {
    const slotName = this.router.shadowFor(result.arm);
    if (slotName === null || this.closed) return;
    const slot = this.slotNamed(slotName);
    if (!slot) return;
    void (async () => {
      if (this.options.beforeShadow) await this.options.beforeShadow(context.requestId);
      const receivedAt = performance.now();
      const deadline = receivedAt + this.timeoutMs;
      let error: string | null = null;
      let outputs: readonly unknown[] = rows.map(() => null);
      let model = slot.model;
      try {
        const answer = await this.withDeadline(slot.submit(rows, deadline), deadline);
        outputs = answer.predictions;
        model = answer.model;
      } catch (e) {
        error = e instanceof DeadlineError ? "timeout" : "error";
      }
      const seconds = (performance.now() - receivedAt) / 1000;
      this.options.metrics.armAnswered(this.name, slotName, seconds, error);
      const logged = this.options.sink?.log({
        requestId: context.requestId,
        time: context.time,
        serve: this.name,
        model: model.identity.name,
        version: model.identity.version,
        latencyMs: seconds * 1000,
        ...(context.body ? { body: context.body } : { inputs: rows }),
        outputs,
        arm: slotName,
        rollout: result.rollout,
        error,
      });
      if (logged) await logged;
    })().catch((e: unknown) => this.options.onEvent({ kind: "warning", serve: this.name, message: `shadow copy failed: ${(e as Error).message}` }));
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
    return Promise.all([
      ...(this.primary ? [this.primary.refresh(options)] : []),
      ...(this.fallbackSlot ? [this.fallbackSlot.refresh(options)] : []),
      ...[...this.slots.values()].map((slot) => slot.refresh(options)),
    ]);
  }

  gaugeSources(): ModelGaugeSource[] {
    const out: ModelGaugeSource[] = [];
    const add = (role: string, slot: ModelSlot | undefined) => {
      if (!slot) return;
      const id = slot.model.identity;
      out.push({ serve: this.name, role, model: id.name, version: id.version, queuedRows: slot.queuedRows });
    };
    add("primary", this.primary);
    add("fallback", this.fallbackSlot);
    for (const [name, slot] of this.slots) add(name, slot);
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
    await Promise.all([...this.slotChanges.values()].map((change) => change.catch(() => undefined)));
    await Promise.all([this.primary?.close(), this.fallbackSlot?.close(), ...[...this.slots.values()].map((slot) => slot.close())]);
  }
}
