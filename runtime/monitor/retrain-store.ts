/**
 * Retrain triggers in the workspace (migration 7, runtime/workspace/schema.ts): one row per
 * time a monitor's `retrain when …` held, whether it was skipped (cooldown, already running)
 * or started, and how the retraining ended. A trigger moves
 *   pending → running → registered | rejected | unchanged | failed
 * and a running one whose process is gone goes back to pending, to be retried.
 */
import type { SqliteDatabase } from "../workspace/db.js";

export type TriggerState = "skipped" | "pending" | "running" | "registered" | "rejected" | "unchanged" | "failed";

export interface RetrainTrigger {
  id: number;
  monitor: string;
  model: string;
  /** The rules whose firing made `when` hold (`drift #1`, `performance #1`). */
  signals: string[];
  firingIds: number[];
  at: number;
  state: TriggerState;
  /** Why it was skipped, why it failed, or what it registered. */
  reason: string | null;
  attempts: number;
  pid: number | null;
  host: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  exitCode: number | null;
  version: number | null;
  alias: string | null;
  dataHash: string | null;
  /** The model's latest version when the trigger was made: a retraining that registers nothing newer changed nothing. */
  baseVersion: number | null;
}

interface Row {
  id: number;
  monitor: string;
  model: string;
  signals: string;
  firing_ids: string;
  at: number;
  state: TriggerState;
  reason: string | null;
  attempts: number;
  pid: number | null;
  host: string | null;
  started_at: number | null;
  finished_at: number | null;
  exit_code: number | null;
  version: number | null;
  alias: string | null;
  data_hash: string | null;
  base_version: number | null;
}

const fromRow = (r: Row): RetrainTrigger => ({
  id: r.id,
  monitor: r.monitor,
  model: r.model,
  signals: JSON.parse(r.signals) as string[],
  firingIds: JSON.parse(r.firing_ids) as number[],
  at: r.at,
  state: r.state,
  reason: r.reason,
  attempts: r.attempts,
  pid: r.pid,
  host: r.host,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  exitCode: r.exit_code,
  version: r.version,
  alias: r.alias,
  dataHash: r.data_hash,
  baseVersion: r.base_version,
});

export function insertTrigger(
  db: SqliteDatabase,
  t: { monitor: string; model: string; signals: string[]; firingIds: number[]; at: number; state: "skipped" | "pending"; reason?: string },
): RetrainTrigger {
  const latest = db.prepare("SELECT MAX(version) AS v FROM model_versions WHERE name = ?").get(t.model) as { v: number | null };
  const r = db
    .prepare("INSERT INTO retrain_triggers (monitor, model, signals, firing_ids, at, state, reason, base_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    .run(t.monitor, t.model, JSON.stringify(t.signals), JSON.stringify(t.firingIds), t.at, t.state, t.reason ?? null, latest.v);
  return getTrigger(db, Number(r.lastInsertRowid))!;
}

export function getTrigger(db: SqliteDatabase, id: number): RetrainTrigger | undefined {
  const r = db.prepare("SELECT * FROM retrain_triggers WHERE id = ?").get(id) as Row | undefined;
  return r ? fromRow(r) : undefined;
}

export function listTriggers(db: SqliteDatabase, monitor?: string): RetrainTrigger[] {
  const rows = (monitor === undefined ? db.prepare("SELECT * FROM retrain_triggers ORDER BY id").all() : db.prepare("SELECT * FROM retrain_triggers WHERE monitor = ? ORDER BY id").all(monitor)) as Row[];
  return rows.map(fromRow);
}

/** Triggers of this monitor that are pending or running (at most one is meant to be). */
export function activeTriggers(db: SqliteDatabase, monitor: string): RetrainTrigger[] {
  return (db.prepare("SELECT * FROM retrain_triggers WHERE monitor = ? AND state IN ('pending', 'running') ORDER BY id").all(monitor) as Row[]).map(fromRow);
}

/** Retrainings of this monitor started (not skipped) at or after `since`: what `at most N per D` counts. */
export function startedSince(db: SqliteDatabase, monitor: string, since: number): number {
  const r = db.prepare("SELECT COUNT(*) AS n FROM retrain_triggers WHERE monitor = ? AND state <> 'skipped' AND at >= ?").get(monitor, since) as { n: number };
  return r.n;
}

/** pending → running, owned by this pid; false when another process took it first. */
export function markRunning(db: SqliteDatabase, id: number, pid: number, host: string, at: number): boolean {
  const r = db.prepare("UPDATE retrain_triggers SET state = 'running', pid = ?, host = ?, started_at = COALESCE(started_at, ?), attempts = attempts + 1 WHERE id = ? AND state = 'pending'").run(pid, host, at, id);
  return r.changes === 1;
}

/** The retraining's child process, once it has one. */
export function setChildPid(db: SqliteDatabase, id: number, pid: number): void {
  db.prepare("UPDATE retrain_triggers SET pid = ? WHERE id = ? AND state = 'running'").run(pid, id);
}

/** running → pending: its process died before saying how it ended (kill -9, a crash); it will be retried. */
export function markInterrupted(db: SqliteDatabase, id: number, reason: string): void {
  db.prepare("UPDATE retrain_triggers SET state = 'pending', pid = NULL, reason = ? WHERE id = ? AND state = 'running'").run(reason, id);
}

export function finishTrigger(
  db: SqliteDatabase,
  id: number,
  outcome: { state: "registered" | "rejected" | "unchanged" | "failed"; reason: string; at: number; exitCode: number | null; version?: number; alias?: string; dataHash?: string },
): void {
  db.prepare("UPDATE retrain_triggers SET state = ?, reason = ?, finished_at = ?, exit_code = ?, version = ?, alias = ?, data_hash = ?, pid = NULL WHERE id = ? AND state = 'running'").run(
    outcome.state,
    outcome.reason,
    outcome.at,
    outcome.exitCode,
    outcome.version ?? null,
    outcome.alias ?? null,
    outcome.dataHash ?? null,
    id,
  );
}
