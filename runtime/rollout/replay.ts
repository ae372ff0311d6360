/**
 * Rehearse a rollout on recorded traffic and outcomes (spec/rollouts.md#replay):
 * the real controller and strategy on a virtual clock, requests assigned to
 * arms by the router's rule with a seeded random stream, each arm's answers
 * taken from the recording or scored by its model in-process, nothing written
 * to the workspace (state lives in an in-memory database). Same inputs and
 * seed, same timeline.
 */
import type { Plan } from "../../compiler/plan/schema.js";
import { Rng } from "../../core/rng.js";
import { openDatabase } from "../workspace/db.js";
import { RolloutStore } from "../workspace/rollouts.js";
import { REGISTRY_MIGRATIONS } from "../workspace/schema.js";
import { pickArm, stickyPoint } from "./assignment.js";
import { RolloutController, STRATEGIES } from "./controller.js";
import type { RecordedFeedback, RecordedRequest } from "./recorded-traffic.js";
import { RecordingError } from "./recorded-traffic.js";
import type { ArmMeasurements, GuardMeasurement, MeasurementWindow, ModelVersionRef, RolloutDoc, RolloutEnvironment, TestStatistics, WindowMeasurements } from "../../stdlib/rollout/shared/rollout-types.js";
import { TERMINAL_PHASES } from "../../stdlib/rollout/shared/rollout-types.js";

/** Scores rows with a model version: a number per row, or the Error it raised. */
export type ModelScorer = (model: ModelVersionRef, inputs: Record<string, unknown>[]) => Promise<(number | Error)[]>;

export interface ReplayOptions {
  plan: Pick<Plan, "rollouts" | "serves">;
  rollout: string;
  traffic: RecordedRequest[];
  feedback: RecordedFeedback[];
  /** Model references → versions (the workspace's registry, or a stand-in) */
  resolve: (ref: string) => ModelVersionRef | null;
  /** Scores slots without recorded answers */
  scorer?: ModelScorer;
  seed?: number;
  /** Virtual time between controller ticks (default: a quarter interval, 1 s to 1 min) */
  tickMs?: number;
  /** Called after each tick with the virtual time it covered (`--speed N` sleeps ms / N; default: none, as fast as it goes) */
  pace?: (virtualMs: number) => Promise<void>;
  /** What else runs on the virtual clock (the monitor, runtime/monitor/replayed-monitor.ts). */
  companion?: ReplayCompanion;
}

/** A request as the replay answered it: the arm, and the model version in that arm's slot. */
export interface ServedRequest {
  at: number;
  requestId: string;
  arm: string;
  model: ModelVersionRef | null;
  input: Record<string, unknown>;
  score: number | null;
  error: boolean;
  latencyMs: number;
  /** A shadow copy: answered beside the request, never to the caller. */
  shadow: boolean;
}

/**
 * Something that runs beside the rollout on the replay's virtual clock. At each tick, before
 * the controller's pass, it gets the requests answered since the last tick; the clock waits
 * for the promise (a retraining in it freezes virtual time). Its entries join the timeline.
 */
export interface ReplayCompanion {
  tick(now: number, served: readonly ServedRequest[]): Promise<TimelineEntry[]>;
  /** The rollout promoted a version to champion. */
  promoted(rollout: string, model: ModelVersionRef, reason: string): void;
}

export interface TimelineEntry {
  at: number;
  /** Absent for the rollout's own transitions; `monitor` for what the replayed monitor did. */
  source?: "monitor";
  from: string | null;
  to: string;
  reason: string;
  weights: Record<string, number>;
  guards: GuardMeasurement[];
  test?: TestStatistics;
}

export interface ReplayResult {
  rollout: string;
  strategy: string;
  seed: number;
  requests: number;
  timeline: TimelineEntry[];
  final: RolloutDoc | null;
  /** promoted | rolled_back | aborted | paused | progressing (the traffic ran out) | not started */
  verdict: string;
  /** The serve's monitors: replayed beside the rollout (on a throwaway copy), or why not. */
  monitor?: { monitors: string[]; replayed: boolean; note?: string };
}

class ReplayEnvironment implements RolloutEnvironment {
  now = 0;
  weights: Record<string, number> = { current: 1 };
  stickyBy: string | undefined;
  shadow: { slot: string; sample: number } | undefined;
  readonly slots = new Map<string, ModelVersionRef>();
  readonly served: ServedRequest[] = [];
  private champion: ModelVersionRef | null = null;
  private readonly byRequest = new Map<string, RecordedFeedback>();
  private readonly byKey: RecordedFeedback[] = [];

  constructor(
    private readonly options: ReplayOptions,
    private readonly serve: Plan["serves"][number],
  ) {
    for (const f of options.feedback) {
      if (f.requestId !== undefined) this.byRequest.set(f.requestId, f);
      else this.byKey.push(f);
    }
  }

  clock(): number {
    return this.now;
  }

  resolve(ref: string): ModelVersionRef | null {
    if (this.champion && ref === `${this.serve.model.model}@${this.serve.model.alias}`) return this.champion;
    return this.options.resolve(ref);
  }

  current(): ModelVersionRef | null {
    return this.resolve(`${this.serve.model.model}@${this.serve.model.alias}`);
  }

  setWeights(_serve: string, _rollout: string, weights: Record<string, number>, options: { stickyBy?: string; shadow?: { slot: string; sample: number } }): void {
    this.weights = { ...weights };
    this.stickyBy = options.stickyBy;
    this.shadow = options.shadow;
  }

  setCandidate(_serve: string, slot: string, model: ModelVersionRef | null): void {
    if (model) this.slots.set(slot, model);
    else this.slots.delete(slot);
  }

  promote(rollout: string, model: ModelVersionRef, reason: string): void {
    this.champion = model;
    this.options.companion?.promoted(rollout, model, reason);
  }

  private feedbackFor(s: ServedRequest): RecordedFeedback | undefined {
    const direct = this.byRequest.get(s.requestId);
    if (direct) return direct;
    return this.byKey.find((f) => Object.entries(f.key!).every(([k, v]) => s.input[k] === v));
  }

  measurements(_serve: string, _rollout: string, window: MeasurementWindow): WindowMeasurements {
    const out: WindowMeasurements = {};
    for (const s of this.served) {
      if (s.at < window.from || s.at >= window.to) continue;
      const m: ArmMeasurements = (out[s.arm] ??= { requests: 0, errors: 0, fallbacks: 0, latencies: [], outcomes: [] });
      m.requests++;
      m.latencies.push(s.latencyMs);
      if (s.error || s.score === null) {
        m.errors++;
        continue;
      }
      const f = this.feedbackFor(s);
      if (f && (f.at ?? s.at) <= window.to) m.outcomes.push({ score: s.score, outcome: f.outcome });
    }
    return out;
  }
}

export async function replayRollout(options: ReplayOptions): Promise<ReplayResult> {
  const plan = options.plan.rollouts.find((r) => r.name === options.rollout);
  if (!plan) throw new RecordingError(`the spec has no rollout ${options.rollout}; it has ${options.plan.rollouts.map((r) => r.name).join(", ") || "none"}`);
  const serve = options.plan.serves.find((s) => s.name === plan.serve)!;
  const strategy = STRATEGIES[plan.strategy.kind]!;
  const seed = options.seed ?? 0;
  const rng = new Rng(seed);
  const env = new ReplayEnvironment(options, serve);
  const db = openDatabase(":memory:", { migrations: REGISTRY_MIGRATIONS, clock: () => env.now });
  try {
    const store = new RolloutStore(db, () => env.now);
    const controller = new RolloutController({ plan: options.plan, store, env, holder: "replay", rollouts: [plan.name] });
    const intervalMs = strategy.intervalMs(plan.strategy.params);
    const tickMs = options.tickMs ?? Math.min(60_000, Math.max(1000, Math.floor(intervalMs / 4)));
    const traffic = options.traffic;
    const timeline: TimelineEntry[] = [];
    let seen = 0;
    const record = () => {
      const events = store.events(plan.name);
      const doc = store.get<RolloutDoc>(plan.name)?.state;
      for (const e of events.slice(seen)) {
        timeline.push({ at: e.at, from: e.fromState, to: e.toState, reason: e.reason, weights: doc?.weights ?? {}, guards: doc?.guards ?? [], ...(doc?.test ? { test: doc.test } : {}) });
      }
      seen = events.length;
      return doc;
    };
    env.now = traffic[0]!.at;
    let told = 0; // requests handed to the companion so far
    const companionTick = async () => {
      if (!options.companion) return;
      const entries = await options.companion.tick(env.now, env.served.slice(told));
      told = env.served.length;
      timeline.push(...entries);
    };
    await companionTick();
    await controller.tick(env.now);
    let doc = record();
    let next = 0;
    const end = traffic[traffic.length - 1]!.at + 1;
    // after the recording ends, judge the interval it ended in, then stop
    while (next < traffic.length || (doc?.phase === "progressing" && doc.intervalStartedAt < end && env.now < end + intervalMs)) {
      const until = env.now + tickMs;
      const batch: RecordedRequest[] = [];
      while (next < traffic.length && traffic[next]!.at < until) batch.push(traffic[next++]!);
      await serveBatch(env, plan.name, batch, rng, options.scorer);
      env.now = until;
      await companionTick();
      await controller.tick(env.now);
      doc = record();
      await options.pace?.(tickMs);
      if (doc && TERMINAL_PHASES.includes(doc.phase) && next >= traffic.length) break;
    }
    return { rollout: plan.name, strategy: plan.strategy.kind, seed, requests: traffic.length, timeline, final: doc ?? null, verdict: doc ? doc.phase : "not started" };
  } finally {
    db.close();
  }
}

/**
 * A bandit's arm slot (`arm:<model>@<version>`) reads the answer recorded for the
 * slot that served the same model: `current` for the current model's version, and
 * `candidate` for the one other arm, so a canary's recording replays a bandit too.
 */
function armAnswer(env: ReplayEnvironment, arm: string, answers: Record<string, number>): number | undefined {
  const model = arm.startsWith("arm:") ? env.slots.get(arm) : undefined;
  if (!model) return undefined;
  const current = env.current();
  const isCurrent = (m: ModelVersionRef) => !!current && m.model === current.model && m.version === current.version;
  if (isCurrent(model)) return answers.current;
  const others = [...env.slots.entries()].filter(([slot, m]) => slot.startsWith("arm:") && !isCurrent(m));
  return others.length === 1 ? answers.candidate : undefined;
}

async function serveBatch(env: ReplayEnvironment, rollout: string, batch: RecordedRequest[], rng: Rng, scorer: ModelScorer | undefined): Promise<void> {
  const jobs: { request: RecordedRequest; arm: string; shadow: boolean }[] = [];
  for (const request of batch) {
    const key = env.stickyBy !== undefined ? request.input[env.stickyBy] : undefined;
    const u = key !== undefined && key !== null ? stickyPoint(rollout, String(key)) : rng.next();
    const arm = pickArm(env.weights, u);
    jobs.push({ request, arm, shadow: false });
    if (env.shadow && arm !== env.shadow.slot && rng.next() < env.shadow.sample) jobs.push({ request, arm: env.shadow.slot, shadow: true });
  }
  // slots without recorded answers are scored in one batch per slot
  const pending = new Map<string, number[]>();
  const scores: (number | Error | undefined)[] = jobs.map((j, i) => {
    const recorded = j.request.answers[j.arm] ?? (j.arm === "shadow" ? j.request.answers.candidate : armAnswer(env, j.arm, j.request.answers));
    if (recorded !== undefined) return recorded;
    pending.set(j.arm, [...(pending.get(j.arm) ?? []), i]);
    return undefined;
  });
  for (const [arm, indices] of pending) {
    const model = arm === "current" ? env.current() : (env.slots.get(arm) ?? null);
    if (!model || !scorer) throw new RecordingError(`request ${jobs[indices[0]!]!.request.requestId} has no recorded answer for the ${arm} slot, and no registered model can score it${model ? "" : ` (nothing is loaded in ${arm})`}`);
    const out = await scorer(model, indices.map((i) => jobs[i]!.request.input));
    indices.forEach((i, k) => (scores[i] = out[k]));
  }
  jobs.forEach((j, i) => {
    const s = scores[i];
    const model = j.arm === "current" ? env.current() : (env.slots.get(j.arm) ?? null);
    env.served.push({ at: j.request.at, requestId: j.request.requestId, arm: j.arm, model, input: j.request.input, score: typeof s === "number" ? s : null, error: !(typeof s === "number"), latencyMs: j.request.latencyMs, shadow: j.shadow });
  });
}
