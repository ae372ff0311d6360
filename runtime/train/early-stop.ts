/**
 * Early stopping as a small state machine; its state is plain data so that a
 * checkpoint carries it and a resumed run stops where the original would.
 */
import type { SerializedTensor } from "../../core/tensor-codec.js";

export interface EarlyStopState {
  best: number | null;
  bestEpoch: number | null;
  /** Epochs since the last improvement. */
  wait: number;
  /** Weights of the best epoch, when the best weights are to be restored. */
  bestWeights: SerializedTensor[] | null;
}

export interface EarlyStopRule {
  mode: "max" | "min";
  patience: number;
  minDelta: number;
}

export function initialEarlyStop(): EarlyStopState {
  return { best: null, bestEpoch: null, wait: 0, bestWeights: null };
}

/** Whether `value` beats the best so far; NaN never does. */
export function improves(rule: EarlyStopRule, state: EarlyStopState, value: number): boolean {
  if (Number.isNaN(value)) return false;
  if (state.best === null) return true;
  return rule.mode === "max" ? value > state.best + rule.minDelta : value < state.best - rule.minDelta;
}

/**
 * The state after an epoch that scored `value`, and whether to stop.
 * `snapshot` is called only on improvement.
 */
export function observeEpoch(
  rule: EarlyStopRule,
  state: EarlyStopState,
  epoch: number,
  value: number,
  snapshot: (() => SerializedTensor[]) | null,
): { state: EarlyStopState; stop: boolean } {
  if (improves(rule, state, value)) {
    return { state: { best: value, bestEpoch: epoch, wait: 0, bestWeights: snapshot ? snapshot() : null }, stop: false };
  }
  const wait = state.wait + 1;
  return { state: { ...state, wait }, stop: wait >= rule.patience };
}
