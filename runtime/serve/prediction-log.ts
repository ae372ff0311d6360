/**
 * Where served predictions go: the workspace's prediction log, written in
 * batches by the registry's PredictionLogWriter. By default the writer runs in
 * its own thread (prediction-log-thread.ts): the server hands it rows in
 * batches of `postRows` (or every `postDelayMs`), and SQLite's commits never
 * stall a request. Where that thread cannot start, the writer runs on the main
 * thread, flushing small batches.
 */
import type { Worker } from "node:worker_threads";
import type { PredictionInput } from "../workspace/registry.js";
import type { Workspace } from "../workspace/workspace.js";
import { startModuleWorker } from "./module-worker.js";
import type { PredictionLogThreadData } from "./prediction-log-thread.js";

export interface PredictionSink {
  readonly where: "thread" | "main";
  log(row: PredictionInput): void;
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

  log(row: PredictionInput): void {
    this.writer.log(row);
  }

  async close(): Promise<number> {
    this.writer.close();
    return this.writer.dropped;
  }
}

type ThreadMessage =
  | { kind: "ready" }
  | { kind: "failed"; message: string }
  | { kind: "warning"; message: string }
  | { kind: "closed"; dropped: number; message?: string };

class ThreadSink implements PredictionSink {
  readonly where = "thread" as const;
  private buffer: PredictionInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed?: Promise<number>;
  private readonly postRows = 128;
  private readonly postDelayMs = 20;

  constructor(
    private readonly worker: Worker,
    private readonly onWarning?: (message: string) => void,
  ) {
    worker.on("message", (msg: ThreadMessage) => {
      if (msg.kind === "warning") this.onWarning?.(msg.message);
    });
    // an 'error' with no listener would take the server down with the thread
    worker.on("error", (error) => this.onWarning?.(`prediction log thread failed: ${error.message}; predictions are no longer logged`));
  }

  log(row: PredictionInput): void {
    if (this.closed) return;
    this.buffer.push(row);
    if (this.buffer.length >= this.postRows) this.post();
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
    const rows = this.buffer;
    this.buffer = [];
    this.worker.postMessage({ kind: "rows", rows });
  }

  close(): Promise<number> {
    this.closed ??= new Promise<number>((resolve) => {
      this.post();
      let settled = false;
      const finish = (dropped: number, message?: string) => {
        if (settled) return;
        settled = true;
        if (message) this.onWarning?.(`prediction log: ${message}`);
        void this.worker.terminate().then(() => resolve(dropped));
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
  const worker = startModuleWorker("prediction-log-thread", data);
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
