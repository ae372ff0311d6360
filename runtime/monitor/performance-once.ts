/**
 * One evaluation of a monitor's performance rules: each rule's window of logged
 * predictions, split by the version that answered, joined to the labels that have
 * arrived (the rule's `labels` source and the feedback table), judged by
 * performance-rule.ts. spec/language.md#performance.
 */
import type { MonitorPlan, Plan } from "../../compiler/plan/schema.js";
import type { Workspace } from "../workspace/workspace.js";
import { readScoredWindow, recordFiring, type ScoredWindowRow } from "./monitor-store.js";
import { evaluatePerformanceRule, type PerformanceResult, type ScoredRow } from "./performance-rule.js";
import { codeLabel, codeOutcome, readFeedbackLabels, readSourceLabels, type LabelCoding } from "./performance-labels.js";
import { MonitorError, servedModel } from "./served-model.js";

export interface PerformanceVersionResult {
  model: string;
  version: number;
  rows: number;
  result?: PerformanceResult;
  note?: string;
}

export interface PerformanceRuleReport {
  rule: string;
  metric: string;
  op: string;
  value: number;
  window: { from: number; to: number };
  /** Where labels came from: the source's path (null without one) and how many labels each gave to this window. */
  labels: { source: string | null; fromSource: number; fromFeedback: number; notYetArrived: number };
  versions: PerformanceVersionResult[];
  verdict: "holds" | "fails" | "insufficient";
  fired: boolean;
}

export interface PerformanceOnceOptions {
  from?: number;
  to?: number;
  now: number;
  projectDir: string;
}

/** Probabilities in class order (binary: the positive class) or the regression value; undefined when the answer has none. */
function scoresOf(output: unknown, coding: LabelCoding): number[] | undefined {
  if (typeof output !== "object" || output === null) return undefined;
  const o = output as { prediction?: unknown; probabilities?: Record<string, unknown> };
  if (coding.family === "regression") return typeof o.prediction === "number" && Number.isFinite(o.prediction) ? [o.prediction] : undefined;
  const probs = o.probabilities;
  if (!probs) return undefined;
  const take = (k: string) => (typeof probs[k] === "number" ? (probs[k] as number) : Number.NaN);
  const s = coding.binary ? [take(coding.positive)] : coding.classes.map(take);
  return s.every(Number.isFinite) ? s : undefined;
}

function codingOf(task: NonNullable<ReturnType<typeof servedModel>["task"]>, rows: ScoredWindowRow[]): LabelCoding | undefined {
  if (task.kind === "regression") return { family: "regression" };
  if (task.kind === "recommendation") return undefined;
  const first = rows.find((r) => typeof r.output === "object" && r.output !== null && (r.output as { probabilities?: object }).probabilities);
  const keys = first ? Object.keys((first.output as { probabilities: object }).probabilities) : (task.classes ?? []).map(String);
  if (task.kind === "binary") {
    const positive = task.classes?.[1] !== undefined ? String(task.classes[1]) : (keys[1] ?? "true");
    const negative = task.classes?.[0] !== undefined ? String(task.classes[0]) : keys[0];
    return { family: "classification", binary: true, positive, ...(negative !== undefined ? { negative } : {}) };
  }
  return { family: "classification", binary: false, classes: keys };
}

export async function evaluatePerformanceRules(plan: Plan, mon: MonitorPlan, ws: Workspace, options: PerformanceOnceOptions): Promise<PerformanceRuleReport[]> {
  if (mon.performance.length === 0) return [];
  const served = servedModel(plan, mon);
  const reports: PerformanceRuleReport[] = [];
  for (const [i, rule] of mon.performance.entries()) {
    const to = options.to ?? options.now;
    const from = options.from ?? to - rule.windowMs;
    const key = rule.key ?? served.uniqueKey;
    const rows = readScoredWindow(ws.registry.db, mon.serve, from, to);
    const base = { rule: `performance #${i + 1}`, metric: rule.metric, op: rule.op, value: rule.value, window: { from, to } };
    const coding = served.task ? codingOf(served.task, rows) : undefined;
    if (!coding || !served.target) {
      const note = served.task?.kind === "recommendation" ? "performance rules of recommendation models are not evaluated from the prediction log" : "the served model's task is not in the plan";
      reports.push({ ...base, labels: { source: null, fromSource: 0, fromFeedback: 0, notYetArrived: 0 }, versions: [{ model: served.model ?? "?", version: 0, rows: rows.length, note }], verdict: "insufficient", fired: false });
      continue;
    }
    if (rule.labels && key === undefined) throw new MonitorError(`monitor \`${mon.name}\`: performance #${i + 1} has labels but no key, and the dataset has no unique column`);
    const source = rule.labels ? await readSourceLabels(rule.labels, options.projectDir, key!, served.target, options.now) : undefined;
    const feedback = readFeedbackLabels(ws.registry.db, mon.serve, key, options.now);
    let fromSource = 0;
    let fromFeedback = 0;
    const groups = new Map<string, { model: string; version: number; rows: ScoredRow[]; unscored: number }>();
    for (const r of rows) {
      const g = groups.get(`${r.model}@${r.version}`) ?? { model: r.model, version: r.version, rows: [], unscored: 0 };
      groups.set(`${r.model}@${r.version}`, g);
      const scores = scoresOf(r.output, coding);
      if (!scores) {
        g.unscored++;
        continue;
      }
      const keyValue = key !== undefined && typeof r.inputs === "object" && r.inputs !== null ? (r.inputs as Record<string, unknown>)[key] : undefined;
      const keyText = keyValue === undefined || keyValue === null ? undefined : String(keyValue);
      // feedback for this very request first, then feedback by key, then the labels source
      const outcome = feedback.byRequest.get(r.requestId) ?? (keyText !== undefined ? feedback.byKey.get(keyText) : undefined);
      let label = outcome !== undefined ? codeOutcome(coding, outcome) : undefined;
      if (label !== undefined) fromFeedback++;
      else if (keyText !== undefined && source?.byKey.has(keyText)) {
        label = codeLabel(coding, source.byKey.get(keyText)!);
        if (label !== undefined) fromSource++;
      }
      g.rows.push(label !== undefined ? { scores, label } : { scores });
    }
    const versions = [...groups.values()].map((g): PerformanceVersionResult => {
      const result = evaluatePerformanceRule(
        { metric: rule.metric, op: rule.op, value: rule.value, hasLabels: rule.labels !== undefined, ...(rule.minSamples !== undefined ? { minSamples: rule.minSamples } : {}) },
        coding.family === "regression" ? { family: "regression" } : coding.binary ? { family: "classification" } : { family: "classification", K: coding.classes.length },
        g.rows,
      );
      return { model: g.model, version: g.version, rows: g.rows.length + g.unscored, result, ...(g.unscored ? { note: `${g.unscored} answers without scores left out` } : {}) };
    });
    const fired = versions.some((v) => v.result?.fired === true);
    const verdict = fired ? "fails" : versions.length === 0 || versions.some((v) => v.result?.verdict !== "holds") ? "insufficient" : "holds";
    const report: PerformanceRuleReport = { ...base, labels: { source: rule.labels?.path ?? null, fromSource, fromFeedback, notYetArrived: source?.notYetArrived ?? 0 }, versions, verdict, fired };
    for (const v of versions) {
      if (v.result?.fired) recordFiring(ws.registry.db, { monitor: mon.name, rule: report.rule, kind: "performance", model: v.model, version: v.version, windowFrom: from, windowTo: to, result: v.result, at: options.now });
    }
    reports.push(report);
  }
  return reports;
}
