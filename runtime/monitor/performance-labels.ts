/**
 * Labels for performance rules (spec/language.md#performance): read from the rule's
 * `labels` source — rows of (key, target[, observed_at]) — and from the workspace's
 * feedback table when it exists (POST /feedback: by request id or by key), then joined
 * to logged predictions. A label observed after the evaluation time has not arrived yet.
 */
import * as path from "node:path";
import type { SourceSpec } from "../../compiler/plan/schema.js";
import { DataSession } from "../data/session.js";
import { openSource } from "../data/read.js";
import { quoteIdent } from "../data/sql.js";
import type { SqliteDatabase } from "../workspace/db.js";

/** How a label's text or a feedback outcome becomes the metric's label. */
export type LabelCoding =
  | { family: "classification"; binary: true; positive: string; negative?: string }
  | { family: "classification"; binary: false; classes: string[] }
  | { family: "regression" };

export class LabelsError extends Error {}

/** The arrival time column of a labels source, when it has one. */
export const ARRIVAL_COLUMN = "observed_at";

/** A label's text as the metric's number; undefined when it is no label of this task. */
export function codeLabel(coding: LabelCoding, text: string): number | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  if (coding.family === "regression") {
    const v = Number(t);
    return Number.isFinite(v) ? v : undefined;
  }
  if (coding.binary) {
    const low = t.toLowerCase();
    if (low === coding.positive.toLowerCase() || (coding.positive === "true" && low === "1")) return 1;
    if ((coding.negative !== undefined && low === coding.negative.toLowerCase()) || (coding.positive === "true" && (low === "false" || low === "0"))) return 0;
    return undefined;
  }
  const i = coding.classes.indexOf(t);
  return i >= 0 ? i : undefined;
}

/** A feedback outcome (a number: 1/0 for binary, the class index for multiclass, the value for regression). */
export function codeOutcome(coding: LabelCoding, outcome: number): number | undefined {
  if (!Number.isFinite(outcome)) return undefined;
  if (coding.family === "regression") return outcome;
  if (coding.binary) return outcome === 1 || outcome === 0 ? outcome : undefined;
  return Number.isInteger(outcome) && outcome >= 0 && outcome < coding.classes.length ? outcome : undefined;
}

export interface SourceLabels {
  /** Key value (as text) → label text; the last row of a key wins. */
  byKey: Map<string, string>;
  rows: number;
  /** Rows left out because they were observed after the evaluation time. */
  notYetArrived: number;
}

/** Reads a labels source: its `key` and `target` columns, and `observed_at` when present. */
export async function readSourceLabels(source: SourceSpec, projectDir: string, key: string, target: string, now: number): Promise<SourceLabels> {
  const session = await DataSession.open({ threads: 1 });
  try {
    const resolved = { ...source, path: path.resolve(projectDir, source.path) };
    let raw;
    try {
      raw = await openSource(session, resolved);
    } catch (e) {
      throw new LabelsError(`labels ${source.path}: ${(e as Error).message}`);
    }
    for (const c of [key, target]) {
      if (!raw.columns.includes(c)) throw new LabelsError(`labels ${source.path} has no column \`${c}\`; its columns are ${raw.columns.join(", ")}`);
    }
    const arrival = raw.columns.includes(ARRIVAL_COLUMN);
    const cols = await session.columns(
      `SELECT ${quoteIdent(key)} AS k, ${quoteIdent(target)} AS y${arrival ? `, epoch_ms(TRY_CAST(${quoteIdent(ARRIVAL_COLUMN)} AS TIMESTAMPTZ))::DOUBLE AS t` : ""} FROM raw ORDER BY __row`,
    );
    const byKey = new Map<string, string>();
    let notYetArrived = 0;
    const ks = cols["k"] as Array<string | null>;
    for (let i = 0; i < ks.length; i++) {
      const k = ks[i];
      const y = (cols["y"] as Array<string | null>)[i];
      if (k === null || k === undefined || y === null || y === undefined) continue;
      const t = arrival ? (cols["t"] as Array<number | null>)[i] : null;
      if (t !== null && t !== undefined && t > now) {
        notYetArrived++;
        continue;
      }
      byKey.set(String(k), String(y));
    }
    return { byKey, rows: ks.length, notYetArrived };
  } finally {
    await session.close();
  }
}

export interface FeedbackLabels {
  byRequest: Map<string, number>;
  /** Key value (as text) → outcome, for feedback sent by key. */
  byKey: Map<string, number>;
}

/** The serve's feedback received up to `now` (the table exists from workspace migration 6 on). */
export function readFeedbackLabels(db: SqliteDatabase, serve: string, key: string | undefined, now: number): FeedbackLabels {
  const out: FeedbackLabels = { byRequest: new Map(), byKey: new Map() };
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'feedback'").get();
  if (!table) return out;
  const rows = db.prepare("SELECT request_id, key_json, outcome FROM feedback WHERE serve = ? AND received_at <= ? ORDER BY id").all(serve, now) as Array<{ request_id: string | null; key_json: string | null; outcome: number }>;
  for (const r of rows) {
    if (r.request_id !== null) out.byRequest.set(r.request_id, r.outcome);
    else if (r.key_json !== null && key !== undefined) {
      try {
        const k = (JSON.parse(r.key_json) as Record<string, unknown>)[key];
        if (k !== undefined && k !== null) out.byKey.set(String(k), r.outcome);
      } catch {
        // a malformed key cannot be joined; the intake validates keys, so this is an old row
      }
    }
  }
  return out;
}
