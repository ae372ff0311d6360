/**
 * Runs (a training, one search trial, a whole search), their per-epoch
 * metrics, phase timings and checkpoints. A run is "running" until finished.
 * Each records the pid and host of the process running it and a heartbeat that
 * process renews; one whose process died (its pid is gone on this host, or its
 * heartbeat is stale) reads as "interrupted", and is what `findResumable` returns.
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
import { whereClause } from "./sql-filter.js";

export const RUN_KINDS = ["train", "trial", "search"] as const;
export type RunKind = (typeof RUN_KINDS)[number];
export const RUN_STATES = ["running", "complete", "failed", "pruned"] as const;
export type RunState = (typeof RUN_STATES)[number];
export type FinishedRunState = Exclude<RunState, "running">;
/** What a run reads as: its stored state, or "interrupted" for a running run whose process died. */
export type RunStatus = RunState | "interrupted";

/** Who runs this registry's runs, and how to tell whether another run's process still lives. */
export interface RunLiveness {
  pid: number;
  host: string;
  /** Whether a process with this pid exists on this host. */
  isAlive: (pid: number) => boolean;
  /** A running run whose heartbeat is older than this reads as interrupted, whatever its host. */
  staleAfterMs: number;
}

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
  state: RunStatus;
  metrics: Metrics | null;
  reason: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** The process that runs (or ran) it; null for runs recorded before pids were. */
  pid: number | null;
  host: string | null;
  /** When its process last said it was alive. */
  heartbeatAt: string | null;
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
  state?: RunStatus;
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
  pid: number | null;
  host: string | null;
  heartbeat_at: number | null;
}

function toSummary(row: RunRow, state: RunStatus): RunSummary {
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
    state,
    metrics: row.metrics === null ? null : metricsFromColumn(row.metrics),
    reason: row.reason,
    createdAt: isoTime(row.created_at),
    finishedAt: isoTimeOrNull(row.finished_at),
    pid: row.pid,
    host: row.host,
    heartbeatAt: isoTimeOrNull(row.heartbeat_at),
  };
}

export class RunStore {
  /** Runs this process created or took over for resuming: running while it lives. */
  private readonly owned = new Set<number>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: () => number,
    private readonly artifactExists: ((sha256: string) => boolean) | undefined,
    private readonly liveness: RunLiveness,
  ) {}

  /** Ids of the running runs this process owns (what the heartbeat renews). */
  get ownedRuns(): ReadonlySet<number> {
    return this.owned;
  }

  private statusOf(row: RunRow): RunStatus {
    if (row.state !== "running" || this.owned.has(row.id)) return row.state;
    const { host, isAlive, staleAfterMs } = this.liveness;
    if (row.host === host && row.pid !== null && !isAlive(row.pid)) return "interrupted";
    // a run recorded before heartbeats were counts from its start
    const beat = row.heartbeat_at ?? row.created_at;
    return this.clock() - beat > staleAfterMs ? "interrupted" : "running";
  }

  private summary(row: RunRow): RunSummary {
    return toSummary(row, this.statusOf(row));
  }

  /** Renew the heartbeat of every running run this process owns. */
  heartbeat(): void {
    if (this.owned.size === 0) return;
    const ids = [...this.owned];
    this.db
      .prepare(`UPDATE runs SET heartbeat_at = ? WHERE state = 'running' AND id IN (${ids.map(() => "?").join(", ")})`)
      .run(this.clock(), ...ids);
  }

  /**
   * Take over an interrupted run to resume it: it becomes this process's, with
   * a fresh heartbeat. Returns false when its process still lives (two resumes
   * never continue one run) or it finished meanwhile.
   */
  claim(runId: number): boolean {
    const take = this.db.transaction(() => {
      const row = this.require(runId);
      const status = this.statusOf(row);
      if (status !== "interrupted" && !(status === "running" && this.owned.has(runId))) return false;
      this.db
        .prepare("UPDATE runs SET pid = ?, host = ?, heartbeat_at = ? WHERE id = ?")
        .run(this.liveness.pid, this.liveness.host, this.clock(), runId);
      this.owned.add(runId);
      return true;
    });
    return take.immediate();
  }

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
                           params, state, created_at, pid, host, heartbeat_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
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
        this.liveness.pid,
        this.liveness.host,
        this.clock(),
      );
    const id = rowId(result.lastInsertRowid);
    this.owned.add(id);
    return id;
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
    this.beat(runId);
  }

  /** An epoch or a checkpoint is a sign of life too. */
  private beat(runId: number): void {
    if (this.owned.has(runId)) this.db.prepare("UPDATE runs SET heartbeat_at = ? WHERE id = ?").run(this.clock(), runId);
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
    this.owned.delete(runId);
  }

  get(runId: number): RunRecord {
    const summary = this.summary(this.require(runId));
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
    const where = whereClause([
      ["search_name = ?", filter.search],
      ["model_name = ?", filter.model],
      ["kind = ?", filter.kind],
      // running and interrupted are both stored as running; which one a run is, its liveness says
      ["state = ?", filter.state === "interrupted" ? "running" : filter.state],
    ]);
    const sql = `SELECT * FROM runs ${where.sql} ORDER BY id`;
    const runs = (this.db.prepare(sql).all(...where.params) as RunRow[]).map((row) => this.summary(row));
    return filter.state === undefined ? runs : runs.filter((r) => r.state === filter.state);
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
    this.beat(runId);
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
   * The latest interrupted run of this model on this spec and data (it never
   * finished and its process died), or undefined; a run another live process
   * is running is not resumable. Pass `kind` to resume only a training or only
   * a search; `claim` it before continuing it.
   */
  findResumable(specHash: string, dataHash: string, modelName: string, kind?: RunKind): RunSummary | undefined {
    const rows = this.db
      .prepare(
        `SELECT * FROM runs
         WHERE spec_hash = ? AND data_hash = ? AND model_name = ? AND state = 'running'
           AND (? IS NULL OR kind = ?)
         ORDER BY id DESC`,
      )
      .all(specHash, dataHash, modelName, kind ?? null, kind ?? null) as RunRow[];
    return rows.map((row) => this.summary(row)).find((r) => r.state === "interrupted");
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
