/**
 * One evaluation of a spec's monitors (`mlspec monitor SPEC --once`): each drift rule's
 * window is read from the prediction log, split by the model version that answered, and
 * compared with that version's monitoring reference (spec/language.md#drift-tests).
 * A rule that fires is stored in monitor_firings and sent to the monitor's alerts.
 */
import type { MonitorPlan, Plan, StepOf } from "../../compiler/plan/schema.js";
import type { DriftColumn } from "../../stdlib/drift/drift-column.js";
import type { Workspace } from "../workspace/workspace.js";
import { evaluateDriftRule, type ColumnSamples, type DriftRuleResult } from "./drift-rule.js";
import { monitoringReferenceSha, readWindow, recordFiring, type WindowRow } from "./monitor-store.js";
import { loggedPredictionValue, type MonitoringReference } from "./reference.js";

export interface MonitorOnceOptions {
  /** Window bounds in ms since the epoch; by default each rule's own window ending now. */
  from?: number;
  to?: number;
  now?: () => number;
  /** Only this monitor. */
  monitor?: string;
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
  /** Rule kinds this version does not evaluate yet, named so nobody reads silence as health. */
  notEvaluated: string[];
}

export class MonitorError extends Error {}

interface ColumnInfo {
  name: string;
  kind: "numeric" | "categorical" | "timestamp";
  unique: boolean;
}

function servedDataset(plan: Plan, mon: MonitorPlan): { columns: ColumnInfo[]; target?: string } {
  const serve = plan.serves.find((s) => s.name === mon.serve);
  if (!serve) throw new MonitorError(`monitor \`${mon.name}\`: serve block \`${mon.serve}\` is not in the plan`);
  const train = plan.steps.find((s): s is StepOf<"train"> => s.kind === "train" && s.params.model === serve.model.model);
  const fit = train ? plan.steps.find((s): s is StepOf<"fit_features"> => s.kind === "fit_features" && s.params.features === train.params.features) : undefined;
  const validate = fit ? plan.steps.find((s): s is StepOf<"validate"> => s.kind === "validate" && s.params.dataset === fit.params.dataset) : undefined;
  if (!validate) return { columns: [] };
  const target = train?.params.task.target;
  const columns = validate.params.contract.columns
    .filter((c) => c.name !== target)
    .map((c) => ({
      name: c.name,
      kind: c.type.kind === "int" || c.type.kind === "float" ? ("numeric" as const) : c.type.kind === "timestamp" ? ("timestamp" as const) : ("categorical" as const),
      unique: c.unique === true,
    }));
  return { columns, ...(target !== undefined ? { target } : {}) };
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

export function evaluateMonitorsOnce(plan: Plan, ws: Workspace, options: MonitorOnceOptions = {}): MonitorReport[] {
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
  return monitors.map((mon) => {
    const data = servedDataset(plan, mon);
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
      const settings = { test: rule.test, ...(rule.threshold !== undefined ? { threshold: rule.threshold } : {}), ...(rule.pValue !== undefined ? { pValue: rule.pValue } : {}), ...(rule.minSamples !== undefined ? { minSamples: rule.minSamples } : {}) };
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
    return { monitor: mon.name, serve: mon.serve, drift, notEvaluated: mon.performance.length ? [`performance (${mon.performance.length} rule${mon.performance.length === 1 ? "" : "s"})`] : [] };
  });
}
