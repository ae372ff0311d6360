/**
 * Where served predictions go: the workspace's prediction log, written in
 * batches by the registry's PredictionLogWriter. By default the writer runs in
 * its own thread (prediction-log-thread.ts): the server hands it rows in
 * batches of `postRows` (or every `postDelayMs`), and SQLite's commits never
 * stall a request. Where that thread cannot start, the writer runs on the main
 * thread, flushing small batches.
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
  log(request: LoggedRequest): void;
  /** Write what is buffered and stop; resolves with the rows that could not be written. */
  close(): Promise<number>;
}

export interface PredictionSinkOptions {
  /** Rows per database transaction (default 256 in the thread, 64 on the main thread). */
  maxRows?: number;
  /** Longest a row waits for its transaction (default 500 ms). */
  maxDelayMs?: number;
  /** Write on the main thread even where the writer thread can start. */
  mainThread?: boolean;
  onWarning?: (message: string) => void;
}

class MainThreadSink implements PredictionSink {
  readonly where = "main" as const;
  private readonly writer;

  constructor(workspace: Workspace, options: PredictionSinkOptions) {
    // small batches: each flush blocks the event loop for its commit
    this.writer = workspace.registry.predictionLog({
      maxRows: options.maxRows ?? 64,
      maxDelayMs: options.maxDelayMs ?? 500,
      onError: (error) => options.onWarning?.(`prediction log flush failed, will retry: ${error.message}`),
    });
  }

  log(request: LoggedRequest): void {
    const { inputs: _inputs, body: _body, outputs, ...common } = request;
    const inputs = loggedRows(request);
    for (let i = 0; i < outputs.length; i++) this.writer.log({ ...common, inputs: inputs[i], output: outputs[i] });
  }

  async close(): Promise<number> {
    this.writer.close();
    return this.writer.dropped;
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
  /** Rows handed to the thread and not yet written: past `maxPending` the log sheds load rather than memory. */
  private pendingRows = 0;
  private readonly maxPending = 200_000;
  private dropped = 0;
  private lastDropWarning = 0;

  constructor(
    private readonly worker: Worker,
    private readonly onWarning?: (message: string) => void,
  ) {
    worker.on("message", (msg: ThreadMessage) => {
      if (msg.kind === "warning") this.onWarning?.(msg.message);
      else if (msg.kind === "written") this.pendingRows -= msg.rows;
    });
    // an 'error' with no listener would take the server down with the thread
    worker.on("error", (error) => this.onWarning?.(`prediction log thread failed: ${error.message}; predictions are no longer logged`));
  }

  log(request: LoggedRequest): void {
    if (this.closed) return;
    if (this.pendingRows + this.bufferedRows > this.maxPending) {
      // the database cannot keep up: drop and say so, rather than queue without bound
      this.dropped += request.outputs.length;
      const now = Date.now();
      if (now - this.lastDropWarning > 10_000) {
        this.lastDropWarning = now;
        this.onWarning?.(`prediction log falling behind: ${this.dropped} predictions not logged so far`);
      }
      return;
    }
    const { body, ...rest } = request;
    this.buffer.push(body ? { record: JSON.stringify(rest), body: body.text, batch: body.batch } : { record: JSON.stringify(rest) });
    this.bufferedRows += request.outputs.length;
    if (this.bufferedRows >= this.postRows) this.post();
    else if (this.timer === null) {
      this.timer = setTimeout(() => this.post(), this.postDelayMs);
      this.timer.unref();
    }
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

  close(): Promise<number> {
    this.closed ??= new Promise<number>((resolve) => {
      this.post();
      let settled = false;
      const finish = (dropped: number, message?: string) => {
        if (settled) return;
        settled = true;
        if (message) this.onWarning?.(`prediction log: ${message}`);
        void this.worker.terminate().then(() => resolve(dropped + this.dropped));
      };
      this.worker.on("message", (msg: ThreadMessage) => {
        if (msg.kind === "closed") finish(msg.dropped, msg.message);
      });
      this.worker.once("exit", () => finish(0, "the writer thread exited before closing"));
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
  return new ThreadSink(worker, options.onWarning);
}

export async function openPredictionSink(workspace: Workspace, options: PredictionSinkOptions = {}): Promise<PredictionSink> {
  if (!options.mainThread) {
    const thread = await startThread(workspace, options);
    if (thread) return thread;
  }
  return new MainThreadSink(workspace, options);
}
