/**
 * The controllers `mlspec serve` runs beside the server (rollouts, monitors):
 * one line each. Kept apart from the BesideServer interface so that a
 * controller can implement it without importing the list that names it.
 */
import { MonitorController } from "../monitor/monitor-controller.js";
import { RolloutServer } from "../rollout/rollout-server.js";
import type { BesideServerFactory } from "./beside-server.js";

export const BESIDE_SERVERS: readonly BesideServerFactory[] = [() => new RolloutServer(), () => new MonitorController()];
