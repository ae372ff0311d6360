/**
 * Trials as plain JSON, for saving a study after each trial and resuming it
 * later. JSON has no NaN, so non-finite intermediate values are stored as null.
 */
import { z } from "zod";
import { StudyError } from "../../core/search/errors.js";
import { checkAssignment, type Assignment, type JsonValue, type SearchSpace } from "../../core/search/space.js";
import type { FrozenTrial, TrialState } from "../../core/search/trial.js";

export interface TrialRecord {
  number: number;
  state: TrialState;
  params: Record<string, JsonValue>;
  intermediate: Array<{ step: number; value: number | null }>;
  value: number | null;
  reason: string | null;
  durationSeconds: number | null;
}

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

const trialRecordSchema = z.object({
  number: z.number().int().min(0),
  state: z.enum(["running", "complete", "pruned", "failed"]),
  params: z.record(z.string(), jsonValue),
  intermediate: z.array(z.object({ step: z.number().int().min(0), value: z.number().nullable() })).default([]),
  value: z.number().nullable().default(null),
  reason: z.string().nullable().default(null),
  durationSeconds: z.number().min(0).nullable().default(null),
});

export function toTrialRecord(trial: FrozenTrial): TrialRecord {
  return {
    number: trial.number,
    state: trial.state,
    params: structuredClone(trial.params),
    intermediate: trial.intermediate.map(({ step, value }) => ({ step, value: Number.isFinite(value) ? value : null })),
    value: trial.value,
    reason: trial.reason,
    durationSeconds: trial.durationSeconds,
  };
}

/**
 * Checks recorded trials against the schema and the search space and turns them
 * into frozen trials, sorted by number. Trials recorded as running were
 * interrupted: they are left out (see `parseRecordedTrials` to re-run them).
 */
export function parseTrialRecords(raw: unknown, space: SearchSpace): FrozenTrial[] {
  return parseRecordedTrials(raw, space).finished;
}

/** A trial that was running when its study stopped: re-run with its number and parameters. */
export interface InterruptedTrial {
  number: number;
  params: Assignment;
}

/** Finished trials (sorted by number) and the interrupted ones, by number. */
export function parseRecordedTrials(raw: unknown, space: SearchSpace): { finished: FrozenTrial[]; interrupted: InterruptedTrial[] } {
  if (!Array.isArray(raw)) throw new StudyError("recorded trials must be a list");
  const trials: FrozenTrial[] = [];
  const interrupted: InterruptedTrial[] = [];
  const numbers = new Set<number>();
  raw.forEach((entry, index) => {
    const parsed = trialRecordSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const at = issue.path.length > 0 ? ` at "${issue.path.join(".")}"` : "";
      throw new StudyError(`recorded trial #${index + 1} is malformed${at}: ${issue.message}`);
    }
    const record = parsed.data;
    const what = `recorded trial ${record.number}`;
    if (numbers.has(record.number)) throw new StudyError(`${what} appears twice`);
    numbers.add(record.number);
    if (record.state === "complete" && (record.value === null || !Number.isFinite(record.value))) {
      throw new StudyError(`${what} is complete but has no finite value`);
    }
    for (let i = 1; i < record.intermediate.length; i++) {
      if (record.intermediate[i]!.step <= record.intermediate[i - 1]!.step) {
        throw new StudyError(`${what}: intermediate steps must increase`);
      }
    }
    try {
      checkAssignment(space, record.params, what);
    } catch (error) {
      throw new StudyError(`${(error as Error).message} (did the search space change since it was recorded?)`);
    }
    if (record.state === "running") {
      interrupted.push({ number: record.number, params: record.params as Assignment });
      return;
    }
    trials.push({
      number: record.number,
      state: record.state,
      params: record.params as Assignment,
      intermediate: record.intermediate.map(({ step, value }) => ({ step, value: value ?? Number.NaN })),
      value: record.value,
      reason: record.reason,
      durationSeconds: record.durationSeconds,
    });
  });
  return { finished: trials.sort((a, b) => a.number - b.number), interrupted: interrupted.sort((a, b) => a.number - b.number) };
}
