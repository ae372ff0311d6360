/**
 * Search trials, one row per (search run, trial number), updated as the trial
 * progresses. A search restarted after a crash reads them back to replay
 * finished trials into its sampler and re-run the ones left "running".
 */
import type { SqliteDatabase } from "./db.js";
import { RegistryConflictError, RegistryNotFoundError, WorkspaceError } from "./errors.js";
import { fromJsonColumn, isoTime, requireInteger, requireOneOf, toJsonColumn } from "./columns.js";

export const TRIAL_STATES = ["running", "complete", "pruned", "failed"] as const;
export type TrialState = (typeof TRIAL_STATES)[number];

/** The objective reported at one step (epoch), what pruners compare. */
export interface IntermediateValue {
  step: number;
  value: number;
}

export interface TrialInput {
  searchRunId: number;
  number: number;
  params: Record<string, unknown>;
  state: TrialState;
  /** The objective; null (or NaN, stored as null) until known. */
  value?: number | null;
  intermediate?: IntermediateValue[];
  reason?: string | null;
  durationMs?: number | null;
  /** The trial's own run, if it has one. */
  runId?: number | null;
}

export interface TrialRecord {
  searchRunId: number;
  number: number;
  params: Record<string, unknown>;
  state: TrialState;
  value: number | null;
  intermediate: IntermediateValue[];
  reason: string | null;
  durationMs: number | null;
  runId: number | null;
  updatedAt: string;
}

interface TrialRow {
  search_run_id: number;
  number: number;
  run_id: number | null;
  params: string;
  state: TrialState;
  value: number | null;
  intermediate: string;
  reason: string | null;
  duration_ms: number | null;
  updated_at: number;
}

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export class TrialStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: () => number,
  ) {}

  /** Insert or update a trial (same search run and number → same row). */
  record(trial: TrialInput): void {
    requireInteger(trial.number, "trial number");
    const state = requireOneOf(trial.state, TRIAL_STATES, "trial state");
    const intermediate = (trial.intermediate ?? []).map((point, i) => {
      if (typeof point?.step !== "number" || typeof point.value !== "number") {
        throw new WorkspaceError("INVALID_ARGUMENT", `intermediate value ${i} of trial ${trial.number} must be {step, value}`);
      }
      // JSON has no NaN: a diverged step is kept as null
      return { step: point.step, value: finiteOrNull(point.value) };
    });
    const search = this.db.prepare("SELECT kind FROM runs WHERE id = ?").get(trial.searchRunId) as
      | { kind: string }
      | undefined;
    if (!search) throw new RegistryNotFoundError(`no search run with id ${trial.searchRunId} in this workspace`);
    if (search.kind !== "search") {
      throw new RegistryConflictError(`run ${trial.searchRunId} is a ${search.kind} run, not a search: trials belong to searches`);
    }
    this.db
      .prepare(
        `INSERT INTO trials (search_run_id, number, run_id, params, state, value, intermediate, reason, duration_ms,
                             updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (search_run_id, number) DO UPDATE SET
           run_id = excluded.run_id, params = excluded.params, state = excluded.state, value = excluded.value,
           intermediate = excluded.intermediate, reason = excluded.reason, duration_ms = excluded.duration_ms,
           updated_at = excluded.updated_at`,
      )
      .run(
        trial.searchRunId,
        trial.number,
        trial.runId ?? null,
        toJsonColumn(trial.params ?? {}, `params of trial ${trial.number}`),
        state,
        finiteOrNull(trial.value),
        JSON.stringify(intermediate),
        trial.reason ?? null,
        finiteOrNull(trial.durationMs),
        this.clock(),
      );
  }

  /** A search's trials by number. */
  list(searchRunId: number): TrialRecord[] {
    const rows = this.db
      .prepare("SELECT * FROM trials WHERE search_run_id = ? ORDER BY number")
      .all(searchRunId) as TrialRow[];
    return rows.map((row) => ({
      searchRunId: row.search_run_id,
      number: row.number,
      params: fromJsonColumn<Record<string, unknown>>(row.params) ?? {},
      state: row.state,
      value: row.value,
      intermediate: (JSON.parse(row.intermediate) as { step: number; value: number | null }[]).map((point) => ({
        step: point.step,
        value: point.value ?? Number.NaN,
      })),
      reason: row.reason,
      durationMs: row.duration_ms,
      runId: row.run_id,
      updatedAt: isoTime(row.updated_at),
    }));
  }
}
