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
import { outcomeValue } from "../../stdlib/rollout/shared/outcomes.js";
import { auc } from "../../stdlib/rollout/shared/statistics/auc.js";
import type { ArmMeasurements, GuardMeasurement, LabelledPrediction, Verdict } from "../../stdlib/rollout/shared/rollout-types.js";

export type GuardPlan = Plan["rollouts"][number]["guards"][number];

const PERCENTILES: Record<string, number> = { p50_latency: 0.5, p95_latency: 0.95, p99_latency: 0.99 };

/** Nearest-rank percentile of `values` (q in (0, 1]). */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

type Measured = { value: number | null; samples: number; why?: string; /** standard error of value, where known */ se?: number };

/** One-sided 95%: a quality guard fails only when the value is below its bound by more than this many standard errors. */
export const QUALITY_Z = 1.645;

/** Hanley & McNeil (1982): standard error of an AUC from its positives and negatives. */
export function aucStandardError(a: number, positives: number, negatives: number): number {
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  return Math.sqrt(Math.max(0, (a * (1 - a) + (positives - 1) * (q1 - a * a) + (negatives - 1) * (q2 - a * a)) / (positives * negatives)));
}

function standardError(metric: string, value: number, labels: number[]): number | undefined {
  if (metric === "auc") {
    const positives = labels.filter((y) => y >= 0.5).length;
    return aucStandardError(value, positives, labels.length - positives);
  }
  if (metric === "accuracy") return Math.sqrt((value * (1 - value)) / labels.length);
  return undefined;
}

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
  if (Number.isNaN(value)) return { value: null, samples: scores.length, why: "feedback has one class only" };
  const se = standardError(metric, value, labels);
  return { value, samples: scores.length, ...(se !== undefined ? { se } : {}) };
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
export function judgeGuard(guard: GuardPlan, arm: string, measurements: Record<string, ArmMeasurements>, minSamples: number, earlier?: Baseline): GuardMeasurement {
  const mine = measure(guard.metric, measurements[arm]);
  const relative = guard.relative;
  let base = arm === "current" ? mine : measure(relative?.metric ?? guard.metric, measurements.current);
  // at 100% the champion answers nothing: a relative guard compares with its last judged value
  let note = "";
  if (relative && (measurements.current?.requests ?? 0) === 0 && earlier && earlier.samples >= minSamples) {
    base = { value: earlier.value, samples: earlier.samples };
    note = " (the champion's value from an earlier interval: it answers no traffic now)";
  }
  const out = (verdict: Verdict, why: string, bound: number | null): GuardMeasurement => ({
    guard: guard.text,
    arm,
    value: mine.value === null ? null : round(mine.value),
    baseline: base.value === null ? null : round(base.value),
    bound: bound === null ? null : round(bound),
    samples: mine.samples,
    baselineSamples: base.samples,
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
  if (holds(mine.value, guard.op, bound)) return out("pass", `${round(mine.value)} ${guard.op} ${round(bound)}${note}`, bound);
  // an SLO the current model breaches as well says the environment is unwell, not the candidate
  if (!relative && arm !== "current" && base.value !== null && base.samples >= minSamples && !holds(base.value, guard.op, bound)) {
    return out("inconclusive", `${round(mine.value)} breaks ${guard.text}, but the current model's ${round(base.value)} does too`, bound);
  }
  // live quality on a few hundred outcomes is noisy: below the bound, but not by more than the noise, holds
  if (mine.se !== undefined) {
    const se = Math.sqrt(mine.se ** 2 + (relative && base.se !== undefined ? base.se ** 2 : 0));
    const below = guard.op === ">" || guard.op === ">=" ? bound - mine.value : mine.value - bound;
    if (below <= QUALITY_Z * se) {
      return out("inconclusive", `${round(mine.value)} is short of ${round(bound)} by ${round(below)}, within the noise (${QUALITY_Z} × standard error ${round(se)})${note}`, bound);
    }
  }
  return out("fail", `${round(mine.value)} breaks ${guard.text}${note}`, bound);
}

/** The champion's last judged value of a relative guard's metric. */
export interface Baseline {
  value: number;
  samples: number;
}

/** Every guard on every judged arm. */
export function judgeGuards(guards: readonly GuardPlan[], arms: readonly string[], measurements: Record<string, ArmMeasurements>, minSamples: number, earlier: readonly GuardMeasurement[] = []): GuardMeasurement[] {
  return arms.flatMap((arm) =>
    guards.map((g) => {
      const before = earlier.find((m) => m.guard === g.text && m.arm === arm && m.baseline !== null);
      return judgeGuard(g, arm, measurements, minSamples, before ? { value: before.baseline!, samples: before.baselineSamples ?? 0 } : undefined);
    }),
  );
}
