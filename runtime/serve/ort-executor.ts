/**
 * Where onnxruntime runs a model. onnxruntime-node runs a session
 * synchronously on the thread that calls it, so two executors:
 * - `inline`: the session lives on the event-loop thread. Least overhead per
 *   run, but a run blocks the server while it lasts, and a deadline can only
 *   be noticed once the run is over.
 * - `worker`: the session lives in its own worker thread. The event loop stays
 *   free during a run (health checks answer, new requests queue), a deadline
 *   fires on time while the model is still busy, and the fallback, in its own
 *   thread, answers meanwhile. Costs one message each way per batch.
 * Both take and return plain typed arrays, so callers never touch ort types.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import * as ort from "onnxruntime-node";
import { ModelRunError } from "./errors.js";

export type ExecutorKind = "inline" | "worker";

export type FeedTensor =
  | { type: "float32"; data: Float32Array; dims: number[] }
  | { type: "string"; data: string[]; dims: number[] };

export interface OutputTensor {
  data: Float32Array;
  dims: number[];
}

export interface GraphValue {
  name: string;
  /** onnxruntime's element type name: float32, string, int64, … */
  type: string;
}

export interface OrtExecutor {
  readonly kind: ExecutorKind;
  readonly inputs: GraphValue[];
  readonly outputs: string[];
  /** False once the executor can no longer run (its worker died). */
  readonly healthy: boolean;
  run(feeds: Record<string, FeedTensor>): Promise<Record<string, OutputTensor>>;
  dispose(): Promise<void>;
}

/** Session options for serving: one thread per run (runs are small; batching, not threads, gives throughput). */
export const SERVING_SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
  // run failures reach the caller as exceptions; keep onnxruntime's own log quiet
  logSeverityLevel: 4,
};

function graphValues(metadata: readonly ort.InferenceSession.ValueMetadata[]): GraphValue[] {
  return metadata.map((m) => ({ name: m.name, type: m.isTensor ? m.type : "non-tensor" }));
}

function toFloat32(data: unknown): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float32Array.from(data, (v) => Number(v));
  if (ArrayBuffer.isView(data)) return Float32Array.from(data as unknown as ArrayLike<number>);
  throw new ModelRunError(`the model returned a non-numeric output`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class InlineExecutor implements OrtExecutor {
  readonly kind = "inline" as const;
  readonly inputs: GraphValue[];
  readonly outputs: string[];
  healthy = true;

  constructor(private readonly session: ort.InferenceSession) {
    this.inputs = graphValues(session.inputMetadata);
    this.outputs = [...session.outputNames];
  }

  async run(feeds: Record<string, FeedTensor>): Promise<Record<string, OutputTensor>> {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      tensors[name] = t.type === "string" ? new ort.Tensor("string", t.data, t.dims) : new ort.Tensor("float32", t.data, t.dims);
    }
    let result: ort.InferenceSession.ReturnType;
    try {
      result = await this.session.run(tensors);
    } catch (error) {
      throw new ModelRunError(`onnxruntime: ${message(error)}`, { cause: error });
    }
    const out: Record<string, OutputTensor> = {};
    for (const name of this.outputs) {
      const tensor = result[name];
      if (tensor) out[name] = { data: toFloat32(tensor.data), dims: [...tensor.dims] };
    }
    return out;
  }

  async dispose(): Promise<void> {
    this.healthy = false;
    await this.session.release();
  }
}

async function createInline(bytes: Uint8Array): Promise<OrtExecutor> {
  const session = await ort.InferenceSession.create(bytes, SERVING_SESSION_OPTIONS);
  return new InlineExecutor(session);
}

/** The worker's program: plain CommonJS, evaluated as a string so it works from sources, tests and the bundle alike. */
const WORKER_SOURCE = `
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const ort = require(workerData.ortPath);
const describe = (m) => m.map((v) => ({ name: v.name, type: v.isTensor ? v.type : "non-tensor" }));
let session;
ort.InferenceSession.create(workerData.bytes, workerData.options).then(
  (s) => {
    session = s;
    parentPort.postMessage({ kind: "ready", inputs: describe(s.inputMetadata), outputs: s.outputNames });
  },
  (e) => parentPort.postMessage({ kind: "failed", message: String((e && e.message) || e) }),
);
parentPort.on("message", (msg) => {
  if (msg.kind === "dispose") {
    Promise.resolve(session && session.release()).finally(() => parentPort.postMessage({ kind: "disposed" }));
    return;
  }
  let feeds;
  try {
    feeds = {};
    for (const name of Object.keys(msg.feeds)) {
      const t = msg.feeds[name];
      feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    }
  } catch (e) {
    parentPort.postMessage({ kind: "result", id: msg.id, error: String((e && e.message) || e) });
    return;
  }
  session.run(feeds).then(
    (result) => {
      const outputs = {};
      const transfer = [];
      for (const name of session.outputNames) {
        const t = result[name];
        let data = t.data;
        if (!(data instanceof Float32Array)) data = Float32Array.from(data, (v) => Number(v));
        outputs[name] = { data, dims: Array.from(t.dims) };
        transfer.push(data.buffer);
      }
      parentPort.postMessage({ kind: "result", id: msg.id, outputs }, transfer);
    },
    (e) => parentPort.postMessage({ kind: "result", id: msg.id, error: String((e && e.message) || e) }),
  );
});
`;

type WorkerMessage =
  | { kind: "ready"; inputs: GraphValue[]; outputs: string[] }
  | { kind: "failed"; message: string }
  | { kind: "disposed" }
  | { kind: "result"; id: number; outputs?: Record<string, OutputTensor>; error?: string };

class WorkerExecutor implements OrtExecutor {
  readonly kind = "worker" as const;
  inputs: GraphValue[] = [];
  outputs: string[] = [];
  healthy = false;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (o: Record<string, OutputTensor>) => void; reject: (e: Error) => void }>();
  private disposed?: Promise<void>;
  private onDisposed?: () => void;

  constructor(private readonly worker: Worker) {
    worker.on("message", (msg: WorkerMessage) => {
      if (msg.kind === "result") {
        const waiting = this.pending.get(msg.id);
        if (!waiting) return;
        this.pending.delete(msg.id);
        if (msg.error !== undefined) waiting.reject(new ModelRunError(`onnxruntime: ${msg.error}`));
        else waiting.resolve(msg.outputs!);
      } else if (msg.kind === "disposed") this.onDisposed?.();
    });
    const fail = (reason: string) => {
      this.healthy = false;
      for (const waiting of this.pending.values()) waiting.reject(new ModelRunError(reason));
      this.pending.clear();
      this.onDisposed?.();
    };
    worker.on("error", (error) => fail(`the model's worker thread failed: ${error.message}`));
    worker.on("exit", (code) => fail(`the model's worker thread exited (code ${code})`));
  }

  /** Resolves once the session is created in the worker. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onMessage = (msg: WorkerMessage) => {
        if (msg.kind === "ready") {
          this.inputs = msg.inputs;
          this.outputs = msg.outputs;
          this.healthy = true;
          done();
          resolve();
        } else if (msg.kind === "failed") {
          done();
          reject(new Error(msg.message));
        }
      };
      const onExit = (code: number) => {
        done();
        reject(new Error(`the model's worker thread exited (code ${code}) while loading`));
      };
      const onError = (error: Error) => {
        done();
        reject(error);
      };
      const done = () => {
        this.worker.off("message", onMessage);
        this.worker.off("exit", onExit);
        this.worker.off("error", onError);
      };
      this.worker.on("message", onMessage);
      this.worker.on("exit", onExit);
      this.worker.on("error", onError);
    });
  }

  run(feeds: Record<string, FeedTensor>): Promise<Record<string, OutputTensor>> {
    if (!this.healthy) return Promise.reject(new ModelRunError("the model's worker thread is not running"));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ kind: "run", id, feeds });
    });
  }

  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      if (this.healthy) {
        this.healthy = false;
        await new Promise<void>((resolve) => {
          this.onDisposed = resolve;
          this.worker.postMessage({ kind: "dispose" });
        });
      }
      await this.worker.terminate();
    })();
    return this.disposed;
  }
}

let ortPath: string | undefined;

async function createWorker(bytes: Uint8Array): Promise<OrtExecutor> {
  ortPath ??= createRequire(import.meta.url).resolve("onnxruntime-node");
  // a copy the worker owns; the caller's bytes stay usable
  const copy = new Uint8Array(bytes);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ortPath, bytes: copy, options: SERVING_SESSION_OPTIONS }, transferList: [copy.buffer] });
  const executor = new WorkerExecutor(worker);
  try {
    await executor.ready();
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return executor;
}

/** Load ONNX bytes into onnxruntime on the chosen executor. Throws the loader's error for a bad model file. */
export function createExecutor(bytes: Uint8Array, kind: ExecutorKind): Promise<OrtExecutor> {
  return kind === "worker" ? createWorker(bytes) : createInline(bytes);
}
