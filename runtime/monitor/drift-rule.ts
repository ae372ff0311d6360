/**
 * One drift rule over many columns (spec/language.md#monitor): each column's test,
 * its threshold (a distance above it is drift) or significance level (a p-value below
 * it is drift, after the rule's correction across the columns tested by p-value), and
 * the dataset-drift flag (more than `share` of the columns drifted, as Evidently).
 * A column whose window has fewer than `minSamples` rows is `insufficient`, never
 * "no drift".
 */
import { driftTestImplementations } from "../../stdlib/drift/index.js";
import type { DriftColumn } from "../../stdlib/drift/drift-column.js";

export type Correction = "bonferroni" | "fdr" | "none";
export type Verdict = "drift" | "no_drift" | "insufficient";

/** When a rule names no bound (Evidently's defaults for ks/chi2/js/wasserstein). */
export const DEFAULT_P_VALUE = 0.05;
export const DEFAULT_THRESHOLDS: Readonly<Record<string, number>> = { psi: 0.2, js: 0.1, wasserstein: 0.1 };
export const DEFAULT_MIN_SAMPLES = 100;
export const DEFAULT_SHARE = 0.5;
export const DEFAULT_CORRECTION: Correction = "bonferroni";

export interface DriftRuleSettings {
  test: string;
  threshold?: number;
  pValue?: number;
  minSamples?: number;
  correction?: Correction;
  share?: number;
}

export interface ColumnSamples {
  column: string;
  reference: DriftColumn;
  current: DriftColumn;
}

export interface ColumnResult {
  column: string;
  /** The test that ran (for `auto`, the one it chose). */
  test: string;
  yields: "distance" | "p_value" | null;
  statistic: number | null;
  pValue: number | null;
  /** Distance tests: the threshold the distance is compared with. */
  threshold: number | null;
  /** p-value tests: the level after correction the p-value is compared with. */
  alpha: number | null;
  verdict: Verdict;
  /** Rows in the window (after missing values are left out) and in the reference. */
  n: number;
  nReference: number;
}

export interface DriftRuleResult {
  columns: ColumnResult[];
  correction: Correction;
  share: number;
  /** Share of the tested (not insufficient) columns that drifted; null when none was tested. */
  driftedShare: number | null;
  datasetDrift: boolean;
  /** The rule fires when any column drifted; with none drifted and one insufficient it is insufficient. */
  fired: boolean;
  verdict: Verdict;
}

export class DriftRuleError extends Error {}

/**
 * Which p-values are significant at level alpha across m tests: bonferroni compares each
 * with alpha / m, fdr is Benjamini–Hochberg (the largest k with p(k) <= k alpha / m and
 * every smaller p-value), none compares with alpha. Returns the verdicts and, per test, the
 * level its p-value was compared with.
 */
export function significant(pValues: number[], alpha: number, correction: Correction): { rejected: boolean[]; levels: number[] } {
  const m = pValues.length;
  if (correction === "none") return { rejected: pValues.map((p) => p < alpha), levels: pValues.map(() => alpha) };
  if (correction === "bonferroni") return { rejected: pValues.map((p) => p < alpha / m), levels: pValues.map(() => alpha / m) };
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let k = 0;
  order.forEach(([p], rank) => {
    if (p <= ((rank + 1) * alpha) / m) k = rank + 1;
  });
  const rejected = new Array<boolean>(m).fill(false);
  const levels = new Array<number>(m).fill((Math.max(k, 1) * alpha) / m);
  for (let r = 0; r < k; r++) rejected[order[r]![1]] = true;
  return { rejected, levels };
}

export function evaluateDriftRule(settings: DriftRuleSettings, samples: ColumnSamples[]): DriftRuleResult {
  const run = driftTestImplementations.get(settings.test);
  if (!run) throw new DriftRuleError(`unknown drift test \`${settings.test}\`; drift tests are ${[...driftTestImplementations.keys()].join(", ")}`);
  const minSamples = settings.minSamples ?? DEFAULT_MIN_SAMPLES;
  const correction = settings.correction ?? DEFAULT_CORRECTION;
  const share = settings.share ?? DEFAULT_SHARE;
  const alpha = settings.pValue ?? DEFAULT_P_VALUE;

  const columns: ColumnResult[] = samples.map((s) => {
    const base = { column: s.column, n: s.current.values.length, nReference: s.reference.values.length };
    if (s.current.values.length < minSamples || s.reference.values.length === 0) {
      return { ...base, test: settings.test, yields: null, statistic: null, pValue: null, threshold: null, alpha: null, verdict: "insufficient" as const };
    }
    const o = run(s.reference, s.current);
    if (o.yields === "distance") {
      const threshold = settings.threshold ?? DEFAULT_THRESHOLDS[o.test] ?? 0.1;
      return { ...base, test: o.test, yields: o.yields, statistic: o.statistic, pValue: null, threshold, alpha: null, verdict: o.statistic > threshold ? ("drift" as const) : ("no_drift" as const) };
    }
    return { ...base, test: o.test, yields: o.yields, statistic: o.statistic, pValue: o.pValue!, threshold: null, alpha, verdict: "no_drift" as const };
  });

  const byP = columns.filter((c) => c.yields === "p_value");
  const sig = significant(
    byP.map((c) => c.pValue!),
    alpha,
    correction,
  );
  byP.forEach((c, i) => {
    c.alpha = sig.levels[i]!;
    c.verdict = sig.rejected[i] ? "drift" : "no_drift";
  });

  const tested = columns.filter((c) => c.verdict !== "insufficient");
  const drifted = tested.filter((c) => c.verdict === "drift").length;
  const driftedShare = tested.length ? drifted / tested.length : null;
  const fired = drifted > 0;
  return {
    columns,
    correction,
    share,
    driftedShare,
    datasetDrift: driftedShare !== null && driftedShare > share,
    fired,
    verdict: fired ? "drift" : tested.length < columns.length ? "insufficient" : "no_drift",
  };
}
