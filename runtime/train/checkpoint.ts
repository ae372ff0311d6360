/**
 * Training checkpoints: everything needed to continue a run exactly where it
 * stopped, as JSON-safe data (weights and optimizer slots as base64 bytes).
 */
import { createHash } from "node:crypto";
import type { OptimizerState } from "../../stdlib/optim/optimizer-module.js";
import type { EarlyStopState } from "./early-stop.js";
import type { SerializedTensor } from "../../core/tensor-codec.js";

export const CHECKPOINT_FORMAT = "mlspec.train-checkpoint/1";

export interface EpochRecord {
  /** 0-based. */
  epoch: number;
  /** Mean training loss over the epoch's batches (penalty included). */
  loss: number;
  /** Validation loss (`loss`) and metrics by name. */
  val: Record<string, number>;
}

export type StopReason = "completed" | "early_stop" | "callback";

export interface TrainCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  /** Hash of the config (epochs aside) and the data: a checkpoint resumes only its own run. */
  fingerprint: string;
  /** Last completed epoch, 0-based. */
  epoch: number;
  /** The backend that produced it; resuming elsewhere continues but is not bit-identical. */
  backend: string;
  weights: SerializedTensor[];
  optimizer: OptimizerState;
  /** Per-epoch random streams derive from (seed, epoch), so this is the whole RNG state. */
  rng: { seed: number; nextEpoch: number };
  earlyStop: EarlyStopState | null;
  history: EpochRecord[];
  /** Set when the run ended at this epoch; resuming then trains no further. */
  stopped: Exclude<StopReason, "completed"> | null;
}

export function fingerprint(parts: { config: unknown; arrays: ArrayBufferView[] }): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify(parts.config));
  for (const a of parts.arrays) {
    hash.update(String(a.byteLength));
    hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return hash.digest("hex");
}
