/**
 * An example request row, for `GET /v1/<serve>/model` and for warming a model
 * before it takes traffic. Built from the training data's profile where the
 * workspace holds one (the mean of a number, the most frequent value of a
 * category), otherwise from the contract alone (the middle of a range, the
 * first enum value). Always a row the request validator accepts.
 */
import type { DatasetProfile } from "../data/profile.js";
import type { Workspace } from "../workspace/workspace.js";
import type { RequestColumn, RequestRow } from "./request-schema.js";

export type ExampleSource = "profile" | "contract";

function clamp(value: number, range: RequestColumn["range"]): number {
  let v = value;
  if (range?.min !== undefined && v < range.min) v = range.min;
  if (range?.max !== undefined && v > range.max) v = range.max;
  return v;
}

function fromContract(column: RequestColumn): unknown {
  const { range } = column;
  switch (column.type.kind) {
    case "int":
    case "float": {
      const lo = range?.min;
      const hi = range?.max;
      const middle = lo !== undefined && hi !== undefined ? (lo + hi) / 2 : (lo ?? hi ?? 0);
      return column.type.kind === "int" ? Math.round(clamp(Math.round(middle), range)) : middle;
    }
    case "bool":
      return false;
    case "enum":
      return column.type.values[0];
    case "string":
      return "example";
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

function fromProfile(column: RequestColumn, profile: ColumnProfile | undefined): unknown {
  if (!profile) return undefined;
  switch (column.type.kind) {
    case "int":
      return profile.mean === null ? undefined : clamp(Math.round(profile.mean), column.range);
    case "float":
      return profile.mean === null ? undefined : clamp(Math.round(profile.mean * 100) / 100, column.range);
    case "bool": {
      const top = mostFrequent(profile);
      return top === undefined ? undefined : top === "true";
    }
    case "enum": {
      const top = mostFrequent(profile);
      return top !== undefined && column.type.values.includes(top) ? top : undefined;
    }
    case "string":
      return mostFrequent(profile);
    case "timestamp":
      return typeof profile.max === "string" ? profile.max : undefined;
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
