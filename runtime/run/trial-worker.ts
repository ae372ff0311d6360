/**
 * A worker thread that trains search trials, so that `parallel = N` runs N
 * trials at once on N cores (tfjs on wasm/cpu is single-threaded per thread).
 * The parent keeps every registry write; the worker only trains and reports
 * each epoch, waiting for the parent's prune decision before going on.
 */
import { parentPort } from "node:worker_threads";
import type { TrainCheckpoint, TrainConfig, TrainData } from "../train/fit.js";
import { encodeNetwork } from "./network-codec.js";

export type ToWorker =
  | { type: "train"; id: number; config: TrainConfig; data: TrainData; backend: string; resumeFrom?: TrainCheckpoint; checkpoints: boolean }
  | { type: "decision"; id: number; stop: boolean };

export type FromWorker =
  | { type: "ready" }
  | { type: "epoch"; id: number; epoch: number; loss: number; val: Record<string, number> }
  | { type: "checkpoint"; id: number; epoch: number; checkpoint: TrainCheckpoint }
  | { type: "done"; id: number; network: Record<string, unknown>; history: unknown }
  | { type: "error"; id: number; name: string; message: string };

const port = parentPort;
if (port) {
  const pending = new Map<number, (stop: boolean) => void>();
  port.on("message", (msg: ToWorker) => {
    if (msg.type === "decision") {
      pending.get(msg.id)?.(msg.stop);
      pending.delete(msg.id);
      return;
    }
    void (async () => {
      try {
        const { selectBackend, parseBackendName } = await import("../train/backend.js");
        const { trainNetwork } = await import("../train/fit.js");
        await selectBackend(parseBackendName(msg.backend));
        const result = await trainNetwork(msg.config, msg.data, {
          ...(msg.resumeFrom ? { resumeFrom: msg.resumeFrom } : {}),
          ...(msg.checkpoints
            ? { onCheckpoint: (epoch: number, checkpoint: TrainCheckpoint) => port.postMessage({ type: "checkpoint", id: msg.id, epoch, checkpoint } satisfies FromWorker) }
            : {}),
          onEpoch: (epoch, report) =>
            new Promise<"stop" | void>((resolve) => {
              pending.set(msg.id, (stop) => resolve(stop ? "stop" : undefined));
              port.postMessage({ type: "epoch", id: msg.id, epoch, loss: report.loss, val: report.val } satisfies FromWorker);
            }),
        });
        port.postMessage({ type: "done", id: msg.id, network: encodeNetwork(result.network), history: result.history } satisfies FromWorker);
      } catch (e) {
        const err = e as Error;
        port.postMessage({ type: "error", id: msg.id, name: err.constructor?.name ?? "Error", message: err.message } satisfies FromWorker);
      }
    })();
  });
  port.postMessage({ type: "ready" } satisfies FromWorker);
}
