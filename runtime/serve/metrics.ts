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
