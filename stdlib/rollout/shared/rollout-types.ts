/**
 * What the rollout controller, its strategies and its environments share
 * (spec/rollouts.md). Arms are router slot names: `current`, `candidate`,
 * `shadow`, `arm:<model>@<version>` (bandit arms).
 */
import type { ArmPosterior } from "./statistics/bandit.js";

export interface ModelVersionRef {
  model: string;
  version: number;
}

/** One prediction joined to its feedback. */
export interface LabelledPrediction {
  /** The model's score: P(positive) for a binary task, the value for regression. */
  score: number;
  /** The outcome reported as feedback: a boolean, a number, or an object of named outcomes. */
  outcome: unknown;
}

/** What one arm did in a window. */
export interface ArmMeasurements {
  requests: number;
  errors: number;
  fallbacks: number;
  /** Latencies in ms of the requests (the environment may pass a sample). */
  latencies: number[];
  /** Predictions of this arm that have feedback. */
  outcomes: LabelledPrediction[];
}

export type WindowMeasurements = Record<string, ArmMeasurements>;

export interface MeasurementWindow {
  /** inclusive, ms since the epoch */
  from: number;
  /** exclusive */
  to: number;
}

export type Phase = "progressing" | "paused" | "promoted" | "rolled_back" | "aborted";
export const TERMINAL_PHASES: readonly Phase[] = ["promoted", "rolled_back", "aborted"];

export type Verdict = "pass" | "fail" | "inconclusive";

export interface GuardMeasurement {
  guard: string;
  arm: string;
  /** The candidate's value, null when it could not be measured */
  value: number | null;
  /** The current model's value on the same window, for comparison */
  baseline: number | null;
  /** The bound the value was held to (for `champion.auc - 0.01`: the current arm's value − 0.01) */
  bound: number | null;
  samples: number;
  /** Observations behind the baseline */
  baselineSamples?: number;
  verdict: Verdict;
  why: string;
}

/** The decision statistics of an A/B test at its last look. */
export interface TestStatistics {
  metric: string;
  kind: "binary" | "numeric";
  /** Cumulative outcome summaries (Welford) and request counts per arm, over the whole test */
  perArm: Record<string, { n: number; mean: number; m2: number; requests: number }>;
  effect: number;
  interval: [number, number];
  /** Running minimum of the mSPRT p-values: valid however often it is looked at */
  pValue: number;
  alpha: number;
  srm: { statistic: number; pValue: number; mismatch: boolean };
}

/** The persisted state of one rollout (the `rollouts` table's JSON). */
export interface RolloutDoc {
  rollout: string;
  serve: string;
  strategy: string;
  phase: Phase;
  current: ModelVersionRef | null;
  candidate: ModelVersionRef | null;
  /** Bandit arms, by slot name */
  arms?: Record<string, ModelVersionRef>;
  /** Index into the strategy's steps (canary), else 0 */
  step: number;
  /** How many steps the strategy has (canary) */
  steps?: number;
  weights: Record<string, number>;
  startedAt: number;
  intervalStartedAt: number;
  /** Inconclusive intervals in a row */
  inconclusive: number;
  guards: GuardMeasurement[];
  test?: TestStatistics;
  posteriors?: Record<string, ArmPosterior>;
  reason: string;
  /** Who decided the last transition: `controller` or a person */
  decidedBy: string;
  /** Who drives it now, until when (two servers on one workspace never both do) */
  lease?: { holder: string; expiresAt: number };
}

export interface StrategyInput {
  params: Record<string, unknown>;
  doc: RolloutDoc;
  now: number;
  /** Measurements of the interval that just ended, per arm */
  measurements: WindowMeasurements;
  /** The guards' verdicts on that interval (the controller judges guards before the strategy) */
  guards: GuardMeasurement[];
  /** A seed for this interval (Thompson's draws) */
  seed: number;
}

export type StrategyDecision =
  /** Keep the weights; start another interval. */
  | { kind: "hold"; reason: string; inconclusive?: boolean; update?: Partial<RolloutDoc> }
  /** Move to new weights (a canary step, a bandit's new shares). */
  | { kind: "advance"; reason: string; weights: Record<string, number>; step?: number; update?: Partial<RolloutDoc> }
  /** The candidate (or a bandit's winner) won. */
  | { kind: "succeed"; reason: string; winner: ModelVersionRef; update?: Partial<RolloutDoc> }
  /** The candidate lost; on_fail decides rollback or pause. */
  | { kind: "fail"; reason: string; update?: Partial<RolloutDoc> }
  /** Stop deciding until a person looks (SRM, a broken setup). */
  | { kind: "halt"; reason: string; update?: Partial<RolloutDoc> };

export interface StrategyStart {
  weights: Record<string, number>;
  /** Router options: sticky key field, shadow copies */
  stickyBy?: string;
  shadow?: { slot: string; sample: number };
}

/** A rollout strategy's decision rule (stdlib/rollout/<name>.ts). */
export interface RolloutStrategy {
  name: string;
  /** How long one interval (one look) lasts, in ms. */
  intervalMs(params: Record<string, unknown>): number;
  /** Guards judge arms with at least this many observations. */
  minSamples(params: Record<string, unknown>): number;
  /** The arm the guards judge against `current` (`candidate`, `shadow`), or null (bandit: every arm). */
  judgedArm: string | null;
  /** The weights and router options at step `step`. */
  start(params: Record<string, unknown>, doc: Pick<RolloutDoc, "step" | "weights">): StrategyStart;
  /** The decision at the end of an interval in which no guard failed. */
  decide(input: StrategyInput): StrategyDecision;
}

/** What the controller drives: a live server and workspace, or a replay of recorded traffic. */
export interface RolloutEnvironment {
  /** ms since the epoch */
  clock(): number;
  /** A model reference (`churn_mlp@challenger`, `churn_mlp@3`) → the version it names now, or null. */
  resolve(ref: string): ModelVersionRef | null;
  /** Route the serve's traffic by these weights. */
  setWeights(serve: string, rollout: string, weights: Record<string, number>, options: { stickyBy?: string; shadow?: { slot: string; sample: number } }): void;
  /** Load a model into a slot (`candidate`, `shadow`, `arm:…`), or empty it. */
  setCandidate(serve: string, slot: string, model: ModelVersionRef | null): void | Promise<void>;
  /** Make `model` the champion (the alias history records `rollout <name>` as the mover). */
  promote(rollout: string, model: ModelVersionRef, reason: string): void;
  /** Per-arm measurements of the serve's rollout traffic in a window. */
  measurements(serve: string, rollout: string, window: MeasurementWindow): WindowMeasurements;
}
