/**
 * The controllers `mlspec serve` runs beside the server (rollouts, monitors),
 * made fresh per serve. Kept apart from the BesideServer interface so that a
 * controller can implement it without importing the list that names it.
 *
 * The two are joined here: a retraining of the monitor that registers a
 * challenger calls the rollout controller at once, which starts the rollout
 * whose candidate it is (spec/rollouts.md#the-loop).
 */
import { MonitorController, type MonitorControllerOptions } from "../monitor/monitor-controller.js";
import { RolloutServer, type RolloutServerOptions } from "../rollout/rollout-server.js";
import type { BesideServer } from "./beside-server.js";

export interface BesideServersOptions {
  rollouts?: RolloutServerOptions;
  /** The monitor's options; its retraining's challenger hook is the rollout controller's. */
  monitor?: Omit<MonitorControllerOptions, "retrain"> & { retrain?: Omit<NonNullable<MonitorControllerOptions["retrain"]>, "onChallenger"> };
}

export function besideServers(options: BesideServersOptions = {}): BesideServer[] {
  const rollouts = new RolloutServer(options.rollouts);
  const monitor = new MonitorController({
    ...options.monitor,
    retrain: { ...options.monitor?.retrain, onChallenger: (event) => rollouts.challengerRegistered(event) },
  });
  return [rollouts, monitor];
}
