/**
 * What a trial is, as samplers and pruners see it. Kept apart from the study so
 * that strategies depend on data, never on the study loop.
 */
import type { Assignment } from "./space.js";

export type Direction = "minimize" | "maximize";

export type TrialState = "running" | "complete" | "pruned" | "failed";

export interface IntermediateValue {
  step: number;
  /** NaN when the objective reported a non-finite value (for example a diverged loss). */
  value: number;
}

export interface FrozenTrial {
  readonly number: number;
  readonly state: TrialState;
  readonly params: Assignment;
  /** Sorted by step, steps strictly increasing. */
  readonly intermediate: readonly IntermediateValue[];
  /** Objective value of a complete trial; last finite intermediate value of a pruned one; else null. */
  readonly value: number | null;
  /** Why a trial failed or was pruned; null otherwise. */
  readonly reason: string | null;
  /** Wall time from ask to tell; null while running. */
  readonly durationSeconds: number | null;
}

/** Everything a strategy may look at: all trials so far (running ones included), in number order. */
export interface StudyHistory {
  readonly direction: Direction;
  readonly trials: readonly FrozenTrial[];
}

/** True when `a` is strictly better than `b` for this direction. */
export function isBetter(direction: Direction, a: number, b: number): boolean {
  return direction === "minimize" ? a < b : a > b;
}

/** Best of a trial's finite intermediate values, NaN if there is none. */
export function bestIntermediate(trial: FrozenTrial, direction: Direction): number {
  let best = Number.NaN;
  for (const { value } of trial.intermediate) {
    if (Number.isNaN(value)) continue;
    if (Number.isNaN(best) || isBetter(direction, value, best)) best = value;
  }
  return best;
}

/** The intermediate value reported exactly at `step`, or undefined. */
export function intermediateAt(trial: FrozenTrial, step: number): number | undefined {
  const list = trial.intermediate;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = list[mid]!.step;
    if (s === step) return list[mid]!.value;
    if (s < step) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}
