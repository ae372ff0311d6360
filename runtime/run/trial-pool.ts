/**
 * A pool of trial workers (runtime/run/trial-worker.ts): `train(config, data,
 * options)` has trainNetwork's shape, so a trial runs the same code in a worker
 * as a single training run does in process.
 */
import type { Worker } from "node:worker_threads";
import { startModuleWorker } from "../module-worker.js";
import type { TrainConfig, TrainData, TrainOptions, TrainResult } from "../train/fit.js";
import { decodeNetwork } from "./network-codec.js";
import type { FromWorker, ToWorker } from "./trial-worker.js";

function spawnWorker(): Worker {
  const w = startModuleWorker(import.meta.url, "trial-worker");
  if (!w) throw new Error("cannot start a trial worker: neither the bundled dist/trial-worker.mjs nor tsx for the sources was found");
  return w;
}

export class TrialWorkerError extends Error {
  constructor(
    readonly originalName: string,
    message: string,
  ) {
    super(message);
  }
}

interface Job {
  options: TrainOptions;
  resolve: (r: TrainResult) => void;
  reject: (e: Error) => void;
  /** A checkpoint the parent could not save. */
  failed?: Error;
}

export class TrialPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(w: Worker) => void> = [];
  private readonly jobs = new Map<number, Job>();
  private readonly all: Worker[] = [];
  private nextId = 1;

  private constructor(private readonly backend: string) {}

  static async start(size: number, backend: string): Promise<TrialPool> {
    const pool = new TrialPool(backend);
    await Promise.all(
      Array.from({ length: size }, async () => {
        const w = spawnWorker();
        pool.all.push(w);
        await new Promise<void>((resolve, reject) => {
          const onMessage = (m: FromWorker) => {
            if (m.type === "ready") {
              w.off("error", reject);
              resolve();
            }
          };
          w.once("message", onMessage);
          w.once("error", reject);
        });
        w.on("message", (m: FromWorker) => pool.onMessage(w, m));
        w.on("error", (e) => pool.failAll(e));
        pool.release(w);
      }),
    );
    return pool;
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.shift();
    return w ? Promise.resolve(w) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private onMessage(w: Worker, m: FromWorker): void {
    if (m.type === "ready") return;
    const job = this.jobs.get(m.id);
    if (!job) return;
    if (m.type === "epoch") {
      void Promise.resolve(job.options.onEpoch?.(m.epoch, { loss: m.loss, val: m.val })).then(
        (d) => w.postMessage({ type: "decision", id: m.id, stop: d === "stop" } satisfies ToWorker),
        () => w.postMessage({ type: "decision", id: m.id, stop: true } satisfies ToWorker),
      );
      return;
    }
    if (m.type === "checkpoint") {
      // saved in the parent, which keeps every registry write; messages arrive in order, before "done"
      try {
        void job.options.onCheckpoint?.(m.epoch, m.checkpoint);
      } catch (e) {
        job.failed ??= e as Error; // the trial fails as an in-process one would, once its worker is free
      }
      return;
    }
    this.jobs.delete(m.id);
    this.release(w);
    if (job.failed) job.reject(job.failed);
    else if (m.type === "done") job.resolve({ network: decodeNetwork(m.network), history: m.history as TrainResult["history"] });
    else job.reject(new TrialWorkerError(m.name, m.message));
  }

  private failAll(e: Error): void {
    for (const job of this.jobs.values()) job.reject(e);
    this.jobs.clear();
  }

  async train(config: TrainConfig, data: TrainData, options: TrainOptions = {}): Promise<TrainResult> {
    const w = await this.acquire();
    const id = this.nextId++;
    return new Promise<TrainResult>((resolve, reject) => {
      this.jobs.set(id, { options, resolve, reject });
      w.postMessage({
        type: "train",
        id,
        config,
        data,
        backend: this.backend,
        ...(options.resumeFrom ? { resumeFrom: options.resumeFrom } : {}),
        checkpoints: options.onCheckpoint !== undefined,
      } satisfies ToWorker);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
