/**
 * The report's data model: what `mlspec report` shows, read from a spec's plan and its
 * workspace and nothing else (no data file is re-read, no model is re-run). Every number
 * here is the registry's own; the renderer only draws and tabulates it. A section with
 * nothing recorded is present and empty, so the page can say "no data" for it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Plan, StepOf } from "../../compiler/plan/schema.js";
import type { ColumnProfile, DatasetProfile } from "../data/profile.js";
import type { Workspace } from "../workspace/workspace.js";
import type { AliasEvent, ModelVersion, RunSummary, TrialRecord } from "../workspace/registry.js";
import type { MonitoringReference } from "../monitor/reference.js";
import { listFirings, monitoringReferenceSha, readWindow } from "../monitor/monitor-store.js";
import type { ColumnResult, DriftRuleResult } from "../monitor/drift-rule.js";
import type { RolloutDoc } from "../../stdlib/rollout/shared/rollout-types.js";
import { QuarantineTally } from "../data/quarantine-reasons.js";

export interface ReportModel {
  spec: string;
  specHash: string;
  workspace: string;
  /** ISO 8601; from the injected clock. */
  generatedAt: string;
  data: DatasetReport[];
  training: TrainingReport[];
  search: SearchReport[];
  registry: RegistryReport[];
  monitoring: MonitoringReport[];
  rollouts: RolloutReport[];
}

export interface DatasetReport {
  name: string;
  /** null: the dataset was never profiled in this workspace (no run yet). */
  read: number | null;
  accepted: number | null;
  quarantined: number | null;
  topReasons: Array<{ reason: string; rows: number }>;
  columns: ColumnProfile[];
  split: { method: string; fractions: Record<string, number> } | null;
  /** Training rows, as the latest monitoring reference recorded them; null when none was. */
  trainRows: number | null;
}

export interface EpochPoint {
  epoch: number;
  /** `loss`, `val.loss`, `val.auc`, … as the run logged them. */
  metric: string;
  value: number;
}

export interface TrainingReport {
  model: string;
  task: string;
  /** The version shown: the champion, else the newest. null when none was registered. */
  version: number | null;
  runId: number | null;
  /** The metric early stopping (or the search) watched, e.g. `val.auc`. */
  watched: string | null;
  bestEpoch: number | null;
  curves: EpochPoint[];
  /** Test and validation metrics of the version. */
  metrics: Record<string, number>;
  beatsBaseline: boolean | null;
}

export interface TrialPoint {
  number: number;
  state: TrialRecord["state"];
  value: number | null;
  bestSoFar: number | null;
  params: Record<string, unknown>;
}

export interface SearchReport {
  search: string;
  model: string;
  objective: string;
  direction: "maximize" | "minimize";
  runId: number | null;
  trials: TrialPoint[];
  /** The searched parameters, by dotted path; `log` for a log-uniform one. */
  parameters: Array<{ path: string; log: boolean }>;
}

export interface VersionRow {
  version: number;
  status: ModelVersion["status"];
  aliases: string[];
  metrics: Record<string, number>;
  reasons: string[];
  beatsBaseline: boolean | null;
  createdAt: string;
}

export interface RegistryReport {
  model: string;
  versions: VersionRow[];
  aliasHistory: AliasEvent[];
}

export interface DriftColumnReport {
  column: string;
  test: string;
  statistic: number | null;
  pValue: number | null;
  verdict: ColumnResult["verdict"];
  /** Reference and live shares per bin (numeric: bin start; categorical: value). */
  bins: Array<{ bin: string; reference: number; live: number }>;
}

export interface MonitoringReport {
  monitor: string;
  serve: string;
  model: string | null;
  version: number | null;
  /** The window shown: the latest firing's, else the last day of the prediction log. */
  window: { from: string; to: string } | null;
  liveRows: number;
  columns: DriftColumnReport[];
  firings: Array<{ id: number; rule: string; kind: string; at: string; verdict: string; model: string; version: number }>;
}

export interface RolloutReport {
  rollout: string;
  serve: string;
  strategy: string;
  phase: string | null;
  reason: string | null;
  weights: Record<string, number>;
  guards: Array<{ guard: string; arm: string; value: number | null; baseline: number | null; samples: number; verdict: string }>;
  events: Array<{ at: string; from: string | null; to: string; reason: string }>;
  /** Canary: the candidate's share of traffic after each transition (its step's weight). */
  candidateWeights: Array<{ at: string; state: string; weight: number }>;
}

/**
 * The candidate's weight after each transition of a canary: `progressing(step k/n)` is the
 * k-th step's weight, promoted all of it, rolled back none; a pause keeps the weight it had.
 */
export function canaryWeights(steps: readonly number[], events: ReadonlyArray<{ at: string; to: string }>): Array<{ at: string; state: string; weight: number }> {
  let weight = 0;
  return events.map((e) => {
    const step = /^progressing\(step (\d+)\/\d+\)$/.exec(e.to);
    if (step) weight = steps[Number(step[1]) - 1] ?? weight;
    else if (e.to === "promoted") weight = 1;
    else if (e.to === "rolled_back" || e.to === "aborted") weight = 0;
    return { at: e.at, state: e.to, weight };
  });
}

export interface ReportOptions {
  /** ms since the epoch (default Date.now). */
  now?: () => number;
  /** Numeric bins of the monitoring histograms (default 10). */
  bins?: number;
}

const DAY_MS = 86_400_000;

const iso = (ms: number) => new Date(ms).toISOString();

function stepsOf<K extends Plan["steps"][number]["kind"]>(plan: Plan, kind: K): StepOf<K>[] {
  return plan.steps.filter((s): s is StepOf<K> => s.kind === kind);
}

/** The newest artifact of this kind naming this dataset/model, by creation time. */
function latestArtifact(ws: Workspace, kind: string, key: string, value: string): string | undefined {
  const row = ws.registry.db
    .prepare(`SELECT sha256 FROM artifacts WHERE json_extract(meta, '$.kind') = ? AND json_extract(meta, '$.' || ?) = ? ORDER BY created_at DESC, sha256 LIMIT 1`)
    .get(kind, key, value) as { sha256: string } | undefined;
  return row?.sha256;
}

function readJsonArtifact<T>(ws: Workspace, sha: string | undefined): T | undefined {
  if (sha === undefined || !ws.artifacts.has(sha)) return undefined;
  return JSON.parse(ws.artifacts.getText(sha)) as T;
}

/** The latest quarantine file of a dataset (`NAME-<run tag>.jsonl`; the tags sort by time). */
function latestQuarantineFile(ws: Workspace, dataset: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(ws.quarantineDir);
  } catch {
    return undefined;
  }
  const mine = names.filter((n) => n.startsWith(`${dataset}-`) && n.endsWith(".jsonl")).sort();
  return mine.length ? join(ws.quarantineDir, mine[mine.length - 1]!) : undefined;
}

/** Quarantined rows and their most frequent reasons (a row counts once per distinct reason). */
export function quarantineSummary(text: string, limit = 5): { rows: number; topReasons: Array<{ reason: string; rows: number }> } {
  const tally = new QuarantineTally();
  for (const line of text.split("\n")) tally.add(line);
  return { rows: tally.rows, topReasons: tally.top(limit) };
}

function dataReports(plan: Plan, ws: Workspace): DatasetReport[] {
  const splits = new Map(stepsOf(plan, "split").map((s) => [s.params.dataset, s.params.split]));
  return stepsOf(plan, "validate").map((step) => {
    const name = step.params.dataset;
    const profile = readJsonArtifact<DatasetProfile>(ws, latestArtifact(ws, "profile", "dataset", name));
    const file = latestQuarantineFile(ws, name);
    const quarantine = file === undefined ? undefined : quarantineSummary(readFileSync(file, "utf8"));
    const accepted = profile?.rows ?? null;
    const quarantined = profile ? (quarantine?.rows ?? 0) : null;
    const split = splits.get(name);
    const { method, seed: _seed, column: _column, ...rest } = (split ?? {}) as Record<string, unknown>;
    const fractions = Object.fromEntries(Object.entries(rest).filter((e): e is [string, number] => typeof e[1] === "number"));
    return {
      name,
      read: accepted === null || quarantined === null ? null : accepted + quarantined,
      accepted,
      quarantined,
      topReasons: quarantine?.topReasons ?? [],
      columns: profile?.columns ?? [],
      split: split ? { method: String(method), fractions } : null,
      trainRows: trainRowsOf(plan, ws, name),
    };
  });
}

/** Models trained on a dataset (through their features block). */
function modelsOf(plan: Plan, dataset: string): string[] {
  const features = new Set(stepsOf(plan, "fit_features").filter((f) => f.params.dataset === dataset).map((f) => f.params.features));
  return stepsOf(plan, "train").filter((t) => features.has(t.params.features)).map((t) => t.params.model);
}

function trainRowsOf(plan: Plan, ws: Workspace, dataset: string): number | null {
  for (const model of modelsOf(plan, dataset)) {
    const ref = ws.registry.db
      .prepare("SELECT artifact_sha256 FROM monitoring_references WHERE name = ? ORDER BY created_at DESC, version DESC LIMIT 1")
      .get(model) as { artifact_sha256: string } | undefined;
    const reference = readJsonArtifact<MonitoringReference>(ws, ref?.artifact_sha256);
    if (reference) return reference.trainRows;
  }
  return null;
}

/** The version a section shows: the champion, else the newest registered, else the newest. */
function shownVersion(versions: readonly ModelVersion[]): ModelVersion | undefined {
  return versions.find((v) => v.aliases.includes("champion")) ?? [...versions].reverse().find((v) => v.status === "registered") ?? versions[versions.length - 1];
}

function watchedMetric(step: StepOf<"train">): string | null {
  const early = step.params.train.earlyStop;
  if (early) return `${early.split === "validation" ? "val." : ""}${early.metric}`;
  const first = step.params.metrics[0];
  return first === undefined ? null : `val.${first}`;
}

/** The epoch kept: what the run recorded (`kept_epoch`), else the best of the watched metric. */
export function bestEpoch(curves: readonly EpochPoint[], watched: string | null, mode: "max" | "min", kept: number | undefined): number | null {
  if (kept !== undefined) return kept;
  let best: EpochPoint | undefined;
  for (const p of curves) {
    if (p.metric !== watched || !Number.isFinite(p.value)) continue;
    if (!best || (mode === "max" ? p.value > best.value : p.value < best.value)) best = p;
  }
  return best?.epoch ?? null;
}

function trainingReports(plan: Plan, ws: Workspace): TrainingReport[] {
  return stepsOf(plan, "train").map((step) => {
    const model = step.params.model;
    const version = shownVersion(ws.registry.listVersions(model));
    const watched = watchedMetric(step);
    const run = version?.runId != null ? ws.registry.getRun(version.runId) : undefined;
    const curves: EpochPoint[] = (run?.epochs ?? []).flatMap((e) =>
      Object.entries(e.metrics)
        .filter(([, v]) => Number.isFinite(v))
        .map(([metric, value]) => ({ epoch: e.epoch, metric, value })),
    );
    const mode = step.params.train.earlyStop?.mode ?? (watched?.endsWith("loss") ? "min" : "max");
    return {
      model,
      task: step.params.task.kind,
      version: version?.version ?? null,
      runId: version?.runId ?? null,
      watched,
      bestEpoch: bestEpoch(curves, watched, mode, run?.metrics?.kept_epoch),
      curves,
      metrics: { ...(version?.metrics ?? {}) },
      beatsBaseline: version?.beatsBaseline ?? null,
    };
  });
}

/** Running best of the finished trials' objectives (pruned and failed ones do not count). */
export function bestSoFar(trials: ReadonlyArray<Pick<TrialRecord, "state" | "value">>, direction: "maximize" | "minimize"): Array<number | null> {
  let best: number | null = null;
  return trials.map((t) => {
    if (t.state === "complete" && t.value !== null && Number.isFinite(t.value)) {
      if (best === null || (direction === "maximize" ? t.value > best : t.value < best)) best = t.value;
    }
    return best;
  });
}

function searchReports(plan: Plan, ws: Workspace): SearchReport[] {
  return stepsOf(plan, "search").map((step) => {
    const p = step.params;
    const runs = ws.registry.listRuns({ search: p.search, kind: "search" });
    const run: RunSummary | undefined = runs[runs.length - 1];
    const records = run ? ws.registry.listTrials(run.id) : [];
    const best = bestSoFar(records, p.objective.direction);
    return {
      search: p.search,
      model: p.model,
      objective: `${p.objective.split === "validation" ? "val." : ""}${p.objective.metric}`,
      direction: p.objective.direction,
      runId: run?.id ?? null,
      trials: records.map((t, i) => ({ number: t.number, state: t.state, value: t.value, bestSoFar: best[i]!, params: t.params })),
      parameters: p.space.map((s) => ({ path: s.path, log: s.dist.kind === "loguniform" })),
    };
  });
}

function registryReports(plan: Plan, ws: Workspace): RegistryReport[] {
  const names = [...new Set([...stepsOf(plan, "register").map((s) => s.params.model)])];
  return names.map((model) => ({
    model,
    versions: ws.registry.listVersions(model).map((v) => ({
      version: v.version,
      status: v.status,
      aliases: v.aliases,
      metrics: { ...v.metrics },
      reasons: v.reasons,
      beatsBaseline: v.beatsBaseline,
      createdAt: v.createdAt,
    })),
    aliasHistory: ws.registry.aliasHistory(model),
  }));
}

interface ColumnValues {
  kind: "numeric" | "categorical";
  values: Array<number | string>;
}

function columnValues(values: readonly unknown[]): ColumnValues {
  const present = values.filter((v) => v !== null && v !== undefined);
  const numeric = present.length > 0 && present.every((v) => typeof v === "number");
  return numeric ? { kind: "numeric", values: present as number[] } : { kind: "categorical", values: present.map(String) };
}

/**
 * Reference and live shares over the same bins: numeric columns in `bins` equal-width bins
 * over the reference's range (live values outside it go to the end bins), categories by value.
 */
export function sharedBins(reference: ColumnValues, live: ColumnValues, bins: number): Array<{ bin: string; reference: number; live: number }> {
  const share = (counts: number[], total: number) => counts.map((c) => (total === 0 ? 0 : c / total));
  if (reference.kind === "numeric" && live.kind === "numeric") {
    const ref = reference.values as number[];
    if (ref.length === 0) return [];
    let min = Infinity;
    let max = -Infinity;
    for (const v of ref) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const n = min === max ? 1 : bins;
    const width = (max - min) / n;
    const binOf = (v: number) => (width === 0 ? 0 : Math.min(n - 1, Math.max(0, Math.floor((v - min) / width))));
    const refCounts = new Array<number>(n).fill(0);
    const liveCounts = new Array<number>(n).fill(0);
    for (const v of ref) refCounts[binOf(v)]!++;
    for (const v of live.values as number[]) liveCounts[binOf(v)]!++;
    const r = share(refCounts, ref.length);
    const l = share(liveCounts, live.values.length);
    return r.map((x, i) => ({ bin: String(Number((min + i * width).toPrecision(4))), reference: x, live: l[i]! }));
  }
  const keys = [...new Set([...reference.values.map(String), ...live.values.map(String)])].sort();
  const count = (vs: readonly (number | string)[]) => {
    const m = new Map<string, number>();
    for (const v of vs) m.set(String(v), (m.get(String(v)) ?? 0) + 1);
    return m;
  };
  const rc = count(reference.values);
  const lc = count(live.values);
  return keys.map((k) => ({
    bin: k,
    reference: reference.values.length ? (rc.get(k) ?? 0) / reference.values.length : 0,
    live: live.values.length ? (lc.get(k) ?? 0) / live.values.length : 0,
  }));
}

function monitoringReports(plan: Plan, ws: Workspace, bins: number): MonitoringReport[] {
  const allFirings = listFirings(ws.registry.db);
  return plan.monitors.map((mon) => {
    const firings = allFirings.filter((f) => f.monitor === mon.name);
    const lastDrift = [...firings].reverse().find((f) => f.kind === "drift");
    const newest = ws.registry.db.prepare("SELECT MAX(at) AS at FROM predictions WHERE serve = ?").get(mon.serve) as { at: number | null };
    const window = lastDrift ? { from: lastDrift.windowFrom, to: lastDrift.windowTo } : newest.at !== null ? { from: newest.at + 1 - DAY_MS, to: newest.at + 1 } : null;
    const rows = window ? readWindow(ws.registry.db, mon.serve, window.from, window.to) : [];
    // the version that answered most of the window, whose reference the live rows are compared with
    const byVersion = new Map<string, { model: string; version: number; n: number }>();
    for (const r of rows) {
      const key = `${r.model}@${r.version}`;
      const e = byVersion.get(key) ?? { model: r.model, version: r.version, n: 0 };
      e.n++;
      byVersion.set(key, e);
    }
    const top = [...byVersion.values()].sort((a, b) => b.n - a.n)[0] ?? (lastDrift ? { model: lastDrift.model, version: lastDrift.version, n: 0 } : undefined);
    const reference = top ? readJsonArtifact<MonitoringReference>(ws, monitoringReferenceSha(ws.registry.db, top.model, top.version)) : undefined;
    const tests = new Map<string, ColumnResult>();
    for (const f of firings) if (f.kind === "drift" && top && f.model === top.model && f.version === top.version) for (const c of (f.result as DriftRuleResult).columns ?? []) tests.set(c.column, c);
    const live = rows.filter((r) => top && r.model === top.model && r.version === top.version);
    const columns: DriftColumnReport[] = reference
      ? Object.entries(reference.columns)
          .filter(([name]) => tests.has(name) || (live.length > 0 && new Set(reference.columns[name]).size < reference.columns[name]!.length))
          .map(([name, values]) => {
            const liveValues = live.map((r) => (r.inputs as Record<string, unknown>)?.[name]);
            const t = tests.get(name);
            return {
              column: name,
              test: t?.test ?? "–",
              statistic: t?.statistic ?? null,
              pValue: t?.pValue ?? null,
              verdict: t?.verdict ?? "insufficient",
              bins: sharedBins(columnValues(values), columnValues(liveValues), bins),
            };
          })
      : [];
    return {
      monitor: mon.name,
      serve: mon.serve,
      model: top?.model ?? null,
      version: top?.version ?? null,
      window: window ? { from: iso(window.from), to: iso(window.to) } : null,
      liveRows: live.length,
      columns,
      firings: firings.map((f) => ({
        id: f.id,
        rule: f.rule,
        kind: f.kind,
        at: iso(f.at),
        verdict: String((f.result as { verdict?: unknown }).verdict ?? "fired"),
        model: f.model,
        version: f.version,
      })),
    };
  });
}

function rolloutReports(plan: Plan, ws: Workspace): RolloutReport[] {
  return plan.rollouts.map((r) => {
    const stored = ws.registry.getRolloutState<RolloutDoc>(r.name);
    const doc = stored?.state;
    const events = ws.registry.listRolloutEvents(r.name).map((e) => ({ at: iso(e.at), from: e.fromState, to: e.toState, reason: e.reason }));
    const steps = r.strategy.kind === "canary" ? r.strategy.params.steps : undefined;
    return {
      rollout: r.name,
      serve: r.serve,
      strategy: r.strategy.kind,
      phase: doc ? String(doc.phase) : null,
      reason: doc?.reason ?? null,
      weights: { ...(doc?.weights ?? {}) },
      guards: (doc?.guards ?? []).map((g) => ({ guard: g.guard, arm: g.arm, value: g.value, baseline: g.baseline, samples: g.samples, verdict: g.verdict })),
      events,
      candidateWeights: Array.isArray(steps) && steps.every((x) => typeof x === "number") ? canaryWeights(steps as number[], events) : [],
    };
  });
}

/** The report of a spec's workspace: reads only, writes nothing. */
export function buildReportModel(plan: Plan, ws: Workspace, options: ReportOptions = {}): ReportModel {
  const now = (options.now ?? Date.now)();
  return {
    spec: plan.spec.file,
    specHash: plan.specHash,
    workspace: ws.root,
    generatedAt: iso(now),
    data: dataReports(plan, ws),
    training: trainingReports(plan, ws),
    search: searchReports(plan, ws),
    registry: registryReports(plan, ws),
    monitoring: monitoringReports(plan, ws, options.bins ?? 10),
    rollouts: rolloutReports(plan, ws),
  };
}
