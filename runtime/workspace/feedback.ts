/**
 * Outcomes of earlier predictions (a click, a churned customer, a rating),
 * sent to `POST /v1/<serve>/feedback` or loaded with `mlspec feedback`, and
 * their join to the prediction log. A/B tests, bandit rewards, live-quality
 * guards and the monitor's delayed labels read `predictionsWithOutcomes`.
 *
 * A feedback names its prediction by request id (it applies to every row of
 * that request) or by key (`{customer_id: "C1"}`: the latest prediction of the
 * serve whose logged inputs hold that value, made at or before the feedback
 * was received). A prediction with several outcomes takes the one received last.
 */
import type { SqliteDatabase } from "./db.js";
import { WorkspaceError } from "./errors.js";
import { toLoggedPrediction, type LoggedPrediction, type PredictionRow } from "./predictions.js";

export type FeedbackKey = Record<string, string | number | boolean>;

export interface FeedbackInput {
  serve: string;
  /** One of requestId and key. */
  requestId?: string;
  key?: FeedbackKey;
  outcome: number;
  /** ms since the epoch */
  receivedAt: number;
  /** `http`, `file:outcomes.csv`, … */
  source: string;
}

export interface StoredFeedback extends FeedbackInput {
  id: number;
}

export interface OutcomeQuery {
  serve: string;
  /** Only predictions routed by this rollout. */
  rollout?: string;
  /** inclusive, ms since the epoch, on the prediction's time */
  from: number;
  /** exclusive */
  to: number;
}

export interface PredictionWithOutcome {
  prediction: LoggedPrediction;
  outcome: number;
  feedbackId: number;
  receivedAt: number;
  source: string;
  /** How the feedback found the prediction. */
  by: "request_id" | "key";
}

/** Store feedback items in one transaction; returns their ids in order. */
export function insertFeedback(db: SqliteDatabase, items: readonly FeedbackInput[]): number[] {
  for (const item of items) {
    if ((item.requestId === undefined) === (item.key === undefined)) {
      throw new WorkspaceError("INVALID_ARGUMENT", "a feedback names its prediction by request id or by key, not both or neither");
    }
    if (!Number.isFinite(item.outcome)) throw new WorkspaceError("INVALID_ARGUMENT", `feedback outcome must be a finite number, got ${item.outcome}`);
  }
  const insert = db.prepare("INSERT INTO feedback (serve, request_id, key_json, outcome, received_at, source) VALUES (?, ?, ?, ?, ?, ?)");
  const ids: number[] = [];
  db.transaction(() => {
    for (const item of items) {
      const result = insert.run(item.serve, item.requestId ?? null, item.key ? JSON.stringify(item.key) : null, item.outcome, Math.round(item.receivedAt), item.source);
      ids.push(Number(result.lastInsertRowid));
    }
  }).immediate();
  return ids;
}

/** Which of `requestIds` the prediction log of `serve` holds. */
export function knownRequestIds(db: SqliteDatabase, serve: string, requestIds: readonly string[]): Set<string> {
  const found = new Set<string>();
  const lookup = db.prepare("SELECT 1 FROM predictions WHERE request_id = ? AND serve = ? LIMIT 1");
  for (const id of new Set(requestIds)) if (lookup.get(id, serve) !== undefined) found.add(id);
  return found;
}

interface FeedbackRow {
  id: number;
  serve: string;
  request_id: string | null;
  key_json: string | null;
  outcome: number;
  received_at: number;
  source: string;
}

export function readFeedback(db: SqliteDatabase, serve: string): StoredFeedback[] {
  const rows = db.prepare("SELECT * FROM feedback WHERE serve = ? ORDER BY received_at, id").all(serve) as FeedbackRow[];
  return rows.map((r) => ({
    id: r.id,
    serve: r.serve,
    ...(r.request_id !== null ? { requestId: r.request_id } : {}),
    ...(r.key_json !== null ? { key: JSON.parse(r.key_json) as FeedbackKey } : {}),
    outcome: r.outcome,
    receivedAt: r.received_at,
    source: r.source,
  }));
}

function keyText(column: string, value: unknown): string {
  return `${column}\u0000${JSON.stringify(value)}`;
}

/** Predictions of a window that have an outcome, in time order, each with the outcome received last. */
export function predictionsWithOutcomes(db: SqliteDatabase, query: OutcomeQuery): PredictionWithOutcome[] {
  const params: unknown[] = [query.serve, query.from, query.to];
  let rolloutFilter = "";
  if (query.rollout !== undefined) {
    rolloutFilter = " AND rollout = ?";
    params.push(query.rollout);
  }
  const predictions = (
    db.prepare(`SELECT * FROM predictions WHERE serve = ? AND at >= ? AND at < ?${rolloutFilter} ORDER BY at, id`).all(...params) as PredictionRow[]
  ).map(toLoggedPrediction);
  const best = new Map<number, PredictionWithOutcome>();
  const take = (prediction: LoggedPrediction, f: FeedbackRow, by: PredictionWithOutcome["by"]) => {
    const had = best.get(prediction.id);
    if (had && (had.receivedAt > f.received_at || (had.receivedAt === f.received_at && had.feedbackId > f.id))) return;
    best.set(prediction.id, { prediction, outcome: f.outcome, feedbackId: f.id, receivedAt: f.received_at, source: f.source, by });
  };

  // by request id: through the index, one lookup per predicted request
  const byRequest = db.prepare("SELECT * FROM feedback WHERE request_id = ? AND serve = ?");
  const seen = new Map<string, FeedbackRow[]>();
  for (const p of predictions) {
    let rows = seen.get(p.requestId);
    if (!rows) seen.set(p.requestId, (rows = byRequest.all(p.requestId, query.serve) as FeedbackRow[]));
    for (const f of rows) take(p, f, "request_id");
  }

  // by key: the latest prediction with the key's value at or before the feedback
  const keyed = db.prepare("SELECT * FROM feedback WHERE serve = ? AND key_json IS NOT NULL AND received_at >= ?").all(query.serve, query.from) as FeedbackRow[];
  if (keyed.length > 0) {
    const columns = new Set<string>();
    const parsed = keyed.map((f) => {
      const key = JSON.parse(f.key_json!) as FeedbackKey;
      for (const c of Object.keys(key)) columns.add(c);
      return { f, key };
    });
    const byKey = new Map<string, LoggedPrediction[]>();
    for (const p of predictions) {
      const inputs = p.inputs as Record<string, unknown> | null;
      if (typeof inputs !== "object" || inputs === null) continue;
      for (const c of columns) {
        if (inputs[c] === undefined || inputs[c] === null) continue;
        const k = keyText(c, inputs[c]);
        const list = byKey.get(k);
        if (list) list.push(p);
        else byKey.set(k, [p]);
      }
    }
    for (const { f, key } of parsed) {
      const [column, value] = Object.entries(key)[0] ?? [];
      if (column === undefined) continue;
      const list = byKey.get(keyText(column, value));
      if (!list) continue;
      let match: LoggedPrediction | undefined;
      for (const p of list) if (p.time <= f.received_at) match = p; // time order: the last one wins
      if (match) take(match, f, "key");
    }
  }
  return [...best.values()].sort((a, b) => a.prediction.time - b.prediction.time || a.prediction.id - b.prediction.id);
}
