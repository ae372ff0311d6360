/**
 * The prediction log: every request a serve answers, for monitoring (drift,
 * delayed-label performance) and audit. Serving must not wait on a disk write
 * per request, so the writer buffers rows and writes them in one transaction
 * every `maxRows` rows or `maxDelayMs` milliseconds, whichever comes first.
 * A crash loses at most the unflushed buffer; the database stays consistent.
 */
import type { SqliteDatabase, SqliteStatement, SqliteTransaction } from "./db.js";
import { WorkspaceError } from "./errors.js";
import { requireInteger, requireText, toJsonColumn } from "./columns.js";
import { whereClause } from "./sql-filter.js";

export interface PredictionInput {
  requestId: string;
  /** When the request arrived, ms since the epoch; default the writer's clock at `log()`. */
  time?: number;
  serve: string;
  model: string;
  version: number;
  inputs: unknown;
  output: unknown;
  latencyMs: number;
  /** The slot the router assigned (`current`, `candidate`, `arm:m@3`, …); null before rollouts or outside the server. */
  arm?: string | null;
  /** The rollout whose weights routed the request, or null. */
  rollout?: string | null;
  /** Null when the assigned arm's model answered; its error class (`error`, `timeout`, `degraded`) when it did not. */
  error?: string | null;
}

export interface LoggedPrediction {
  id: number;
  requestId: string;
  /** ms since the epoch */
  time: number;
  serve: string;
  model: string;
  version: number;
  inputs: unknown;
  output: unknown;
  latencyMs: number;
  arm: string | null;
  rollout: string | null;
  error: string | null;
}

export interface PredictionQuery {
  serve?: string;
  model?: string;
  /** inclusive, ms since the epoch */
  since?: number;
  /** exclusive, ms since the epoch */
  until?: number;
  /** only rows logged after this id (for incremental readers) */
  afterId?: number;
  limit?: number;
}

export interface PredictionLogOptions {
  /** Flush once this many rows are buffered (default 256). */
  maxRows?: number;
  /** Flush at most this long after the first buffered row (default 1000 ms). */
  maxDelayMs?: number;
  /** While flushes keep failing (disk full), keep at most this many rows, dropping the oldest (default 100000). */
  maxBuffered?: number;
  clock?: () => number;
  /** Failures of timer-driven flushes, which have no caller to throw to (default: a process warning). */
  onError?: (error: Error) => void;
}

type PendingRow = [string, number, string, string, number, string, string, number, string | null, string | null, string | null];

const INSERT_SQL = `INSERT INTO predictions (request_id, at, serve, model, version, inputs, output, latency_ms, arm, rollout, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new WorkspaceError("INVALID_ARGUMENT", `prediction log ${what} must be a positive integer, got ${value}`);
  }
  return value;
}

export class PredictionLogWriter {
  readonly maxRows: number;
  readonly maxDelayMs: number;
  readonly maxBuffered: number;
  private buffer: PendingRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private droppedRows = 0;
  private readonly clock: () => number;
  private readonly onError: (error: Error) => void;
  private readonly insertAll: SqliteTransaction<[PendingRow[]], void>;

  constructor(
    db: SqliteDatabase,
    options: PredictionLogOptions = {},
    private readonly onClose?: (writer: PredictionLogWriter) => void,
  ) {
    this.maxRows = positiveInteger(options.maxRows, 256, "maxRows");
    this.maxDelayMs = positiveInteger(options.maxDelayMs, 1000, "maxDelayMs");
    this.maxBuffered = Math.max(this.maxRows, positiveInteger(options.maxBuffered, 100_000, "maxBuffered"));
    this.clock = options.clock ?? Date.now;
    this.onError =
      options.onError ??
      ((error) => process.emitWarning(`prediction log flush failed, will retry: ${error.message}`, "MlspecWarning"));
    const insert: SqliteStatement = db.prepare(INSERT_SQL);
    this.insertAll = db.transaction((rows: PendingRow[]) => {
      for (const row of rows) insert.run(...row);
    });
  }

  /** Rows buffered and not yet written. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Rows given up on because flushes kept failing and the buffer was full. */
  get dropped(): number {
    return this.droppedRows;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Buffer one prediction. Inputs and output are serialized now, so later mutation does not change the log. */
  log(row: PredictionInput): void {
    if (this.closed) throw new WorkspaceError("LOG_CLOSED", "the prediction log is closed");
    requireText(row.requestId, "prediction requestId");
    requireText(row.serve, "prediction serve");
    requireText(row.model, "prediction model");
    requireInteger(row.version, "prediction version");
    if (typeof row.latencyMs !== "number" || !Number.isFinite(row.latencyMs) || row.latencyMs < 0) {
      throw new WorkspaceError("INVALID_ARGUMENT", `prediction latencyMs must be a non-negative number, got ${row.latencyMs}`);
    }
    const time = row.time ?? this.clock();
    if (!Number.isFinite(time)) throw new WorkspaceError("INVALID_ARGUMENT", `prediction time must be ms since the epoch`);
    this.buffer.push([
      row.requestId,
      Math.round(time),
      row.serve,
      row.model,
      row.version,
      toJsonColumn(row.inputs, "prediction inputs"),
      toJsonColumn(row.output, "prediction output"),
      row.latencyMs,
      row.arm ?? null,
      row.rollout ?? null,
      row.error ?? null,
    ]);
    if (this.buffer.length >= this.maxRows) {
      this.flushInBackground();
    } else if (this.timer === null) {
      this.timer = setTimeout(() => this.flushInBackground(), this.maxDelayMs);
      this.timer.unref(); // a pending flush must not keep the process alive; close() flushes
    }
  }

  /** Write every buffered row in one transaction; returns how many. On failure the rows stay buffered. */
  flush(): number {
    this.clearTimer();
    if (this.buffer.length === 0) return 0;
    const batch = this.buffer;
    this.buffer = [];
    try {
      this.insertAll.immediate(batch);
    } catch (error) {
      this.buffer = batch.concat(this.buffer);
      const excess = this.buffer.length - this.maxBuffered;
      if (excess > 0) {
        this.buffer.splice(0, excess);
        this.droppedRows += excess;
      }
      throw error;
    }
    return batch.length;
  }

  /** Flush what is buffered and refuse further rows. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.onClose?.(this);
  }

  private flushInBackground(): void {
    try {
      this.flush();
    } catch (error) {
      this.onError(error as Error);
      // try again later rather than on every log() call
      if (this.timer === null && this.buffer.length > 0) {
        this.timer = setTimeout(() => this.flushInBackground(), this.maxDelayMs);
        this.timer.unref();
      }
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}

/** A `predictions` row as SQLite returns it. */
export interface PredictionRow {
  id: number;
  request_id: string;
  at: number;
  serve: string;
  model: string;
  version: number;
  inputs: string;
  output: string;
  latency_ms: number;
  arm: string | null;
  rollout: string | null;
  error: string | null;
}

/** Logged predictions in time order (ties by log order). */
export function readPredictions(db: SqliteDatabase, query: PredictionQuery = {}): LoggedPrediction[] {
  const where = whereClause([
    ["serve = ?", query.serve],
    ["model = ?", query.model],
    ["at >= ?", query.since],
    ["at < ?", query.until],
    ["id > ?", query.afterId],
  ]);
  const params = where.params;
  let sql = `SELECT * FROM predictions ${where.sql} ORDER BY at, id`;
  if (query.limit !== undefined) {
    sql += " LIMIT ?";
    params.push(positiveInteger(query.limit, 0, "limit"));
  }
  return (db.prepare(sql).all(...params) as PredictionRow[]).map(toLoggedPrediction);
}

export function toLoggedPrediction(row: PredictionRow): LoggedPrediction {
  return {
    id: row.id,
    requestId: row.request_id,
    time: row.at,
    serve: row.serve,
    model: row.model,
    version: row.version,
    inputs: JSON.parse(row.inputs) as unknown,
    output: JSON.parse(row.output) as unknown,
    latencyMs: row.latency_ms,
    arm: row.arm,
    rollout: row.rollout,
    error: row.error,
  };
}
