/**
 * A study: the loop that asks a sampler for parameters, runs the objective, lets a
 * pruner stop unpromising trials and records the outcome. It knows the Sampler
 * and Pruner interfaces only, never a particular strategy.
 *
 * Determinism: trial n draws from its own generator, derived from (seed, n), and
 * the sampler sees every trial before it. With parallel = 1 the sequence of
 * trials is therefore a function of the seed and the objective alone, and a
 * study resumed from its recorded trials continues exactly where it stopped.
 */
import { Rng } from "../../core/rng.js";
import { StudyError } from "../../core/search/errors.js";
import type { Pruner } from "../../stdlib/pruners/pruner-module.js";
import type { Sampler } from "../../stdlib/samplers/sampler-module.js";
import { validateSearchSpace, type Assignment, type SearchSpace } from "../../core/search/space.js";
import { parseRecordedTrials, toTrialRecord, type InterruptedTrial, type TrialRecord } from "./trial-record.js";
import { isBetter, type Direction, type FrozenTrial, type IntermediateValue, type StudyHistory, type TrialState } from "../../core/search/trial.js";

export interface StudyOptions {
  /** The search space; validated (plan JSON is accepted as is). */
  space: SearchSpace;
  direction: Direction;
  sampler: Sampler;
  pruner?: Pruner | null;
  seed: number;
  /** Total trials, resumed ones included. */
  maxTrials?: number;
  /** No trial starts once this many seconds have passed since the study was created; running ones finish. */
  timeoutSeconds?: number;
  /**
   * Trials recorded by an earlier run (`Study.toRecords()`, through JSON), to resume from.
   * Those recorded as running are re-run first, with their numbers and parameters.
   */
  trials?: readonly unknown[];
  /** Monotonic clock in milliseconds; tests replace it. */
  now?: () => number;
}

/** What the objective gets for one trial. */
export interface TrialHandle {
  readonly number: number;
  readonly params: Readonly<Assignment>;
  /**
   * Records an intermediate value (steps strictly increasing) and returns true when
   * the trial should stop. Once it has returned true the trial ends as pruned,
   * whatever the objective returns.
   */
  report(step: number, value: number): boolean;
  /** True once a report asked the trial to stop. */
  readonly shouldPrune: boolean;
}

export type Objective = (trial: TrialHandle) => Promise<number> | number;

/** Throw from an objective to end its trial as pruned. */
export class TrialPruned extends Error {
  constructor(message = "pruned by the objective") {
    super(message);
    this.name = "TrialPruned";
  }
}

export type TrialOutcome =
  | number
  | { state: "complete"; value: number }
  | { state: "pruned"; reason?: string }
  | { state: "failed"; reason: string };

export interface OptimizeOptions {
  /** Objective calls in flight at once. Default 1. */
  parallel?: number;
  /** Called after each trial finishes, e.g. to save `study.toRecords()` for resuming. */
  onTrialFinished?: (trial: FrozenTrial, study: Study) => void | Promise<void>;
  /** Stop starting trials once aborted; running ones finish. */
  signal?: AbortSignal;
}

interface LiveTrial {
  number: number;
  state: TrialState;
  params: Assignment;
  intermediate: IntermediateValue[];
  value: number | null;
  reason: string | null;
  durationSeconds: number | null;
  startedAt: number;
  pruneReason: string | null;
}

/** The generator trial `number` samples with: independent of how many draws earlier trials made. */
export function trialRng(seed: number, number: number): Rng {
  return new Rng(seed).fork(number);
}

export class Study {
  readonly space: SearchSpace;
  readonly direction: Direction;
  readonly sampler: Sampler;
  readonly pruner: Pruner | null;
  readonly seed: number;
  readonly maxTrials: number | null;
  readonly timeoutSeconds: number | null;
  private readonly now: () => number;
  private readonly createdAt: number;
  private readonly list: (LiveTrial | FrozenTrial)[];
  private readonly byNumber = new Map<number, LiveTrial>();
  /** Trials an earlier run started and never finished, to be asked again before any new one. */
  private readonly interrupted: InterruptedTrial[];
  private nextNumber: number;
  readonly history: StudyHistory;

  constructor(options: StudyOptions) {
    this.space = validateSearchSpace(options.space);
    if (options.direction !== "minimize" && options.direction !== "maximize") {
      throw new StudyError(`a study's direction must be "minimize" or "maximize" (got ${JSON.stringify(options.direction)})`);
    }
    this.direction = options.direction;
    this.sampler = options.sampler;
    this.pruner = options.pruner ?? null;
    if (!Number.isInteger(options.seed)) throw new StudyError(`a study's seed must be a whole number (got ${options.seed})`);
    this.seed = options.seed;
    this.maxTrials = options.maxTrials ?? null;
    this.timeoutSeconds = options.timeoutSeconds ?? null;
    if (this.maxTrials !== null && (!Number.isInteger(this.maxTrials) || this.maxTrials < 1)) {
      throw new StudyError(`maxTrials must be a whole number >= 1 (got ${this.maxTrials})`);
    }
    if (this.timeoutSeconds !== null && !(this.timeoutSeconds > 0)) {
      throw new StudyError(`timeoutSeconds must be above 0 (got ${this.timeoutSeconds})`);
    }
    if (this.maxTrials === null && this.timeoutSeconds === null && !this.sampler.isExhausted) {
      throw new StudyError(`a study needs a budget: maxTrials, timeoutSeconds, or both (the ${this.sampler.name} sampler never runs out)`);
    }
    this.now = options.now ?? (() => performance.now());
    this.createdAt = this.now();
    const recorded = options.trials ? parseRecordedTrials(options.trials, this.space) : { finished: [], interrupted: [] };
    this.list = recorded.finished;
    this.interrupted = recorded.interrupted;
    const numbers = [...this.list, ...this.interrupted].map((t) => t.number);
    this.nextNumber = numbers.length > 0 ? Math.max(...numbers) + 1 : 0;
    this.history = { direction: this.direction, trials: this.list };
  }

  /** Every trial so far, running ones included, in number order. */
  get trials(): readonly FrozenTrial[] {
    return this.list;
  }

  elapsedSeconds(): number {
    return (this.now() - this.createdAt) / 1000;
  }

  /** May another trial start? (trials left, time left, sampler not exhausted) */
  hasBudget(): boolean {
    return this.budgetSpentBecause() === null;
  }

  private budgetSpentBecause(): string | null {
    // an interrupted trial was started within the budget: it finishes whatever the budget says now
    if (this.interrupted.length > 0) return null;
    if (this.maxTrials !== null && this.list.length >= this.maxTrials) return `all ${this.maxTrials} trials have been started`;
    if (this.timeoutSeconds !== null && this.elapsedSeconds() >= this.timeoutSeconds) return `its ${this.timeoutSeconds} s of wall time are spent`;
    if (this.sampler.isExhausted?.(this.space, this.history)) return `the ${this.sampler.name} sampler has tried every point`;
    return null;
  }

  /** Starts the next trial with the sampler's parameters. */
  ask(): TrialHandle {
    const spent = this.budgetSpentBecause();
    if (spent !== null) throw new StudyError(`cannot start another trial: ${spent}`);
    const again = this.interrupted.shift();
    const number = again ? again.number : this.nextNumber++;
    const params = again ? structuredClone(again.params) : this.sampler.sample(this.space, this.history, trialRng(this.seed, number));
    const trial: LiveTrial = {
      number,
      state: "running",
      params,
      intermediate: [],
      value: null,
      reason: null,
      durationSeconds: null,
      startedAt: this.now(),
      pruneReason: null,
    };
    // kept in number order: a re-run trial may come before finished ones
    let at = this.list.length;
    while (at > 0 && this.list[at - 1]!.number > number) at--;
    this.list.splice(at, 0, trial);
    this.byNumber.set(number, trial);
    const report = (step: number, value: number) => this.report(number, step, value);
    return {
      number,
      params: structuredClone(params),
      report,
      get shouldPrune() {
        return trial.pruneReason !== null;
      },
    };
  }

  /** Records an intermediate value of a running trial; true when it should stop. */
  report(number: number, step: number, value: number): boolean {
    const trial = this.running(number, "report to");
    if (!Number.isInteger(step) || step < 0) throw new StudyError(`trial ${number}: step must be a whole number >= 0 (got ${step})`);
    const last = trial.intermediate[trial.intermediate.length - 1];
    if (last && step <= last.step) throw new StudyError(`trial ${number}: steps must increase (step ${step} reported after step ${last.step})`);
    if (typeof value !== "number") throw new StudyError(`trial ${number}: reported value must be a number (got ${typeof value})`);
    const recorded = Number.isFinite(value) ? value : Number.NaN;
    trial.intermediate.push({ step, value: recorded });
    if (trial.pruneReason !== null) return true;
    if (!this.pruner) return false;
    if (this.pruner.shouldPrune(trial, step, recorded, this.history)) {
      trial.pruneReason = `pruned at step ${step} by the ${this.pruner.name} pruner`;
      return true;
    }
    return false;
  }

  /**
   * Finishes a running trial. A number is its objective value; NaN or ±Infinity
   * fails the trial (it cannot be ranked). A trial a pruner stopped is pruned
   * whatever the outcome says, unless it failed.
   */
  tell(number: number, outcome: TrialOutcome): FrozenTrial {
    const trial = this.running(number, "finish");
    const result = typeof outcome === "number" ? ({ state: "complete", value: outcome } as const) : outcome;
    if (result.state === "failed") {
      this.finish(trial, "failed", null, result.reason);
    } else if (trial.pruneReason !== null || result.state === "pruned") {
      const reason = trial.pruneReason ?? (result.state === "pruned" ? result.reason : undefined) ?? "pruned";
      this.finish(trial, "pruned", lastFiniteIntermediate(trial), reason);
    } else if (typeof result.value !== "number" || !Number.isFinite(result.value)) {
      this.finish(trial, "failed", null, `objective returned ${String(result.value)}, not a finite number`);
    } else {
      this.finish(trial, "complete", result.value, null);
    }
    return this.freeze(trial);
  }

  /** The best complete trial (earliest on ties), or null. */
  best(): FrozenTrial | null {
    let best: FrozenTrial | null = null;
    for (const trial of this.list) {
      if (trial.state !== "complete") continue;
      if (best === null || isBetter(this.direction, trial.value!, best.value!)) best = trial;
    }
    return best === null ? null : this.freeze(best);
  }

  /** Every trial as JSON-ready records (what `trials` in StudyOptions takes back). */
  toRecords(): TrialRecord[] {
    return this.list.map(toTrialRecord);
  }

  /** Runs trials until the budget is spent, up to `parallel` objective calls at once. */
  async optimize(objective: Objective, options: OptimizeOptions = {}): Promise<this> {
    const parallel = options.parallel ?? 1;
    if (!Number.isInteger(parallel) || parallel < 1) throw new StudyError(`parallel must be a whole number >= 1 (got ${parallel})`);
    const inFlight = new Set<Promise<void>>();
    let firstError: { error: unknown } | null = null;
    for (;;) {
      while (firstError === null && inFlight.size < parallel && !options.signal?.aborted && this.hasBudget()) {
        const handle = this.ask();
        const task: Promise<void> = this.runTrial(handle, objective, options)
          .catch((error: unknown) => {
            firstError ??= { error };
          })
          .finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
    }
    if (firstError !== null) throw (firstError as { error: unknown }).error;
    return this;
  }

  private async runTrial(handle: TrialHandle, objective: Objective, options: OptimizeOptions): Promise<void> {
    let outcome: TrialOutcome;
    try {
      const value = await objective(handle);
      outcome = typeof value === "number" ? value : { state: "failed", reason: `objective returned ${describe(value)}, not a number` };
    } catch (error) {
      outcome = error instanceof TrialPruned ? { state: "pruned", reason: error.message } : { state: "failed", reason: errorMessage(error) };
    }
    const frozen = this.tell(handle.number, outcome);
    if (options.onTrialFinished) await options.onTrialFinished(frozen, this);
  }

  private running(number: number, verb: string): LiveTrial {
    const trial = this.byNumber.get(number);
    if (!trial) throw new StudyError(`cannot ${verb} trial ${number}: no such running trial`);
    if (trial.state !== "running") throw new StudyError(`cannot ${verb} trial ${number}: it is already ${trial.state}`);
    return trial;
  }

  private finish(trial: LiveTrial, state: TrialState, value: number | null, reason: string | null): void {
    trial.state = state;
    trial.value = value;
    trial.reason = reason;
    trial.durationSeconds = Math.max(0, (this.now() - trial.startedAt) / 1000);
  }

  private freeze(trial: FrozenTrial): FrozenTrial {
    return {
      number: trial.number,
      state: trial.state,
      params: structuredClone(trial.params),
      intermediate: trial.intermediate.map((iv) => ({ ...iv })),
      value: trial.value,
      reason: trial.reason,
      durationSeconds: trial.durationSeconds,
    };
  }
}

/** Creates a study and runs it to the end of its budget. */
export async function runStudy(options: StudyOptions, objective: Objective, runOptions: OptimizeOptions = {}): Promise<Study> {
  return new Study(options).optimize(objective, runOptions);
}

function lastFiniteIntermediate(trial: FrozenTrial): number | null {
  for (let i = trial.intermediate.length - 1; i >= 0; i--) {
    const v = trial.intermediate[i]!.value;
    if (Number.isFinite(v)) return v;
  }
  return null;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return `objective threw ${describe(error)}`;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "a list" : "an object";
}
