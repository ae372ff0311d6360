/**
 * Long-running controllers that run beside `mlspec serve`: the rollout
 * controller, the monitor. Each is started after the server listens and
 * stopped on SIGTERM before in-flight requests drain, so that none moves
 * traffic while the server shuts down. A controller registers by being listed
 * once in `besideServers()` (beside-servers.ts).
 */
import type { Plan } from "../../compiler/plan/schema.js";
import type { SqliteDatabase } from "../workspace/db.js";
import type { ServeEndpoint } from "./serve-endpoint.js";

export interface BesideServerContext {
  /** The workspace's registry database (state, leases, the prediction log, feedback). */
  db: SqliteDatabase;
  plan: Plan;
  /** Each served serve block's endpoint by name: its router, `setSlot`, metrics registry. */
  endpoints: Map<string, ServeEndpoint>;
  /** ms since the epoch */
  clock: () => number;
  /** One line for the operator (stderr). */
  log: (line: string) => void;
}

export interface BesideServer {
  name: string;
  /** Resolves once started (its loop runs on after); a rejection is logged and the server serves on without it. */
  start(ctx: BesideServerContext): Promise<void>;
  /** Stop and resolve once it no longer acts. */
  stop(): Promise<void>;
}

/** Start each; one that fails to start is logged and left out. Returns the started ones. */
export async function startBesideServers(servers: readonly BesideServer[], ctx: BesideServerContext): Promise<BesideServer[]> {
  const started: BesideServer[] = [];
  for (const server of servers) {
    try {
      await server.start(ctx);
      started.push(server);
    } catch (error) {
      ctx.log(`${server.name}: did not start: ${(error as Error).message}`);
    }
  }
  return started;
}

/** Stop each (in reverse start order); failures are logged, never thrown. */
export async function stopBesideServers(servers: readonly BesideServer[], log: (line: string) => void): Promise<void> {
  for (const server of [...servers].reverse()) {
    try {
      await server.stop();
    } catch (error) {
      log(`${server.name}: error while stopping: ${(error as Error).message}`);
    }
  }
}
