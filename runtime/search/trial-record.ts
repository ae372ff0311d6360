/**
 * Trials as plain JSON, for saving a study after each trial and resuming it
 * later. JSON has no NaN, so non-finite intermediate values are stored as null.
 */
import { z } from "zod";
import { StudyError } from "./errors.js";
import { checkAssignment, type Assignment, type JsonValue, type SearchSpace } from "./space.js";
import type { FrozenTrial, TrialState } from "./trial.js";

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
 * interrupted: they are dropped, so the resumed study runs them again.
 */
export function parseTrialRecords(raw: unknown, space: SearchSpace): FrozenTrial[] {
  if (!Array.isArray(raw)) throw new StudyError("recorded trials must be a list");
  const trials: FrozenTrial[] = [];
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
    if (record.state === "running") return;
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
  return trials.sort((a, b) => a.number - b.number);
}
