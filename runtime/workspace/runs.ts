/**
 * Runs (a training, one search trial, a whole search), their per-epoch
 * metrics, phase timings and checkpoints. A run is "running" until finished;
 * one still running when its process died is what `findResumable` returns.
 */
import type { SqliteDatabase } from "./db.js";
import { RegistryConflictError, RegistryNotFoundError, WorkspaceError } from "./errors.js";
import {
  type Metrics,
  fromJsonColumn,
  isoTime,
  isoTimeOrNull,
  metricsFromColumn,
  metricsToColumn,
  requireInteger,
  requireOneOf,
  requireText,
  rowId,
  toJsonColumn,
} from "./columns.js";

export const RUN_KINDS = ["train", "trial", "search"] as const;
export type RunKind = (typeof RUN_KINDS)[number];
export const RUN_STATES = ["running", "complete", "failed", "pruned"] as const;
export type RunState = (typeof RUN_STATES)[number];
export type FinishedRunState = Exclude<RunState, "running">;

export interface NewRun {
  kind: RunKind;
  modelName: string;
  specHash: string;
  dataHash: string;
  seed: number;
  /** The training backend that ran (`tfjs-node`, `wasm`, `cpu`, …). */
  backend: string;
  params: Record<string, unknown>;
  searchName?: string;
  parentRunId?: number;
}

export interface RunSummary {
  id: number;
  kind: RunKind;
  modelName: string;
  searchName: string | null;
  parentRunId: number | null;
  specHash: string;
  dataHash: string;
  seed: number;
  backend: string;
  params: Record<string, unknown>;
  state: RunState;
  metrics: Metrics | null;
  reason: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface EpochLog {
  epoch: number;
  metrics: Metrics;
  loggedAt: string;
}

export interface TimingLog {
  phase: string;
  ms: number;
  loggedAt: string;
}

export interface RunRecord extends RunSummary {
  epochs: EpochLog[];
  timings: TimingLog[];
}

export interface RunOutcome {
  state: FinishedRunState;
  metrics?: Metrics;
  reason?: string;
}

export interface Checkpoint {
  runId: number;
  epoch: number;
  artifactSha256: string;
  createdAt: string;
}

export interface RunFilter {
  search?: string;
  model?: string;
  kind?: RunKind;
  state?: RunState;
}

interface RunRow {
  id: number;
  kind: RunKind;
  model_name: string;
  search_name: string | null;
  parent_run_id: number | null;
  spec_hash: string;
  data_hash: string;
  seed: number;
  backend: string;
  params: string;
  state: RunState;
  metrics: string | null;
  reason: string | null;
  created_at: number;
  finished_at: number | null;
}

function toSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    kind: row.kind,
    modelName: row.model_name,
    searchName: row.search_name,
    parentRunId: row.parent_run_id,
    specHash: row.spec_hash,
    dataHash: row.data_hash,
    seed: row.seed,
    backend: row.backend,
    params: fromJsonColumn<Record<string, unknown>>(row.params) ?? {},
    state: row.state,
    metrics: row.metrics === null ? null : metricsFromColumn(row.metrics),
    reason: row.reason,
    createdAt: isoTime(row.created_at),
    finishedAt: isoTimeOrNull(row.finished_at),
  };
}

export class RunStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: () => number,
    private readonly artifactExists: ((sha256: string) => boolean) | undefined,
  ) {}

  create(run: NewRun): number {
    const kind = requireOneOf(run.kind, RUN_KINDS, "run kind");
    requireText(run.modelName, "run modelName");
    requireText(run.specHash, "run specHash");
    requireText(run.dataHash, "run dataHash");
    requireInteger(run.seed, "run seed");
    requireText(run.backend, "run backend");
    if (run.parentRunId !== undefined) this.require(run.parentRunId);
    const result = this.db
      .prepare(
        `INSERT INTO runs (kind, model_name, search_name, parent_run_id, spec_hash, data_hash, seed, backend,
                           params, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)`,
      )
      .run(
        kind,
        run.modelName,
        run.searchName ?? null,
        run.parentRunId ?? null,
        run.specHash,
        run.dataHash,
        run.seed,
        run.backend,
        toJsonColumn(run.params ?? {}, "run params"),
        this.clock(),
      );
    return rowId(result.lastInsertRowid);
  }

  /** Record (or, after a resume, re-record) one epoch's metrics. */
  logEpoch(runId: number, epoch: number, metrics: Metrics): void {
    requireInteger(epoch, "epoch");
    const encoded = metricsToColumn(metrics, `epoch ${epoch} metrics of run ${runId}`);
    this.requireRunning(runId, "log an epoch for");
    this.db
      .prepare(
        `INSERT INTO run_epochs (run_id, epoch, metrics, logged_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (run_id, epoch) DO UPDATE SET metrics = excluded.metrics, logged_at = excluded.logged_at`,
      )
      .run(runId, epoch, encoded, this.clock());
  }

  /** Time spent in one phase (load, fit_features, train, export, …); repeated phases add rows. */
  logTiming(runId: number, phase: string, ms: number): void {
    requireText(phase, "timing phase");
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
      throw new WorkspaceError("INVALID_ARGUMENT", `timing for phase "${phase}" must be a non-negative number of ms, got ${ms}`);
    }
    this.require(runId);
    this.db
      .prepare("INSERT INTO run_timings (run_id, phase, ms, logged_at) VALUES (?, ?, ?, ?)")
      .run(runId, phase, ms, this.clock());
  }

  finish(runId: number, outcome: RunOutcome): void {
    const state = requireOneOf(outcome.state, ["complete", "failed", "pruned"] as const, "finished run state");
    const metrics = metricsToColumn(outcome.metrics ?? {}, `final metrics of run ${runId}`);
    const finish = this.db.transaction(() => {
      this.requireRunning(runId, "finish");
      this.db
        .prepare("UPDATE runs SET state = ?, metrics = ?, reason = ?, finished_at = ? WHERE id = ?")
        .run(state, metrics, outcome.reason ?? null, this.clock(), runId);
    });
    finish.immediate();
  }

  get(runId: number): RunRecord {
    const summary = toSummary(this.require(runId));
    const epochs = (
      this.db.prepare("SELECT epoch, metrics, logged_at FROM run_epochs WHERE run_id = ? ORDER BY epoch").all(runId) as {
        epoch: number;
        metrics: string;
        logged_at: number;
      }[]
    ).map((row) => ({ epoch: row.epoch, metrics: metricsFromColumn(row.metrics), loggedAt: isoTime(row.logged_at) }));
    const timings = (
      this.db.prepare("SELECT phase, ms, logged_at FROM run_timings WHERE run_id = ? ORDER BY id").all(runId) as {
        phase: string;
        ms: number;
        logged_at: number;
      }[]
    ).map((row) => ({ phase: row.phase, ms: row.ms, loggedAt: isoTime(row.logged_at) }));
    return { ...summary, epochs, timings };
  }

  /** Runs, oldest first, optionally narrowed to one search, model, kind or state. */
  list(filter: RunFilter = {}): RunSummary[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.search !== undefined) {
      where.push("search_name = ?");
      params.push(filter.search);
    }
    if (filter.model !== undefined) {
      where.push("model_name = ?");
      params.push(filter.model);
    }
    if (filter.kind !== undefined) {
      where.push("kind = ?");
      params.push(filter.kind);
    }
    if (filter.state !== undefined) {
      where.push("state = ?");
      params.push(filter.state);
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id`;
    return (this.db.prepare(sql).all(...params) as RunRow[]).map(toSummary);
  }

  saveCheckpoint(runId: number, epoch: number, artifactSha256: string): void {
    requireInteger(epoch, "checkpoint epoch");
    requireText(artifactSha256, "checkpoint artifact");
    if (this.artifactExists && !this.artifactExists(artifactSha256)) {
      throw new RegistryNotFoundError(
        `checkpoint for run ${runId} epoch ${epoch} names artifact ${artifactSha256}, which is not stored; put it first`,
      );
    }
    this.requireRunning(runId, "checkpoint");
    this.db
      .prepare(
        `INSERT INTO checkpoints (run_id, epoch, artifact_sha256, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (run_id, epoch) DO UPDATE SET artifact_sha256 = excluded.artifact_sha256,
                                                   created_at = excluded.created_at`,
      )
      .run(runId, epoch, artifactSha256, this.clock());
  }

  lastCheckpoint(runId: number): Checkpoint | undefined {
    this.require(runId);
    const row = this.db
      .prepare(
        "SELECT run_id, epoch, artifact_sha256, created_at FROM checkpoints WHERE run_id = ? ORDER BY epoch DESC LIMIT 1",
      )
      .get(runId) as { run_id: number; epoch: number; artifact_sha256: string; created_at: number } | undefined;
    if (!row) return undefined;
    return { runId: row.run_id, epoch: row.epoch, artifactSha256: row.artifact_sha256, createdAt: isoTime(row.created_at) };
  }

  /**
   * The latest run of this model on this spec and data that never finished
   * (its process died), or undefined. Pass `kind` to resume only a training
   * or only a search.
   */
  findResumable(specHash: string, dataHash: string, modelName: string, kind?: RunKind): RunSummary | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM runs
         WHERE spec_hash = ? AND data_hash = ? AND model_name = ? AND state = 'running'
           AND (? IS NULL OR kind = ?)
         ORDER BY id DESC LIMIT 1`,
      )
      .get(specHash, dataHash, modelName, kind ?? null, kind ?? null) as RunRow | undefined;
    return row ? toSummary(row) : undefined;
  }

  require(runId: number): RunRow {
    requireInteger(runId, "run id");
    const row = this.db.prepare("SELECT * FROM runs WHERE id = ?").get(runId) as RunRow | undefined;
    if (!row) throw new RegistryNotFoundError(`no run with id ${runId} in this workspace`);
    return row;
  }

  private requireRunning(runId: number, action: string): RunRow {
    const row = this.require(runId);
    if (row.state !== "running") {
      throw new RegistryConflictError(`cannot ${action} run ${runId}: it already finished as ${row.state}`);
    }
    return row;
  }
}
