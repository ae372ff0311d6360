/**
 * Guards judged per arm on one window (spec/rollouts.md#guards): serving
 * figures (latency percentiles, error, fallback rate) and live quality from
 * feedback (auc, accuracy, logloss, rmse, mae), absolute or relative to the
 * champion (the `current` arm on the same window). A guard that cannot be
 * judged — fewer than `minSamples` observations, no feedback — is
 * inconclusive; a serving guard that the current model breaches as well is
 * inconclusive too, because the cause is not the candidate.
 */
import type { Plan } from "../../compiler/plan/schema.js";
import { outcomeValue } from "./outcomes.js";
import { auc } from "./statistics/auc.js";
import type { ArmMeasurements, GuardMeasurement, LabelledPrediction, Verdict } from "./types.js";

export type GuardPlan = Plan["rollouts"][number]["guards"][number];

const PERCENTILES: Record<string, number> = { p50_latency: 0.5, p95_latency: 0.95, p99_latency: 0.99 };

/** Nearest-rank percentile of `values` (q in (0, 1]). */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

type Measured = { value: number | null; samples: number; why?: string };

function servingValue(metric: string, m: ArmMeasurements | undefined): Measured | undefined {
  if (!m) return { value: null, samples: 0, why: "no requests" };
  if (metric in PERCENTILES) return { value: percentile(m.latencies, PERCENTILES[metric]!), samples: m.latencies.length };
  if (metric === "error_rate") return { value: m.requests > 0 ? m.errors / m.requests : null, samples: m.requests };
  if (metric === "fallback_rate") return { value: m.requests > 0 ? m.fallbacks / m.requests : null, samples: m.requests };
  if (metric === "timeout_rate") return { value: m.requests > 0 ? m.errors / m.requests : null, samples: m.requests, why: "timeouts count as errors" };
  return undefined;
}

function labelled(outcomes: readonly LabelledPrediction[]): { scores: number[]; labels: number[] } {
  const scores: number[] = [];
  const labels: number[] = [];
  for (const o of outcomes) {
    const y = outcomeValue(o.outcome);
    if (y === null || !Number.isFinite(o.score)) continue;
    scores.push(o.score);
    labels.push(y);
  }
  return { scores, labels };
}

const QUALITY: Record<string, (s: number[], y: number[]) => number> = {
  auc: (s, y) => auc(s, y.map((v) => v >= 0.5)),
  accuracy: (s, y) => s.reduce((a, p, i) => a + ((p >= 0.5 ? 1 : 0) === (y[i]! >= 0.5 ? 1 : 0) ? 1 : 0), 0) / s.length,
  logloss: (s, y) => -s.reduce((a, p, i) => {
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p));
    return a + (y[i]! >= 0.5 ? Math.log(q) : Math.log(1 - q));
  }, 0) / s.length,
  rmse: (s, y) => Math.sqrt(s.reduce((a, p, i) => a + (p - y[i]!) ** 2, 0) / s.length),
  mae: (s, y) => s.reduce((a, p, i) => a + Math.abs(p - y[i]!), 0) / s.length,
};

function qualityValue(metric: string, m: ArmMeasurements | undefined): Measured | undefined {
  const fn = QUALITY[metric];
  if (!fn) return undefined;
  if (!m || m.outcomes.length === 0) return { value: null, samples: 0, why: "no feedback yet" };
  const { scores, labels } = labelled(m.outcomes);
  if (scores.length === 0) return { value: null, samples: 0, why: "no usable feedback" };
  const value = fn(scores, labels);
  return { value: Number.isNaN(value) ? null : value, samples: scores.length, ...(Number.isNaN(value) ? { why: "feedback has one class only" } : {}) };
}

function measure(metric: string, m: ArmMeasurements | undefined): Measured {
  return servingValue(metric, m) ?? qualityValue(metric, m) ?? { value: null, samples: 0, why: `${metric} is not measured live` };
}

function holds(value: number, op: GuardPlan["op"], bound: number): boolean {
  switch (op) {
    case "<": return value < bound;
    case "<=": return value <= bound;
    case ">": return value > bound;
    case ">=": return value >= bound;
    case "==": return value === bound;
    case "!=": return value !== bound;
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Judge one guard on `arm` against `current` over the same window. */
export function judgeGuard(guard: GuardPlan, arm: string, measurements: Record<string, ArmMeasurements>, minSamples: number): GuardMeasurement {
  const mine = measure(guard.metric, measurements[arm]);
  const relative = guard.relative;
  const base = arm === "current" ? mine : measure(relative?.metric ?? guard.metric, measurements.current);
  const out = (verdict: Verdict, why: string, bound: number | null): GuardMeasurement => ({
    guard: guard.text,
    arm,
    value: mine.value === null ? null : round(mine.value),
    baseline: base.value === null ? null : round(base.value),
    bound: bound === null ? null : round(bound),
    samples: mine.samples,
    verdict,
    why,
  });
  const bound = relative ? (base.value === null ? null : base.value + relative.offset) : (guard.value ?? null);
  if (mine.value === null) return out("inconclusive", `${arm}: ${mine.why ?? "nothing measured"}`, bound);
  if (mine.samples < minSamples) return out("inconclusive", `${arm}: ${mine.samples} of ${minSamples} samples needed`, bound);
  if (relative) {
    if (base.value === null) return out("inconclusive", `the champion: ${base.why ?? "nothing measured"}`, null);
    if (base.samples < minSamples) return out("inconclusive", `the champion: ${base.samples} of ${minSamples} samples needed`, bound);
  }
  if (bound === null) return out("inconclusive", "no bound", null);
  if (holds(mine.value, guard.op, bound)) return out("pass", `${round(mine.value)} ${guard.op} ${round(bound)}`, bound);
  // an SLO the current model breaches as well says the environment is unwell, not the candidate
  if (!relative && arm !== "current" && base.value !== null && base.samples >= minSamples && !holds(base.value, guard.op, bound)) {
    return out("inconclusive", `${round(mine.value)} breaks ${guard.text}, but the current model's ${round(base.value)} does too`, bound);
  }
  return out("fail", `${round(mine.value)} breaks ${guard.text}`, bound);
}

/** Every guard on every judged arm. */
export function judgeGuards(guards: readonly GuardPlan[], arms: readonly string[], measurements: Record<string, ArmMeasurements>, minSamples: number): GuardMeasurement[] {
  return arms.flatMap((arm) => guards.map((g) => judgeGuard(g, arm, measurements, minSamples)));
}
