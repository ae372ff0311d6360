/**
 * Outcomes of earlier predictions, checked and stored: what
 * `POST /v1/<serve>/feedback` and `mlspec feedback` share. An item is
 * `{request_id, outcome}` or `{key: {<column>: value}, outcome}`; the outcome
 * a number, or a boolean (true = 1). Every item is answered: accepted (stored),
 * `invalid` (with what is wrong) or `unknown_request_id` (the prediction log
 * of the serve has no such request). Nothing is dropped without a word.
 */
import { Ajv } from "ajv";
import type { SqliteDatabase } from "../workspace/db.js";
import { insertFeedback, knownRequestIds, type FeedbackInput, type FeedbackKey } from "../workspace/feedback.js";

export interface FeedbackTarget {
  db: SqliteDatabase;
  serve: string;
  /** Columns a key may name: the serve's request columns. */
  keyColumns: readonly string[];
  /** Write what the prediction log holds in memory, so that a request just answered is found. */
  flushLog?: () => Promise<void>;
  /** ms since the epoch */
  now: () => number;
  /** `http`, `file:outcomes.csv` */
  source: string;
}

export type ItemStatus =
  | { index: number; status: "accepted"; id: number }
  | { index: number; status: "invalid"; error: string }
  | { index: number; status: "unknown_request_id"; request_id: string; error: string };

export interface FeedbackAnswer {
  accepted: number;
  rejected: number;
  items: ItemStatus[];
}

/** Most items in one call. */
export const MAX_FEEDBACK_ITEMS = 10_000;

const ITEM_SCHEMA = {
  type: "object",
  properties: {
    request_id: { type: "string", minLength: 1, maxLength: 128 },
    key: { type: "object", minProperties: 1, maxProperties: 1, additionalProperties: { type: ["string", "number", "boolean"] } },
    outcome: { type: ["number", "boolean"] },
  },
  required: ["outcome"],
  additionalProperties: false,
  oneOf: [{ required: ["request_id"] }, { required: ["key"] }],
} as const;

const ajv = new Ajv({ allErrors: false, strict: false });
const validItem = ajv.compile(ITEM_SCHEMA);

/** What is wrong with an item that the schema refused, in the sender's terms. */
function explain(item: unknown): string {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return "an item is a JSON object {request_id, outcome} or {key: {column: value}, outcome}";
  const o = item as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => !["request_id", "key", "outcome"].includes(k));
  if (extra.length > 0) return `unknown field ${extra.map((k) => JSON.stringify(k)).join(", ")}; an item has request_id or key, and outcome`;
  if (!("outcome" in o)) return "outcome is missing";
  if (typeof o.outcome !== "number" && typeof o.outcome !== "boolean") return `outcome must be a number or a boolean, got ${JSON.stringify(o.outcome) ?? "undefined"}`;
  if ("request_id" in o && "key" in o) return "give request_id or key, not both";
  if (!("request_id" in o) && !("key" in o)) return "name the prediction: request_id, or key: {column: value}";
  if ("request_id" in o) return "request_id must be a string of 1 to 128 characters";
  return "key must be an object with one column: {customer_id: \"C17\"}, its value a string, number or boolean";
}

/** The items of a body: one item, or `{feedback: [...]}`. Throws FeedbackBodyError for a body that is neither. */
export function feedbackItems(body: unknown): unknown[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new FeedbackBodyError("send a JSON object: {request_id, outcome}, {key: {column: value}, outcome} or {feedback: [...]}");
  }
  if (!("feedback" in body)) return [body];
  const list = (body as { feedback: unknown }).feedback;
  if (Object.keys(body).length > 1) throw new FeedbackBodyError('a body with "feedback" holds nothing else; put every item inside the list');
  if (!Array.isArray(list)) throw new FeedbackBodyError('"feedback" must be a list of items');
  if (list.length === 0) throw new FeedbackBodyError('"feedback" is empty: nothing to store');
  if (list.length > MAX_FEEDBACK_ITEMS) throw new FeedbackBodyError(`at most ${MAX_FEEDBACK_ITEMS} items in one call, got ${list.length}`);
  return list;
}

export class FeedbackBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FeedbackBodyError";
  }
}

/** Check every item, store the good ones (one transaction), and say what became of each. */
export async function takeFeedback(items: readonly unknown[], target: FeedbackTarget): Promise<FeedbackAnswer> {
  const statuses: Array<ItemStatus | undefined> = new Array(items.length);
  const good: Array<{ index: number; input: FeedbackInput }> = [];
  const keyColumns = new Set(target.keyColumns);
  const receivedAt = target.now();
  items.forEach((item, index) => {
    if (!validItem(item)) {
      statuses[index] = { index, status: "invalid", error: explain(item) };
      return;
    }
    const o = item as { request_id?: string; key?: FeedbackKey; outcome: number | boolean };
    const outcome = typeof o.outcome === "boolean" ? (o.outcome ? 1 : 0) : o.outcome;
    if (o.key) {
      const column = Object.keys(o.key)[0]!;
      if (!keyColumns.has(column)) {
        statuses[index] = { index, status: "invalid", error: `key column ${JSON.stringify(column)} is not a request column of serve ${target.serve}; columns: ${target.keyColumns.join(", ")}` };
        return;
      }
    }
    good.push({
      index,
      input: { serve: target.serve, ...(o.request_id !== undefined ? { requestId: o.request_id } : { key: o.key! }), outcome, receivedAt, source: target.source },
    });
  });

  // request ids must be in the log; one still in the writer's memory is written first, not called unknown
  const ids = good.flatMap((g) => (g.input.requestId !== undefined ? [g.input.requestId] : []));
  let known = knownRequestIds(target.db, target.serve, ids);
  if (target.flushLog && ids.some((id) => !known.has(id))) {
    await target.flushLog();
    known = knownRequestIds(target.db, target.serve, ids);
  }
  const stored = good.filter((g) => {
    const id = g.input.requestId;
    if (id === undefined || known.has(id)) return true;
    statuses[g.index] = { index: g.index, status: "unknown_request_id", request_id: id, error: `serve ${target.serve} logged no prediction with request id ${JSON.stringify(id)}` };
    return false;
  });
  const rowIds = stored.length > 0 ? insertFeedback(target.db, stored.map((g) => g.input)) : [];
  stored.forEach((g, i) => (statuses[g.index] = { index: g.index, status: "accepted", id: rowIds[i]! }));
  const all = statuses as ItemStatus[];
  return { accepted: stored.length, rejected: items.length - stored.length, items: all };
}
