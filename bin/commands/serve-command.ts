/**
 * What `mlspec serve FILE` runs: load and warm every serve block's models,
 * listen, print `listening on http://HOST:PORT` once ready, then serve until
 * SIGTERM or SIGINT. SIGHUP looks the aliases up at once (and retries a
 * version that failed to load). Shutdown: /readyz turns 503, the server stops
 * accepting connections, in-flight requests finish, the prediction log is
 * flushed, and the process exits 0.
 */
import { startBesideServers, stopBesideServers, type BesideServer } from "../../runtime/serve/beside-server.js";
import { besideServers } from "../../runtime/serve/beside-servers.js";
import { ServeError } from "../../runtime/serve/errors.js";
import { closeServers, listenServing, type ListeningServer } from "../../runtime/serve/http-server.js";
import { loadServing } from "../../runtime/serve/load-serving.js";
import type { ServeEvent } from "../../runtime/serve/model-slot.js";
import type { ExecutorKind } from "../../runtime/serve/ort-executor.js";
import type { PredictionSinkOptions } from "../../runtime/serve/prediction-log.js";
import type { Plan } from "../../compiler/plan/schema.js";

export interface ServeCommandOptions {
  /** The spec's plan if already compiled (serve-plan.ts), so the spec is not compiled twice. */
  plan?: Plan;
  workspace?: string;
  port?: number;
  host?: string;
  executor?: ExecutorKind;
  /** Registry poll interval in ms (default 2000; 0: only on SIGHUP). */
  pollMs?: number;
  /** Do not log predictions to the workspace. */
  noPredictionLog?: boolean;
  /** Tuning of the prediction log's writer (batch sizes, the backpressure bound). */
  predictionLog?: PredictionSinkOptions;
  /** Longest shutdown waits for in-flight requests before closing their connections (default 10,000 ms). */
  graceMs?: number;
  /** The controllers run beside the server (default: besideServers(), the rollout controller and the monitor). */
  besideServers?: BesideServer[];
  /** ms since the epoch, for the controllers and feedback (default Date.now). */
  clock?: () => number;
  /** Uniform numbers in [0, 1) for routing (default Math.random). */
  random?: () => number;
}

export interface ServeCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Signals are process-wide; tests pass their own emitter. */
  signals?: NodeJS.EventEmitter;
}

function describeEvent(event: ServeEvent): string {
  switch (event.kind) {
    case "loaded":
      return `${event.serve}: loaded ${event.model} version ${event.version} (${event.role})`;
    case "swapped":
      return `${event.serve}: switched ${event.model} from version ${event.from} to ${event.to} (${event.role})`;
    case "load_failed":
      return `${event.serve}: could not load ${event.model} version ${event.version}, still serving the current one: ${event.message}`;
    case "degraded":
      return `${event.serve}: degraded: the fallback answers every request; retrying ${event.model} in ${Math.round(event.retryInMs / 1000)} s: ${event.message}`;
    case "recovered":
      return `${event.serve}: recovered: ${event.model} version ${event.version} loaded and answering (primary)`;
    case "warning":
      return `${event.serve ? `${event.serve}: ` : ""}warning: ${event.message}`;
  }
}

/** Serve until a terminating signal; resolves with the exit code. Throws ServeError for what stops it starting. */
export async function runServeCommand(file: string, options: ServeCommandOptions = {}, io?: ServeCommandIo): Promise<number> {
  const out = io?.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = io?.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const signals = io?.signals ?? process;
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) {
    throw new ServeError("BAD_PORT", `--port must be an integer from 0 to 65535, got ${options.port}`);
  }

  // a stop asked for while models load is honoured once they have (nothing is in flight yet)
  let stopAsked: string | undefined;
  const askTerm = () => (stopAsked ??= "SIGTERM");
  const askInt = () => (stopAsked ??= "SIGINT");
  signals.on("SIGTERM", askTerm);
  signals.on("SIGINT", askInt);
  const stopListeningEarly = () => {
    signals.off("SIGTERM", askTerm);
    signals.off("SIGINT", askInt);
  };
  let serving;
  try {
    serving = await loadServing(file, {
      ...(options.plan ? { plan: options.plan } : {}),
      ...(options.workspace !== undefined ? { workspace: options.workspace } : {}),
      ...(options.executor ? { executor: options.executor } : {}),
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      predictionLog: options.noPredictionLog ? false : (options.predictionLog ?? true),
      ...(options.random ? { random: options.random } : {}),
      onEvent: (event) => err(describeEvent(event)),
    });
  } catch (error) {
    stopListeningEarly();
    throw error;
  }
  if (stopAsked) {
    stopListeningEarly();
    err(`${stopAsked}: stopped before serving`);
    await serving.close();
    return 0;
  }
  let closing = false;
  let servers: ListeningServer[];
  try {
    servers = await listenServing(serving, {
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.host !== undefined ? { host: options.host } : {}),
      closing: () => closing,
      ...(options.clock ? { now: options.clock } : {}),
      onError: (error, route) => err(`error in ${route}: ${error.stack ?? error.message}`),
    });
  } catch (error) {
    stopListeningEarly();
    await serving.close();
    throw error;
  }
  for (const server of servers) {
    out(`listening on ${server.url}`);
    for (const name of server.serves) out(`  ${name}: POST ${server.url}/v1/${name}/predict`);
  }
  const log = serving.predictionLog;
  err(log === "off" ? "prediction log: off" : `prediction log: ${serving.workspace.databasePath} (${log === "thread" ? "writer thread" : "main thread"})`);
  const beside = await startBesideServers(options.besideServers ?? besideServers(), {
    db: serving.workspace.registry.db,
    plan: serving.plan,
    endpoints: new Map(serving.endpoints.map((e) => [e.name, e])),
    clock: options.clock ?? Date.now,
    log: err,
  });

  return new Promise<number>((resolve) => {
    const onHangup = () => {
      err("SIGHUP: checking the registry for new model versions");
      serving.refresh({ retryFailed: true }).catch((error: Error) => err(`refresh failed: ${error.message}`));
    };
    const shutdown = (signal: string) => {
      if (closing) {
        err(`${signal} again: closing open connections now`);
        for (const server of servers) server.app.server.closeAllConnections();
        return;
      }
      closing = true;
      err(`${signal}: finishing in-flight requests, then exiting`);
      void (async () => {
        let code = 0;
        try {
          // controllers first: none moves traffic while requests drain
          await stopBesideServers(beside, err);
          await closeServers(servers, { graceMs: options.graceMs ?? 10_000 });
          await serving.close();
        } catch (error) {
          err(`error while shutting down: ${(error as Error).message}`);
          code = 1;
        }
        signals.off("SIGHUP", onHangup);
        signals.off("SIGTERM", onTerm);
        signals.off("SIGINT", onInt);
        err("stopped");
        resolve(code);
      })();
    };
    const onTerm = () => shutdown("SIGTERM");
    const onInt = () => shutdown("SIGINT");
    signals.on("SIGHUP", onHangup);
    signals.on("SIGTERM", onTerm);
    signals.on("SIGINT", onInt);
    stopListeningEarly();
    if (stopAsked) shutdown(stopAsked);
  });
}
