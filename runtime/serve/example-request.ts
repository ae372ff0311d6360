/**
 * An example request row, for `GET /v1/<serve>/model` and for warming a model
 * before it takes traffic. It is synthetic and typical: built from the
 * training data's profile where the workspace holds one (a number's exact
 * median, at full precision; a category's most frequent value), otherwise from the
 * contract alone (the middle of a range, the first enum value). No value is
 * copied from a row: a string or `unique` column gets a placeholder, and a
 * timestamp the median instant, not a row's. Always a row the request
 * validator accepts (serve-endpoint.ts checks it, and falls back to the
 * contract where a profile is at odds with it).
 */
import type { DatasetProfile } from "../data/profile.js";
import type { Workspace } from "../workspace/workspace.js";
import type { RequestColumn, RequestRow } from "./request-schema.js";

export type ExampleSource = "profile" | "contract";

/** What a string column's example holds: a placeholder, never a value from the data. */
export const STRING_PLACEHOLDER = "example";

interface Bounds {
  min?: number;
  max?: number;
}

function clamp(value: number, bounds: Bounds): number {
  let v = value;
  if (bounds.min !== undefined && v < bounds.min) v = bounds.min;
  if (bounds.max !== undefined && v > bounds.max) v = bounds.max;
  return v;
}

/** The integer inside `bounds` nearest to `value`; undefined when they hold none. */
function clampInteger(value: number, bounds: Bounds): number | undefined {
  const lo = bounds.min === undefined ? undefined : Math.ceil(bounds.min);
  const hi = bounds.max === undefined ? undefined : Math.floor(bounds.max);
  if (lo !== undefined && hi !== undefined && lo > hi) return undefined;
  return clamp(Math.round(value), { ...(lo !== undefined ? { min: lo } : {}), ...(hi !== undefined ? { max: hi } : {}) });
}

/** The training data's [min, max] inside the contract's range; the contract's alone where they do not meet. */
function intersect(range: RequestColumn["range"], profile: ColumnProfile): Bounds {
  const contract: Bounds = { ...(range?.min !== undefined ? { min: range.min } : {}), ...(range?.max !== undefined ? { max: range.max } : {}) };
  const bounds = { ...contract };
  if (typeof profile.min === "number") bounds.min = Math.max(bounds.min ?? -Infinity, profile.min);
  if (typeof profile.max === "number") bounds.max = Math.min(bounds.max ?? Infinity, profile.max);
  return bounds.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max ? contract : bounds;
}

function fromContract(column: RequestColumn): unknown {
  const { range } = column;
  switch (column.type.kind) {
    case "int":
    case "float": {
      const lo = range?.min;
      const hi = range?.max;
      const middle = lo !== undefined && hi !== undefined ? (lo + hi) / 2 : (lo ?? hi ?? 0);
      // a range that holds no integer: no valid value exists, and the validator will say so
      return column.type.kind === "int" ? (clampInteger(middle, range ?? {}) ?? Math.round(middle)) : middle;
    }
    case "bool":
      return false;
    case "enum":
      return column.type.values[0];
    case "string":
      return STRING_PLACEHOLDER;
    case "timestamp":
      return "2024-01-01T00:00:00Z";
  }
}

type ColumnProfile = DatasetProfile["columns"][number];

function mostFrequent(profile: ColumnProfile): string | undefined {
  const h = profile.histogram;
  if (h.kind !== "categorical" || h.values.length === 0) return undefined;
  let best = 0;
  for (let i = 1; i < h.values.length; i++) if (h.counts[i]! > h.counts[best]!) best = i;
  return h.counts[best]! > 0 ? h.values[best] : undefined;
}

/**
 * The median of a numeric histogram: the value below which half of the
 * profiled values lie, interpolated linearly inside the bin that holds the
 * middle. Only for profiles stored before they kept the exact median; the
 * histogram is over the training data's [min, max], so this lies inside it.
 */
export function histogramMedian(profile: ColumnProfile): number | undefined {
  const h = profile.histogram;
  if (h.kind !== "numeric" || h.counts.length === 0 || h.edges.length !== h.counts.length + 1) return undefined;
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return undefined;
  const half = total / 2;
  let below = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const n = h.counts[i]!;
    if (n > 0 && below + n >= half) {
      const lo = h.edges[i]!;
      const hi = h.edges[i + 1]!;
      const median = lo + ((half - below) / n) * (hi - lo);
      return Number.isFinite(median) ? median : undefined;
    }
    below += n;
  }
  return undefined;
}

function fromProfile(column: RequestColumn, profile: ColumnProfile | undefined): unknown {
  if (!profile) return undefined;
  // a unique column's typical value is nobody's: the median of ids could be a real one
  if (column.unique && column.type.kind !== "enum" && column.type.kind !== "bool") return undefined;
  switch (column.type.kind) {
    case "int":
    case "float": {
      const median = (typeof profile.median === "number" ? profile.median : undefined) ?? histogramMedian(profile) ?? profile.mean ?? undefined;
      if (median === undefined) return undefined;
      const bounds = intersect(column.range, profile);
      return column.type.kind === "int" ? (clampInteger(median, bounds) ?? clampInteger(median, column.range ?? {})) : clamp(median, bounds);
    }
    case "bool": {
      const top = mostFrequent(profile);
      return top === undefined ? undefined : top === "true";
    }
    case "enum": {
      const top = mostFrequent(profile);
      return top !== undefined && column.type.values.includes(top) ? top : undefined;
    }
    case "string":
      return undefined; // free text or an id: a placeholder, never a value from the data
    case "timestamp": {
      const exact = typeof profile.median === "string" ? Date.parse(profile.median) : NaN;
      const median = Number.isFinite(exact) ? exact : histogramMedian(profile);
      if (median === undefined) return undefined;
      const lo = typeof profile.min === "string" ? Date.parse(profile.min) : NaN;
      const hi = typeof profile.max === "string" ? Date.parse(profile.max) : NaN;
      const ms = Math.round(clamp(median, { ...(Number.isFinite(lo) ? { min: lo } : {}), ...(Number.isFinite(hi) ? { max: hi } : {}) }));
      const date = new Date(ms);
      return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
    }
  }
}

/** One row holding every request column: typical values from `profile` where it has them. */
export function exampleRow(columns: RequestColumn[], target: string | undefined, profile?: DatasetProfile): { row: RequestRow; source: ExampleSource } {
  const byName = new Map((profile?.columns ?? []).map((c) => [c.name, c]));
  const row: RequestRow = {};
  let fromData = 0;
  for (const column of columns) {
    if (column.name === target) continue;
    const typical = fromProfile(column, byName.get(column.name));
    if (typical !== undefined) fromData++;
    row[column.name] = typical ?? fromContract(column);
  }
  return { row, source: fromData > 0 ? "profile" : "contract" };
}

function isProfile(value: unknown): value is DatasetProfile {
  const p = value as DatasetProfile | null;
  return p !== null && typeof p === "object" && p.format === "mlspec-profile-v1" && Array.isArray(p.columns);
}

/**
 * The newest stored profile of `dataset`: an artifact whose metadata is
 * `{kind: "profile", dataset}`; one of the training split (`part: "train"`)
 * is preferred. Undefined when there is none or it cannot be read.
 */
export function findDatasetProfile(workspace: Workspace, dataset: string): DatasetProfile | undefined {
  let rows: { sha256: string }[];
  try {
    rows = workspace.registry.db
      .prepare(
        `SELECT sha256 FROM artifacts
         WHERE json_extract(meta, '$.kind') = 'profile' AND json_extract(meta, '$.dataset') = ?
         ORDER BY (json_extract(meta, '$.part') = 'train') DESC, created_at DESC LIMIT 1`,
      )
      .all(dataset) as { sha256: string }[];
  } catch {
    return undefined;
  }
  for (const { sha256 } of rows) {
    try {
      const value = workspace.artifacts.getJson(sha256);
      if (isProfile(value)) return value;
    } catch {
      /* a missing or corrupt profile only costs the example its typical values */
    }
  }
  return undefined;
}
