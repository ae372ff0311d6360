/**
 * One performance rule over one model version's window (spec/language.md#performance):
 * the metric measured with the stdlib implementation on the predictions whose labels have
 * arrived, and — for a classifier — its CBPE estimate on the predictions still without a
 * label. The two are never mixed: a rule with `labels` is judged on the measured value,
 * one without on the estimate, and the result says which.
 */
import { metrics } from "../../stdlib/metrics/index.js";
import { estimateMetric, isEstimable } from "./cbpe.js";
import { DEFAULT_MIN_SAMPLES } from "./drift-rule.js";

export type PerformanceVerdict = "holds" | "fails" | "insufficient";

export interface PerformanceRuleSettings {
  metric: string;
  op: "<" | "<=" | ">" | ">=";
  value: number;
  minSamples?: number;
  /** The rule names a labels source: judged on measured values only. */
  hasLabels: boolean;
}

/** One logged prediction: its scores (binary: [p(positive)]; multiclass: K probabilities; regression: [value]) and its label if it arrived. */
export interface ScoredRow {
  scores: number[];
  label?: number;
}

export interface MetricValue {
  value: number | null;
  /** Rows it was computed on. */
  n: number;
  holds: boolean | null;
}

export interface PerformanceResult {
  metric: string;
  op: PerformanceRuleSettings["op"];
  bound: number;
  minSamples: number;
  /** On the labelled rows. */
  measured: MetricValue;
  /** CBPE on the rows without a label (classifiers, estimable metrics); null otherwise. */
  estimated: MetricValue | null;
  judgedOn: "measured" | "estimated";
  verdict: PerformanceVerdict;
  /** The condition failed on at least min_samples rows. */
  fired: boolean;
  note?: string;
}

export function holds(value: number, op: PerformanceRuleSettings["op"], bound: number): boolean {
  return op === "<" ? value < bound : op === "<=" ? value <= bound : op === ">" ? value > bound : value >= bound;
}

export function evaluatePerformanceRule(settings: PerformanceRuleSettings, task: { family: "classification" | "regression"; K?: number }, rows: ScoredRow[]): PerformanceResult {
  const entry = metrics[settings.metric];
  const minSamples = settings.minSamples ?? DEFAULT_MIN_SAMPLES;
  const labelled = rows.filter((r) => r.label !== undefined);
  const unlabelled = rows.filter((r) => r.label === undefined);
  let note: string | undefined;

  const measured: MetricValue = { value: null, n: labelled.length, holds: null };
  if (entry && labelled.length > 0 && entry.family !== "ranking") {
    const flat = Float32Array.from(labelled.flatMap((r) => r.scores));
    const v =
      entry.family === "classification"
        ? entry.compute(Int32Array.from(labelled.map((r) => r.label!)), flat, task.K)
        : entry.compute(Float32Array.from(labelled.map((r) => r.label!)), flat);
    if (Number.isFinite(v)) measured.value = v;
    else note = `${settings.metric} is undefined on the labelled rows (one class only)`;
  } else if (!entry || entry.family === "ranking") note = `${settings.metric} is not computed on the prediction log`;
  if (measured.value !== null) measured.holds = holds(measured.value, settings.op, settings.value);

  let estimated: MetricValue | null = null;
  if (task.family === "classification" && isEstimable(settings.metric)) {
    // without labels the estimate covers the whole window; with labels, only what they do not
    const base = settings.hasLabels ? unlabelled : rows;
    const v = base.length ? estimateMetric(settings.metric, base.flatMap((r) => r.scores), task.K) : Number.NaN;
    estimated = { value: Number.isFinite(v) ? v : null, n: base.length, holds: null };
    if (estimated.value !== null) estimated.holds = holds(estimated.value, settings.op, settings.value);
  }

  const judgedOn = settings.hasLabels ? "measured" : "estimated";
  const judged = judgedOn === "measured" ? measured : estimated;
  const verdict: PerformanceVerdict = !judged || judged.holds === null || judged.n < minSamples ? "insufficient" : judged.holds ? "holds" : "fails";
  return {
    metric: settings.metric,
    op: settings.op,
    bound: settings.value,
    minSamples,
    measured,
    estimated,
    judgedOn,
    verdict,
    fired: verdict === "fails",
    ...(note !== undefined ? { note } : {}),
  };
}
