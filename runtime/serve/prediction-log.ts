/**
 * Where served predictions go: the workspace's prediction log, written in
 * batches by the registry's PredictionLogWriter. By default the writer runs in
 * its own thread (prediction-log-thread.ts): the server hands it rows in
 * batches of `postRows` (or every `postDelayMs`), and SQLite's commits never
 * stall a request. Where that thread cannot start, the writer runs on the main
 * thread, flushing small batches.
 *
 * No prediction is dropped to keep up: when the writer falls more than
 * `maxPendingRows` behind, `log()` returns a promise that the server awaits
 * before answering (backpressure), resolved once the writer has caught up to
 * half of that. A row that still cannot be written (the database refuses
 * writes, the thread died) is counted and reported by `close()`, never lost
 * without a word. spec/serving.md states what survives a `kill -9`.
 */
import type { Worker } from "node:worker_threads";
import type { Workspace } from "../workspace/workspace.js";
import { startModuleWorker } from "../module-worker.js";
import type { PredictionLogThreadData } from "./prediction-log-thread.js";

/** One answered request: its rows and their predictions, logged as one prediction each. */
export interface LoggedRequest {
  requestId: string;
  /** ms since the epoch when the request arrived */
  time: number;
  serve: string;
  model: string;
  version: number;
  latencyMs: number;
  /** The rows; or leave them out and give `body`. */
  inputs?: readonly unknown[];
  /**
   * The request's JSON text as received, which held the rows (one row, or
   * `{"instances": [...]}` when `batch`). Handing over text the server already
   * has spares the event loop copying the rows.
   */
  body?: { text: string; batch: boolean };
  outputs: readonly unknown[];
  /** The slot the router assigned, the rollout that routed, the arm's error class (null: it answered). */
  arm?: string | null;
  rollout?: string | null;
  error?: string | null;
}

/** The rows of a logged request. */
export function loggedRows(request: LoggedRequest): readonly unknown[] {
  if (request.inputs) return request.inputs;
  if (!request.body) return [];
  const parsed = JSON.parse(request.body.text) as { instances?: unknown[] };
  return request.body.batch ? (parsed.instances ?? []) : [parsed];
}

export interface PredictionSink {
  readonly where: "thread" | "main";
  /**
   * Take one answered request's rows. Returns a promise while the writer is
   * more than `maxPendingRows` behind: answer the request once it resolves.
   */
  log(request: LoggedRequest): Promise<void> | undefined;
  /** Write everything taken so far to the database; resolves once it is there (for readers that must see it, like feedback). */
  flush(): Promise<void>;
  /** Write everything taken, then stop; resolves with the rows that could not be written. */
  close(): Promise<number>;
}

export interface PredictionSinkOptions {
  /** Rows per database transaction (default 256 in the thread, 64 on the main thread). */
  maxRows?: number;
  /** Longest a row waits for its transaction (default 500 ms). */
  maxDelayMs?: number;
  /** Rows handed to the writer thread and not yet taken by it, past which `log()` makes the server wait (default 50,000). */
  maxPendingRows?: number;
  /** Write on the main thread even where the writer thread can start. */
  mainThread?: boolean;
  onWarning?: (message: string) => void;
  /** A request's answer waits for the writer to catch up (for a metric). */
  onWait?: () => void;
}

class MainThreadSink implements PredictionSink {
  readonly where = "main" as const;
  private readonly writer;

  private readonly onWarning: ((message: string) => void) | undefined;

  constructor(workspace: Workspace, options: PredictionSinkOptions) {
    this.onWarning = options.onWarning;
    // small batches: each flush blocks the event loop for its commit
    this.writer = workspace.registry.predictionLog({
      maxRows: options.maxRows ?? 64,
      maxDelayMs: options.maxDelayMs ?? 500,
      onError: (error) => options.onWarning?.(`prediction log flush failed, will retry: ${error.message}`),
    });
  }

  log(request: LoggedRequest): undefined {
    // the writer flushes on this thread as it fills: it cannot fall behind
    const { inputs: _inputs, body: _body, outputs, ...common } = request;
    const inputs = loggedRows(request);
    for (let i = 0; i < outputs.length; i++) this.writer.log({ ...common, inputs: inputs[i], output: outputs[i] });
    return undefined;
  }

  async flush(): Promise<void> {
    this.writer.flush();
  }

  async close(): Promise<number> {
    let unwritten = 0;
    try {
      this.writer.close();
    } catch (error) {
      unwritten = this.writer.pending;
      this.onWarning?.(`prediction log: the last flush failed: ${(error as Error).message}`);
    }
    return this.writer.dropped + unwritten;
  }
}

/** What the writer thread receives per request. */
export interface ThreadRecord {
  /** LoggedRequest without `body`, as JSON */
  record: string;
  body?: string;
  batch?: boolean;
}

type ThreadMessage =
  | { kind: "ready" }
  | { kind: "failed"; message: string }
  | { kind: "warning"; message: string }
  | { kind: "written"; rows: number }
  | { kind: "flushed"; id: number }
  | { kind: "closed"; dropped: number; message?: string };

class ThreadSink implements PredictionSink {
  readonly where = "thread" as const;
  /** Requests as JSON text (one stringify per request is the cheapest copy), bodies as received. */
  private buffer: ThreadRecord[] = [];
  private bufferedRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed?: Promise<number>;
  private readonly postRows = 128;
  private readonly postDelayMs = 20;
  /** Rows handed to the thread and not yet taken by its writer: past `maxPending` requests wait (backpressure). */
  private pendingRows = 0;
  private readonly maxPending: number;
  /** Requests waiting for the thread to catch up. */
  private waiters: Array<() => void> = [];
  /** Rows that could not be written: taken after close, or lost with a thread that died. */
  private lost = 0;
  private dead = false;
  private flushes = new Map<number, () => void>();
  private nextFlush = 0;

  private readonly onWait: (() => void) | undefined;

  constructor(
    private readonly worker: Worker,
    options: PredictionSinkOptions,
    private readonly onWarning?: (message: string) => void,
  ) {
    this.onWait = options.onWait;
    this.maxPending = options.maxPendingRows ?? 50_000;
    if (!(Number.isSafeInteger(this.maxPending) && this.maxPending >= 1)) throw new RangeError(`maxPendingRows must be a positive integer, got ${this.maxPending}`);
    worker.on("message", (msg: ThreadMessage) => {
      if (msg.kind === "warning") this.onWarning?.(msg.message);
      else if (msg.kind === "flushed") {
        this.flushes.get(msg.id)?.();
        this.flushes.delete(msg.id);
      } else if (msg.kind === "written") {
        this.pendingRows -= msg.rows;
        if (this.pendingRows <= this.maxPending / 2) this.release();
      }
    });
    // an 'error' with no listener would take the server down with the thread
    worker.on("error", (error) => {
      this.dead = true;
      this.lost += this.pendingRows + this.bufferedRows;
      this.pendingRows = 0;
      this.buffer = [];
      this.bufferedRows = 0;
      this.release();
      for (const resolve of this.flushes.values()) resolve();
      this.flushes.clear();
      this.onWarning?.(`prediction log thread failed: ${error.message}; predictions are no longer logged`);
    });
  }

  log(request: LoggedRequest): Promise<void> | undefined {
    if (this.closed || this.dead) {
      // counted, and reported by close(): never dropped without a word
      this.lost += request.outputs.length;
      return undefined;
    }
    const { body, ...rest } = request;
    this.buffer.push(body ? { record: JSON.stringify(rest), body: body.text, batch: body.batch } : { record: JSON.stringify(rest) });
    this.bufferedRows += request.outputs.length;
    if (this.pendingRows + this.bufferedRows > this.maxPending) {
      // the database is falling behind: hand the rows over now, and hold the answer until it catches up
      this.post();
      this.onWait?.();
      return new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.bufferedRows >= this.postRows) this.post();
    else if (this.timer === null) {
      this.timer = setTimeout(() => this.post(), this.postDelayMs);
      this.timer.unref();
    }
    return undefined;
  }

  /** Rows handed over and not yet taken by the writer, for tests and metrics. */
  get pending(): number {
    return this.pendingRows + this.bufferedRows;
  }

  private release(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private post(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) return;
    const requests = this.buffer;
    const rows = this.bufferedRows;
    this.buffer = [];
    this.pendingRows += rows;
    this.bufferedRows = 0;
    this.worker.postMessage({ kind: "requests", requests, rows });
  }

  flush(): Promise<void> {
    if (this.closed || this.dead) return Promise.resolve();
    this.post();
    const id = this.nextFlush++;
    // the thread takes messages in order: its answer comes after it wrote every row posted before
    return new Promise<void>((resolve) => {
      this.flushes.set(id, resolve);
      this.worker.postMessage({ kind: "flush", id });
    });
  }

  close(): Promise<number> {
    this.closed ??= new Promise<number>((resolve) => {
      this.post();
      let settled = false;
      const finish = (dropped: number, message?: string) => {
        if (settled) return;
        settled = true;
        this.release();
        for (const done of this.flushes.values()) done();
        this.flushes.clear();
        if (message) this.onWarning?.(`prediction log: ${message}`);
        void this.worker.terminate().then(() => resolve(dropped + this.lost));
      };
      if (this.dead) {
        finish(0);
        return;
      }
      this.worker.on("message", (msg: ThreadMessage) => {
        if (msg.kind === "closed") finish(msg.dropped, msg.message);
      });
      // whatever it had not taken is lost with it
      this.worker.once("exit", () => finish(this.pendingRows, "the writer thread exited before closing"));
      this.worker.postMessage({ kind: "close" });
    });
    return this.closed;
  }
}

async function startThread(workspace: Workspace, options: PredictionSinkOptions): Promise<PredictionSink | undefined> {
  const data: PredictionLogThreadData = {
    mlspecPredictionLog: true,
    databasePath: workspace.databasePath,
    maxRows: options.maxRows ?? 256,
    maxDelayMs: options.maxDelayMs ?? 500,
  };
  const worker = startModuleWorker(import.meta.url, "prediction-log-thread", data);
  if (!worker) return undefined;
  let onMessage!: (msg: ThreadMessage) => void;
  let onError!: (error: Error) => void;
  let onExit!: (code: number) => void;
  const started = await new Promise<string | true>((resolve) => {
    onMessage = (msg) => {
      if (msg.kind === "ready") resolve(true);
      else if (msg.kind === "failed") resolve(msg.message);
    };
    onError = (error) => resolve(error.message);
    onExit = (code) => resolve(`exited with code ${code}`);
    worker.on("message", onMessage);
    worker.once("error", onError);
    worker.once("exit", onExit);
  });
  // only our own listeners: removeAllListeners would also drop the ones Worker keeps for itself
  worker.off("message", onMessage);
  worker.off("error", onError);
  worker.off("exit", onExit);
  if (started !== true) {
    options.onWarning?.(`prediction log thread did not start (${started}); writing on the main thread`);
    await worker.terminate();
    return undefined;
  }
  return new ThreadSink(worker, options, options.onWarning);
}

export async function openPredictionSink(workspace: Workspace, options: PredictionSinkOptions = {}): Promise<PredictionSink> {
  if (!options.mainThread) {
    const thread = await startThread(workspace, options);
    if (thread) return thread;
  }
  return new MainThreadSink(workspace, options);
}
