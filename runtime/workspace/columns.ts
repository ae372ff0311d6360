/** Conversions between registry values and SQLite columns (JSON text, ms integers). */
import { WorkspaceError } from "./errors.js";

export type Metrics = Record<string, number>;

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoTimeOrNull(ms: number | null): string | null {
  return ms === null ? null : isoTime(ms);
}

/** Plain JSON text; `undefined` becomes null. */
export function toJsonColumn(value: unknown, what: string): string {
  try {
    return JSON.stringify(value) ?? "null";
  } catch (error) {
    throw new WorkspaceError("INVALID_JSON", `cannot store ${what} as JSON: ${(error as Error).message}`, { cause: error });
  }
}

export function fromJsonColumn<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/**
 * Metric maps. A metric can legitimately be NaN (AUC with one class, a
 * diverged loss); JSON has no NaN, so non-finite values are stored as null and
 * read back as NaN.
 */
export function metricsToColumn(metrics: Metrics, what: string): string {
  if (metrics === null || typeof metrics !== "object" || Array.isArray(metrics)) {
    throw new WorkspaceError("INVALID_METRICS", `${what} must be an object of metric name → number`);
  }
  const out: Record<string, number | null> = {};
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value !== "number") {
      throw new WorkspaceError("INVALID_METRICS", `${what}: metric "${name}" is ${typeof value}, not a number`);
    }
    out[name] = Number.isFinite(value) ? value : null;
  }
  return JSON.stringify(out);
}

export function metricsFromColumn(text: string): Metrics {
  const raw = JSON.parse(text) as Record<string, number | null>;
  const out: Metrics = {};
  for (const [name, value] of Object.entries(raw)) out[name] = value === null ? Number.NaN : value;
  return out;
}

export function requireText(value: unknown, what: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new WorkspaceError("INVALID_ARGUMENT", `${what} must be a non-empty string`);
  }
  return value;
}

export function requireInteger(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new WorkspaceError("INVALID_ARGUMENT", `${what} must be an integer, got ${String(value)}`);
  }
  return value;
}

export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (!allowed.includes(value as T)) {
    throw new WorkspaceError("INVALID_ARGUMENT", `${what} must be one of ${allowed.join(", ")}, got ${String(value)}`);
  }
  return value as T;
}

/** SQLite gives back integers as numbers; row ids may arrive as bigint. */
export function rowId(value: number | bigint): number {
  return typeof value === "bigint" ? Number(value) : value;
}
