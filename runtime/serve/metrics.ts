/**
 * Serving metrics in Prometheus form (prom-client), on a registry of their
 * own so that two servers in one process never share counters. Hot-path
 * updates go through cached label children; queue depth and the versions
 * served are read when scraped, costing requests nothing.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** What a scrape reads from the running models. */
export interface ModelGaugeSource {
  serve: string;
  role: string;
  model: string;
  version: number;
  queuedRows: number;
}

/** What a scrape reads from each serve's router: the weights it routes by now. */
export interface RouterGaugeSource {
  serve: string;
  rollout: string;
  weights: Readonly<Record<string, number>>;
}

/**
 * What a scrape reads from each rollout's persisted state (the rollouts
 * table): the fields of the controller's document that /metrics exports.
 */
export interface RolloutGaugeSource {
  rollout: string;
  serve: string;
  strategy: string;
  phase: string;
  /** Index into the strategy's steps (canary), else 0 */
  step: number;
  steps?: number;
  inconclusive: number;
  guards: ReadonlyArray<{ guard: string; arm: string; value: number | null; baseline: number | null; bound: number | null; samples: number; verdict: string }>;
  test?: {
    metric: string;
    perArm: Readonly<Record<string, { n: number; mean: number }>>;
    effect: number;
    interval: readonly [number, number];
    pValue: number;
    srm: { pValue: number };
  };
  posteriors?: Readonly<Record<string, { n: number; sum: number }>>;
}

/** Every phase a rollout can be in: the phase gauge is 1 for the one it is in, 0 for the others. */
export const ROLLOUT_PHASES = ["progressing", "paused", "promoted", "rolled_back", "aborted"] as const;

const VERDICT_VALUE: Record<string, number> = { pass: 1, fail: 0, inconclusive: -1 };

/** What a scrape reads from each serve block. */
export interface ServeGaugeSource {
  serve: string;
  /** The primary is not loaded and the fallback answers. */
  degraded: boolean;
}

export class ServeMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"serve" | "model" | "version" | "status">;
  private readonly latency: Histogram<"serve">;
  private readonly batchSize: Histogram<"serve" | "model">;
  private readonly rowsPredicted: Counter<"serve" | "model" | "version">;
  private readonly fallbacks: Counter<"serve" | "reason">;
  private readonly swaps: Counter<"serve" | "model">;
  private readonly loadFailures: Counter<"serve" | "model">;
  private readonly logWaits: Counter;
  private readonly armRequests: Counter<"serve" | "arm">;
  private readonly armErrors: Counter<"serve" | "arm" | "reason">;
  private readonly armLatency: Histogram<"serve" | "arm">;
  private readonly unkeyedRequests: Counter<"serve" | "rollout">;
  /** Per serve, then arm: the cached children of the per-arm series. */
  private readonly armChildren = new Map<string, Map<string, { requests: { inc(): void }; latency: { observe(v: number): void } }>>();
  private routerSources: () => RouterGaugeSource[] = () => [];
  private rolloutSources: () => RolloutGaugeSource[] = () => [];
  /** Label children by model version object, then status: no key built per request. */
  private readonly requestChildren = new Map<string, WeakMap<object, Map<number, { inc(): void }>>>();
  private readonly latencyChildren = new Map<string, { observe(v: number): void }>();
  private sources: () => ModelGaugeSource[] = () => [];
  private serveSources: () => ServeGaugeSource[] = () => [];

  constructor() {
    const registers = [this.registry];
    this.requests = new Counter({
      name: "mlspec_requests_total",
      help: "Predict requests answered, by serve, model version that answered and HTTP status",
      labelNames: ["serve", "model", "version", "status"],
      registers,
    });
    this.latency = new Histogram({
      name: "mlspec_request_duration_seconds",
      help: "Time from a predict request's arrival to its answer",
      labelNames: ["serve"],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.batchSize = new Histogram({
      name: "mlspec_batch_size_rows",
      help: "Rows per model run (merged requests)",
      labelNames: ["serve", "model"],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers,
    });
    this.rowsPredicted = new Counter({
      name: "mlspec_predictions_total",
      help: "Rows predicted, by serve and model version",
      labelNames: ["serve", "model", "version"],
      registers,
    });
    this.fallbacks = new Counter({
      name: "mlspec_fallbacks_total",
      help: "Requests the fallback model answered because the primary failed (reason: error or timeout) or is not loaded (degraded)",
      labelNames: ["serve", "reason"],
      registers,
    });
    this.swaps = new Counter({
      name: "mlspec_model_swaps_total",
      help: "Times a serve switched to a new model version after its alias moved",
      labelNames: ["serve", "model"],
      registers,
    });
    this.loadFailures = new Counter({
      name: "mlspec_model_load_failures_total",
      help: "Model versions that failed to load or warm up (the serve kept its current one, or, for a primary at start, answers with its fallback)",
      labelNames: ["serve", "model"],
      registers,
    });
    this.logWaits = new Counter({
      name: "mlspec_prediction_log_waits_total",
      help: "Answers held back until the prediction log caught up (it never drops a prediction to keep up)",
      registers,
    });
    this.armRequests = new Counter({
      name: "mlspec_arm_requests_total",
      help: "Predict requests by the arm (model slot) the router sent them to: current, candidate, shadow copies, arm:<model>@<version>",
      labelNames: ["serve", "arm"],
      registers,
    });
    this.armErrors = new Counter({
      name: "mlspec_arm_errors_total",
      help: "Requests whose arm did not answer (reason: error, timeout, or degraded when the current model is not loaded); another slot may have answered",
      labelNames: ["serve", "arm", "reason"],
      registers,
    });
    this.armLatency = new Histogram({
      name: "mlspec_arm_duration_seconds",
      help: "Time an arm took for a request (shadow copies from when the copy was sent)",
      labelNames: ["serve", "arm"],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.unkeyedRequests = new Counter({
      name: "mlspec_rollout_unkeyed_requests_total",
      help: "Requests of a sticky rollout without the sticky field: assigned at random",
      labelNames: ["serve", "rollout"],
      registers,
    });
    const routerSources = () => this.routerSources();
    new Gauge({
      name: "mlspec_rollout_weight",
      help: "Share of the traffic the router sends to each arm of a rollout (0..1)",
      labelNames: ["serve", "rollout", "arm"],
      registers,
      collect() {
        this.reset();
        for (const s of routerSources()) for (const [arm, w] of Object.entries(s.weights)) this.labels(s.serve, s.rollout, arm).set(w);
      },
    });
    this.rolloutGauges(registers);
    const sources = () => this.sources();
    new Gauge({
      name: "mlspec_queue_depth_rows",
      help: "Rows waiting for a model run",
      labelNames: ["serve", "role", "model"],
      registers,
      collect() {
        this.reset();
        for (const s of sources()) this.labels(s.serve, s.role, s.model).set(s.queuedRows);
      },
    });
    new Gauge({
      name: "mlspec_model_version",
      help: "Model version each serve answers with",
      labelNames: ["serve", "role", "model"],
      registers,
      collect() {
        this.reset();
        for (const s of sources()) this.labels(s.serve, s.role, s.model).set(s.version);
      },
    });
    const serveSources = () => this.serveSources();
    new Gauge({
      name: "mlspec_serve_degraded",
      help: "1 while a serve's primary model is not loaded and its fallback answers every request (the primary is retried), else 0",
      labelNames: ["serve"],
      registers,
      collect() {
        this.reset();
        for (const s of serveSources()) this.labels(s.serve).set(s.degraded ? 1 : 0);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: "mlspec_" });
  }

  /** Where scrapes read queue depths and versions. */
  setModelSource(read: () => ModelGaugeSource[]): void {
    this.sources = read;
  }

  /**
   * The rollouts' state, read from the persisted documents when scraped: phase,
   * step, guards (value, the current arm's value, bound, samples, verdict),
   * an A/B test's statistics and a bandit's rewards per arm.
   */
  private rolloutGauges(registers: Registry[]): void {
    const read = (): RolloutGaugeSource[] => {
      try {
        return this.rolloutSources();
      } catch {
        return []; // the workspace is busy: this scrape goes without, the next one reads again
      }
    };
    const gauge = (name: string, help: string, labelNames: string[], fill: (set: (labels: string[], value: number) => void, docs: RolloutGaugeSource[]) => void) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          fill((labels, value) => {
            if (Number.isFinite(value)) this.labels(...labels).set(value);
          }, read());
        },
      });
    const guardLabels = ["serve", "rollout", "guard", "arm"];
    gauge("mlspec_rollout_phase", "1 for the phase each rollout is in (progressing, paused, promoted, rolled_back, aborted), 0 for the others", ["serve", "rollout", "strategy", "phase"], (set, docs) => {
      for (const d of docs) for (const phase of ROLLOUT_PHASES) set([d.serve, d.rollout, d.strategy, phase], d.phase === phase ? 1 : 0);
    });
    gauge("mlspec_rollout_step", "The step a rollout is at, from 1 (a canary's steps; 1 for other strategies)", ["serve", "rollout"], (set, docs) => {
      for (const d of docs) set([d.serve, d.rollout], d.step + 1);
    });
    gauge("mlspec_rollout_steps", "How many steps a canary has", ["serve", "rollout"], (set, docs) => {
      for (const d of docs) if (d.steps !== undefined) set([d.serve, d.rollout], d.steps);
    });
    gauge("mlspec_rollout_inconclusive_intervals", "Intervals in a row in which a guard could not be judged (the rollout pauses after 3)", ["serve", "rollout"], (set, docs) => {
      for (const d of docs) set([d.serve, d.rollout], d.inconclusive);
    });
    const perGuard = (name: string, help: string, value: (g: RolloutGaugeSource["guards"][number]) => number | null) =>
      gauge(name, help, guardLabels, (set, docs) => {
        for (const d of docs) for (const g of d.guards) {
          const v = value(g);
          if (v !== null) set([d.serve, d.rollout, g.guard, g.arm], v);
        }
      });
    perGuard("mlspec_rollout_guard_value", "A guard's measured value on the judged arm in the last interval (absent when it could not be measured)", (g) => g.value);
    perGuard("mlspec_rollout_guard_baseline", "The current model's value of the guard on the same window", (g) => g.baseline);
    perGuard("mlspec_rollout_guard_bound", "The bound the guard's value was held to (for champion.auc - 0.01: the current arm's value - 0.01)", (g) => g.bound);
    perGuard("mlspec_rollout_guard_samples", "Observations behind the guard's value (requests, or labelled predictions for quality)", (g) => g.samples);
    perGuard("mlspec_rollout_guard_verdict", "The guard's verdict in the last interval: 1 pass, 0 fail, -1 inconclusive", (g) => VERDICT_VALUE[g.verdict] ?? null);
    const testLabels = ["serve", "rollout", "metric"];
    gauge("mlspec_rollout_test_p_value", "An A/B test's always-valid p-value (running minimum of the mixture SPRT's) at its last look", testLabels, (set, docs) => {
      for (const d of docs) if (d.test) set([d.serve, d.rollout, d.test.metric], d.test.pValue);
    });
    gauge("mlspec_rollout_test_effect", "An A/B test's effect: the candidate's mean outcome minus the current model's", testLabels, (set, docs) => {
      for (const d of docs) if (d.test) set([d.serve, d.rollout, d.test.metric], d.test.effect);
    });
    gauge("mlspec_rollout_test_effect_interval", "The always-valid confidence sequence of the effect (bound: lower, upper)", [...testLabels, "bound"], (set, docs) => {
      for (const d of docs) {
        if (!d.test) continue;
        set([d.serve, d.rollout, d.test.metric, "lower"], d.test.interval[0]);
        set([d.serve, d.rollout, d.test.metric, "upper"], d.test.interval[1]);
      }
    });
    gauge("mlspec_rollout_test_srm_p_value", "The sample-ratio-mismatch check's p-value (chi-squared of the arms' requests against the planned split; below 0.001 halts the test)", ["serve", "rollout"], (set, docs) => {
      for (const d of docs) if (d.test) set([d.serve, d.rollout], d.test.srm.pValue);
    });
    gauge("mlspec_rollout_test_outcomes", "Outcomes an A/B test has per arm, over the whole test", ["serve", "rollout", "arm"], (set, docs) => {
      for (const d of docs) for (const [arm, a] of Object.entries(d.test?.perArm ?? {})) set([d.serve, d.rollout, arm], a.n);
    });
    gauge("mlspec_rollout_test_mean_outcome", "An A/B test's mean outcome per arm", ["serve", "rollout", "arm"], (set, docs) => {
      for (const d of docs) for (const [arm, a] of Object.entries(d.test?.perArm ?? {})) if (a.n > 0) set([d.serve, d.rollout, arm], a.mean);
    });
    gauge("mlspec_rollout_arm_rewards", "Rewards a bandit arm's posterior holds", ["serve", "rollout", "arm"], (set, docs) => {
      for (const d of docs) for (const [arm, p] of Object.entries(d.posteriors ?? {})) set([d.serve, d.rollout, arm], p.n);
    });
    gauge("mlspec_rollout_arm_mean_reward", "A bandit arm's mean reward so far", ["serve", "rollout", "arm"], (set, docs) => {
      for (const d of docs) for (const [arm, p] of Object.entries(d.posteriors ?? {})) if (p.n > 0) set([d.serve, d.rollout, arm], p.sum / p.n);
    });
  }

  /** Where scrapes read the rollouts' persisted state. */
  setRolloutSource(read: () => RolloutGaugeSource[]): void {
    this.rolloutSources = read;
  }

  /** Where scrapes read the routers' weights. */
  setRouterSource(read: () => RouterGaugeSource[]): void {
    this.routerSources = read;
  }

  /** One request's arm answered (`error` null) or did not. */
  armAnswered(serve: string, arm: string, seconds: number, error: string | null): void {
    let byArm = this.armChildren.get(serve);
    if (!byArm) this.armChildren.set(serve, (byArm = new Map()));
    let child = byArm.get(arm);
    if (!child) {
      child = { requests: this.armRequests.labels(serve, arm), latency: this.armLatency.labels(serve, arm) };
      // arm names come from controllers: a bounded cache
      if (byArm.size < 1000) byArm.set(arm, child);
    }
    child.requests.inc();
    child.latency.observe(seconds);
    if (error !== null) this.armErrors.labels(serve, arm, error).inc();
  }

  unkeyed(serve: string, rollout: string): void {
    this.unkeyedRequests.labels(serve, rollout).inc();
  }

  /** Where scrapes read whether each serve is degraded. */
  setServeSource(read: () => ServeGaugeSource[]): void {
    this.serveSources = read;
  }

  /** One answered request; `by` is the version's `{name, version}` (the same object for each of its answers). */
  request(serve: string, by: { readonly name: string; readonly version: number }, status: number): void {
    let byModel = this.requestChildren.get(serve);
    if (!byModel) this.requestChildren.set(serve, (byModel = new WeakMap()));
    let byStatus = byModel.get(by);
    if (!byStatus) byModel.set(by, (byStatus = new Map()));
    let child = byStatus.get(status);
    if (!child) {
      child = this.requests.labels(serve, by.name, String(by.version), String(status));
      byStatus.set(status, child);
    }
    child.inc();
  }

  duration(serve: string, seconds: number): void {
    let child = this.latencyChildren.get(serve);
    if (!child) {
      child = this.latency.labels(serve);
      this.latencyChildren.set(serve, child);
    }
    child.observe(seconds);
  }

  batch(serve: string, model: string, rows: number): void {
    this.batchSize.labels(serve, model).observe(rows);
  }

  predicted(serve: string, model: string, version: number, rows: number): void {
    this.rowsPredicted.labels(serve, model, String(version)).inc(rows);
  }

  fallback(serve: string, reason: "error" | "timeout" | "degraded"): void {
    this.fallbacks.labels(serve, reason).inc();
  }

  swapped(serve: string, model: string): void {
    this.swaps.labels(serve, model).inc();
  }

  loadFailed(serve: string, model: string): void {
    this.loadFailures.labels(serve, model).inc();
  }

  predictionLogWait(): void {
    this.logWaits.inc();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
