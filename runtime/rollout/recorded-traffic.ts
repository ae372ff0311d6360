/**
 * Recorded traffic and feedback for `mlspec rollout replay` (spec/rollouts.md#replay),
 * both JSON Lines:
 *
 *   traffic:  {"at": "2026-12-01T10:00:00Z" | ms, "request_id": "r1", "input": {...},
 *              "latency_ms"?: 8, "answers"?: {"current": 0.31, "candidate": 0.72}}
 *   feedback: {"request_id": "r1" | "key": {...}, "outcome": true, "at"?: time received}
 *
 * `answers` are scores recorded for a slot (from a shadow period, say); a slot
 * without one is scored by its registered model.
 */
import { readFileSync } from "node:fs";

export class RecordingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RecordingError";
  }
}

export interface RecordedRequest {
  at: number;
  requestId: string;
  input: Record<string, unknown>;
  latencyMs: number;
  answers: Record<string, number>;
}

export interface RecordedFeedback {
  requestId?: string;
  key?: Record<string, unknown>;
  outcome: unknown;
  /** When the outcome became known; default: when its request was made */
  at?: number;
}

function time(value: unknown, where: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") {
    const t = Date.parse(value);
    if (!Number.isNaN(t)) return t;
  }
  throw new RecordingError(`${where}: \`at\` must be an ISO time or ms since the epoch, got ${JSON.stringify(value)}`);
}

function lines(file: string): { value: unknown; where: string }[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new RecordingError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
  const out: { value: unknown; where: string }[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const where = `${file}:${i + 1}`;
    try {
      out.push({ value: JSON.parse(line), where });
    } catch {
      throw new RecordingError(`${where}: not valid JSON`);
    }
  });
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function readTraffic(file: string): RecordedRequest[] {
  const out = lines(file).map(({ value, where }, i): RecordedRequest => {
    if (!isRecord(value)) throw new RecordingError(`${where}: each line is an object {at, request_id, input}`);
    if (!isRecord(value.input)) throw new RecordingError(`${where}: \`input\` must be an object of request fields`);
    const answers: Record<string, number> = {};
    if (value.answers !== undefined) {
      if (!isRecord(value.answers)) throw new RecordingError(`${where}: \`answers\` must map slots to scores`);
      for (const [slot, score] of Object.entries(value.answers)) {
        if (typeof score !== "number") throw new RecordingError(`${where}: the answer of ${slot} must be a number`);
        answers[slot] = score;
      }
    }
    const latency = value.latency_ms ?? 0;
    if (typeof latency !== "number" || !(latency >= 0)) throw new RecordingError(`${where}: \`latency_ms\` must be a number ≥ 0`);
    return { at: time(value.at, where), requestId: typeof value.request_id === "string" ? value.request_id : `line-${i + 1}`, input: value.input, latencyMs: latency, answers };
  });
  if (out.length === 0) throw new RecordingError(`${file} has no requests`);
  return out.sort((a, b) => a.at - b.at);
}

export function readFeedback(file: string): RecordedFeedback[] {
  return lines(file).map(({ value, where }) => {
    if (!isRecord(value) || !("outcome" in value)) throw new RecordingError(`${where}: each line is {request_id or key, outcome}`);
    if (typeof value.request_id !== "string" && !isRecord(value.key)) throw new RecordingError(`${where}: name the prediction with \`request_id\` or \`key\``);
    return {
      ...(typeof value.request_id === "string" ? { requestId: value.request_id } : {}),
      ...(isRecord(value.key) ? { key: value.key } : {}),
      outcome: value.outcome,
      ...(value.at !== undefined ? { at: time(value.at, where) } : {}),
    };
  });
}
