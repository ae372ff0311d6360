/**
 * One evaluation of a spec's monitors (`mlspec monitor SPEC --once`): each drift rule's
 * window is read from the prediction log, split by the model version that answered, and
 * compared with that version's monitoring reference (spec/language.md#drift-tests).
 * A rule that fires is stored in monitor_firings and sent to the monitor's alerts.
 */
import type { Plan } from "../../compiler/plan/schema.js";
import type { DriftColumn } from "../../stdlib/drift/drift-column.js";
import type { Workspace } from "../workspace/workspace.js";
import { evaluateDriftRule, type ColumnSamples, type DriftRuleResult } from "./drift-rule.js";
import { monitoringReferenceSha, readWindow, recordFiring, type WindowRow } from "./monitor-store.js";
import { loggedPredictionValue, type MonitoringReference } from "./reference.js";
import { MonitorError, servedModel } from "./served-model.js";
import { evaluatePerformanceRules, type PerformanceRuleReport } from "./performance-once.js";

export { MonitorError };

export interface MonitorOnceOptions {
  /** Window bounds in ms since the epoch; by default each rule's own window ending now. */
  from?: number;
  to?: number;
  now?: () => number;
  /** Only this monitor. */
  monitor?: string;
  /** Where relative `labels` paths are read from (the spec's folder). */
  projectDir?: string;
}

export interface VersionResult {
  model: string;
  version: number;
  rows: number;
  /** Absent when the version has no reference (then the verdict is insufficient). */
  result?: DriftRuleResult;
  verdict: DriftRuleResult["verdict"];
  note?: string;
}

export interface DriftRuleReport {
  rule: string;
  target: "features" | "prediction";
  test: string;
  threshold: number | null;
  pValue: number | null;
  window: { from: number; to: number };
  versions: VersionResult[];
  /** Watched columns left out, with why (unique ids, timestamps). */
  skipped: Array<{ column: string; reason: string }>;
  verdict: DriftRuleResult["verdict"];
  fired: boolean;
}

export interface MonitorReport {
  monitor: string;
  serve: string;
  drift: DriftRuleReport[];
  performance: PerformanceRuleReport[];
  /** The retrain rule's decision on this evaluation, when `when` held. */
  retrain?: { trigger: number; state: string; reason?: string };
  /** Rule kinds this version does not evaluate yet, named so nobody reads silence as health. */
  notEvaluated: string[];
}

function toColumn(kind: "numeric" | "categorical", values: Iterable<unknown>): DriftColumn {
  if (kind === "numeric") {
    const out: number[] = [];
    for (const v of values) if (typeof v === "number" && Number.isFinite(v)) out.push(v);
    return { kind, values: out };
  }
  const out: string[] = [];
  for (const v of values) if (v !== null && v !== undefined && !(typeof v === "number" && !Number.isFinite(v))) out.push(String(v));
  return { kind, values: out };
}

export async function evaluateMonitorsOnce(plan: Plan, ws: Workspace, options: MonitorOnceOptions = {}): Promise<MonitorReport[]> {
  const now = (options.now ?? Date.now)();
  const monitors = plan.monitors.filter((m) => options.monitor === undefined || m.name === options.monitor);
  if (options.monitor !== undefined && monitors.length === 0) {
    throw new MonitorError(`no monitor \`${options.monitor}\` in the spec; its monitors are ${plan.monitors.map((m) => m.name).join(", ") || "none"}`);
  }
  const references = new Map<string, MonitoringReference | null>();
  const referenceOf = (model: string, version: number): MonitoringReference | null => {
    const key = `${model}@${version}`;
    if (!references.has(key)) {
      const sha = monitoringReferenceSha(ws.registry.db, model, version);
      references.set(key, sha && ws.artifacts.has(sha) ? (ws.artifacts.getJson(sha) as MonitoringReference) : null);
    }
    return references.get(key)!;
  };

  const windows = new Map<string, WindowRow[]>();
  const reports: MonitorReport[] = [];
  for (const mon of monitors) {
    const data = servedModel(plan, mon);
    const drift = mon.drift.map((rule, i): DriftRuleReport => {
      const to = options.to ?? now;
      const from = options.from ?? to - rule.windowMs;
      const skipped: DriftRuleReport["skipped"] = [];
      const watched: Array<{ name: string; kind: "numeric" | "categorical" }> = [];
      if (rule.target === "features") {
        const chosen = rule.columns === "all" ? data.columns : data.columns.filter((c) => (rule.columns as string[]).includes(c.name));
        for (const c of chosen) {
          if (c.kind === "timestamp") skipped.push({ column: c.name, reason: "timestamp" });
          else if (c.unique && rule.columns === "all") skipped.push({ column: c.name, reason: "unique: every value is new" });
          else watched.push({ name: c.name, kind: c.kind });
        }
      }
      // rules with the same window read it once
      const windowKey = `${mon.serve}\0${from}\0${to}`;
      if (!windows.has(windowKey)) windows.set(windowKey, readWindow(ws.registry.db, mon.serve, from, to));
      const rows = windows.get(windowKey)!;
      const groups = new Map<string, { model: string; version: number; rows: WindowRow[] }>();
      for (const r of rows) {
        const key = `${r.model}@${r.version}`;
        if (!groups.has(key)) groups.set(key, { model: r.model, version: r.version, rows: [] });
        groups.get(key)!.rows.push(r);
      }
      const settings = { test: rule.test, ...(rule.threshold !== undefined ? { threshold: rule.threshold } : {}), ...(rule.pValue !== undefined ? { pValue: rule.pValue } : {}), ...(rule.minSamples !== undefined ? { minSamples: rule.minSamples } : {}), ...(rule.correction !== undefined ? { correction: rule.correction } : {}), ...(rule.share !== undefined ? { share: rule.share } : {}) };
      const versions: VersionResult[] = [...groups.values()].map((g) => {
        const ref = referenceOf(g.model, g.version);
        if (!ref) return { model: g.model, version: g.version, rows: g.rows.length, verdict: "insufficient" as const, note: `${g.model} version ${g.version} has no monitoring reference (registered before references were stored; run \`mlspec run\` again)` };
        let samples: ColumnSamples[];
        if (rule.target === "prediction") {
          const track = ref.prediction.track;
          samples = [{ column: "prediction", reference: toColumn(track.kind, ref.prediction.values), current: toColumn(track.kind, g.rows.map((r) => loggedPredictionValue(track, r.output))) }];
        } else {
          samples = watched
            .filter((c) => ref.columns[c.name] !== undefined)
            .map((c) => ({
              column: c.name,
              reference: toColumn(c.kind, ref.columns[c.name]!),
              current: toColumn(c.kind, g.rows.map((r) => (typeof r.inputs === "object" && r.inputs !== null ? (r.inputs as Record<string, unknown>)[c.name] : undefined))),
            }));
        }
        const result = evaluateDriftRule(settings, samples);
        return { model: g.model, version: g.version, rows: g.rows.length, result, verdict: result.verdict };
      });
      const fired = versions.some((v) => v.result?.fired === true);
      const verdict = fired ? "drift" : versions.length === 0 || versions.some((v) => v.verdict === "insufficient") ? "insufficient" : "no_drift";
      const report: DriftRuleReport = { rule: `drift #${i + 1}`, target: rule.target, test: rule.test, threshold: rule.threshold ?? null, pValue: rule.pValue ?? null, window: { from, to }, versions, skipped, verdict, fired };
      for (const v of versions) {
        if (v.result?.fired) recordFiring(ws.registry.db, { monitor: mon.name, rule: report.rule, kind: "drift", model: v.model, version: v.version, windowFrom: from, windowTo: to, result: v.result, at: now });
      }
      return report;
    });
    const performance = await evaluatePerformanceRules(plan, mon, ws, {
      now,
      projectDir: options.projectDir ?? process.cwd(),
      ...(options.from !== undefined ? { from: options.from } : {}),
      ...(options.to !== undefined ? { to: options.to } : {}),
    });
    reports.push({ monitor: mon.name, serve: mon.serve, drift, performance, notEvaluated: [] });
  }
  return reports;
}
