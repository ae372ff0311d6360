/**
 * The prediction log's writer thread. Run as a worker: it opens its own
 * connection to the workspace registry and writes the rows the server posts
 * with the registry's PredictionLogWriter, so SQLite's commits (an fsync
 * each) never block the event loop that answers requests.
 *
 * Messages in: {kind: "requests", requests: ThreadRecord[], rows}, {kind: "flush", id}, {kind: "close"}.
 * Messages out: {kind: "ready"} | {kind: "failed", message} |
 * {kind: "warning", message} | {kind: "written", rows} (rows taken from a
 * message, for back-pressure) | {kind: "flushed", id} (rows before it are written) | {kind: "closed", dropped}.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Registry } from "../workspace/registry.js";
import { loggedRows, type LoggedRequest, type ThreadRecord } from "./prediction-log.js";

export interface PredictionLogThreadData {
  mlspecPredictionLog: true;
  databasePath: string;
  maxRows: number;
  maxDelayMs: number;
}

/** The rows a record holds, read without trusting it. */
function entryRows(entry: ThreadRecord): number {
  try {
    const outputs = (JSON.parse(entry.record) as { outputs?: unknown }).outputs;
    return Array.isArray(outputs) ? outputs.length : 1;
  } catch {
    return 1;
  }
}

type Incoming = { kind: "requests"; requests: ThreadRecord[]; rows: number } | { kind: "flush"; id: number } | { kind: "close" };

function start(port: NonNullable<typeof parentPort>, data: PredictionLogThreadData): void {
  let registry: Registry;
  try {
    registry = Registry.open(data.databasePath);
  } catch (error) {
    port.postMessage({ kind: "failed", message: (error as Error).message });
    return;
  }
  const writer = registry.predictionLog({
    maxRows: data.maxRows,
    maxDelayMs: data.maxDelayMs,
    onError: (error) => port.postMessage({ kind: "warning", message: `prediction log flush failed, will retry: ${error.message}` }),
  });
  /** Rows of records that could not be read back: counted as not written. */
  let unreadable = 0;
  port.on("message", (msg: Incoming) => {
    if (msg.kind === "requests") {
      for (const entry of msg.requests) {
        try {
          const request = JSON.parse(entry.record) as LoggedRequest;
          if (entry.body !== undefined) request.body = { text: entry.body, batch: entry.batch === true };
          const inputs = loggedRows(request);
          const { inputs: _inputs, body: _body, outputs, ...common } = request;
          for (let i = 0; i < outputs.length; i++) writer.log({ ...common, inputs: inputs[i], output: outputs[i] });
        } catch (error) {
          unreadable += entryRows(entry);
          port.postMessage({ kind: "warning", message: `prediction not logged: ${(error as Error).message}` });
        }
      }
      port.postMessage({ kind: "written", rows: msg.rows });
      return;
    }
    if (msg.kind === "flush") {
      try {
        writer.flush();
      } catch (error) {
        port.postMessage({ kind: "warning", message: `prediction log flush failed, will retry: ${(error as Error).message}` });
      }
      port.postMessage({ kind: "flushed", id: msg.id });
      return;
    }
    let message: string | undefined;
    try {
      writer.close();
    } catch (error) {
      message = (error as Error).message;
    }
    const dropped = writer.dropped + writer.pending + unreadable;
    try {
      registry.close();
    } catch (error) {
      message ??= (error as Error).message;
    }
    port.postMessage({ kind: "closed", dropped, message });
  });
  port.postMessage({ kind: "ready" });
}

const data = workerData as PredictionLogThreadData | undefined;
if (parentPort && data?.mlspecPredictionLog) start(parentPort, data);
