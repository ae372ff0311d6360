/**
 * Monitoring's rows in the workspace database (migration 3, runtime/workspace/schema.ts):
 * which artifact is each version's monitoring reference, and every rule evaluation that
 * fired.
 */
import type { SqliteDatabase } from "../workspace/db.js";
import type { ArtifactStore } from "../workspace/artifacts.js";
import type { MonitoringReference } from "./reference.js";

export function storeMonitoringReference(db: SqliteDatabase, artifacts: ArtifactStore, reference: MonitoringReference, clock: () => number = Date.now): string {
  const sha = artifacts.putJson(reference, { kind: "monitoring_reference", model: reference.model, version: reference.version });
  db.prepare("INSERT OR REPLACE INTO monitoring_references (name, version, artifact_sha256, rows, seed, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(
    reference.model,
    reference.version,
    sha,
    reference.prediction.values.length,
    reference.seed,
    clock(),
  );
  return sha;
}

export function monitoringReferenceSha(db: SqliteDatabase, model: string, version: number): string | undefined {
  const row = db.prepare("SELECT artifact_sha256 FROM monitoring_references WHERE name = ? AND version = ?").get(model, version) as { artifact_sha256: string } | undefined;
  return row?.artifact_sha256;
}

export interface FiringRecord {
  monitor: string;
  /** `drift #1`, `performance #1`: the rule's kind and its place among the monitor's rules of that kind. */
  rule: string;
  kind: "drift" | "performance";
  model: string;
  version: number;
  windowFrom: number;
  windowTo: number;
  /** The rule's full result (per column). */
  result: unknown;
  at: number;
}

export function recordFiring(db: SqliteDatabase, f: FiringRecord): number {
  const r = db
    .prepare("INSERT INTO monitor_firings (monitor, rule, kind, model, version, window_from, window_to, result, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    .run(f.monitor, f.rule, f.kind, f.model, f.version, f.windowFrom, f.windowTo, JSON.stringify(f.result), f.at);
  return Number(r.lastInsertRowid);
}

export function listFirings(db: SqliteDatabase, monitor?: string): Array<FiringRecord & { id: number }> {
  const rows = (monitor === undefined ? db.prepare("SELECT * FROM monitor_firings ORDER BY id").all() : db.prepare("SELECT * FROM monitor_firings WHERE monitor = ? ORDER BY id").all(monitor)) as Array<{
    id: number;
    monitor: string;
    rule: string;
    kind: "drift" | "performance";
    model: string;
    version: number;
    window_from: number;
    window_to: number;
    result: string;
    at: number;
  }>;
  return rows.map((r) => ({ id: r.id, monitor: r.monitor, rule: r.rule, kind: r.kind, model: r.model, version: r.version, windowFrom: r.window_from, windowTo: r.window_to, result: JSON.parse(r.result) as unknown, at: r.at }));
}

export interface WindowRow {
  model: string;
  version: number;
  inputs: unknown;
  output: unknown;
}

/**
 * A serve's logged answers in [from, to), only what drift needs and in no particular order
 * (readPredictions' full rows in time order cost 2.4× as much over 200,000 rows; bench/monitor.ts).
 */
export function readWindow(db: SqliteDatabase, serve: string, from: number, to: number): WindowRow[] {
  // the traffic the serving model answered: a shadow copy (the candidate's) and a request no model answered are not in it
  const rows = db
    .prepare("SELECT model, version, inputs, output FROM predictions WHERE serve = ? AND at >= ? AND at < ? AND output != 'null' AND (arm IS NULL OR arm != 'shadow')")
    .all(serve, from, to) as Array<{ model: string; version: number; inputs: string; output: string }>;
  const out = new Array<WindowRow>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out[i] = { model: r.model, version: r.version, inputs: JSON.parse(r.inputs) as unknown, output: JSON.parse(r.output) as unknown };
  }
  return out;
}

export interface ScoredWindowRow {
  requestId: string;
  model: string;
  version: number;
  inputs: unknown;
  output: unknown;
}

/** A serve's logged answers in [from, to) with their request ids, for joining labels. */
export function readScoredWindow(db: SqliteDatabase, serve: string, from: number, to: number): ScoredWindowRow[] {
  // as readWindow: what the serving model answered, without shadow copies
  const rows = db.prepare("SELECT request_id, model, version, inputs, output FROM predictions WHERE serve = ? AND at >= ? AND at < ? AND output != 'null' AND (arm IS NULL OR arm != 'shadow')").all(serve, from, to) as Array<{ request_id: string; model: string; version: number; inputs: string; output: string }>;
  return rows.map((r) => ({ requestId: r.request_id, model: r.model, version: r.version, inputs: JSON.parse(r.inputs) as unknown, output: JSON.parse(r.output) as unknown }));
}
