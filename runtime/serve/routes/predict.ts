/**
 * `POST /v1/<serve>/predict`: one row, or `{"instances": [...]}`. Answers each
 * row's prediction (class probabilities for a classifier, a score for a
 * recommender) with the model version that gave it, and says so when the
 * fallback answered. Bad bodies get a 4xx listing every problem; a model that
 * cannot answer gets 503 (failed) or 504 (too slow).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { PredictionUnavailableError, RequestError } from "../errors.js";
import type { ClassLabel, RowPrediction } from "../loaded-model.js";
import type { ServeMetrics } from "../metrics.js";
import type { PredictResult, ServeEndpoint } from "../serve-endpoint.js";

export interface PredictRoutesOptions {
  endpoints: readonly ServeEndpoint[];
  metrics: ServeMetrics;
  bodyLimits: Record<string, number>;
  /** Headers every answer carries (request id; `Connection: close` while shutting down). */
  stamp: (request: FastifyRequest, reply: FastifyReply) => void;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The JSON body's text (set by the app's JSON parser). */
    mlspecRawBody: string | null;
  }
}

const errorSchema = {
  type: "object",
  properties: {
    error: { type: "string" },
    requestId: { type: "string" },
    problems: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } },
  },
} as const;

// Answers are written by hand: a batch answer is hundreds of small objects, and
// JSON.stringify over copies of them was the largest cost of an instances request.
const keyCache = new Map<string, string>();
function jsonKey(key: string): string {
  let text = keyCache.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (keyCache.size < 10_000) keyCache.set(key, text);
  }
  return text;
}

/** A number as JSON writes it (NaN and infinities become null). */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : "null";
}

function jsonLabel(value: ClassLabel): string {
  return typeof value === "string" ? jsonKey(value) : String(value);
}

function rowJson(p: RowPrediction, model: string): string {
  if ("score" in p) return `{"score":${jsonNumber(p.score)},"model":${model}}`;
  let text = `{"prediction":${typeof p.prediction === "number" ? jsonNumber(p.prediction) : jsonLabel(p.prediction)}`;
  if ("probabilities" in p) {
    text += ',"probabilities":{';
    let first = true;
    for (const key in p.probabilities) {
      text += `${first ? "" : ","}${jsonKey(key)}:${jsonNumber(p.probabilities[key]!)}`;
      first = false;
    }
    text += "}";
  }
  return `${text},"model":${model}}`;
}

/** The answer's JSON: one row's fields at the top, or a list under `predictions`. */
export function answerJson(result: PredictResult, batch: boolean): string {
  const model = `{"name":${jsonKey(result.model.name)},"version":${result.model.version}}`;
  const fallback = result.fallback ? `,"fallback":${JSON.stringify(result.fallback)}` : "";
  const arm = `,"arm":${jsonKey(result.arm)}`;
  const id = `"requestId":${JSON.stringify(result.requestId)}`;
  if (!batch) return `{${id},${rowJson(result.predictions[0]!, model).slice(1, -1)}${arm}${fallback}}`;
  const rows = new Array<string>(result.predictions.length);
  for (let i = 0; i < rows.length; i++) rows[i] = rowJson(result.predictions[i]!, model);
  return `{${id},"predictions":[${rows.join(",")}],"model":${model}${arm}${fallback}}`;
}

export async function predictRoutes(app: FastifyInstance, options: PredictRoutesOptions): Promise<void> {
  const { metrics, stamp } = options;

  for (const endpoint of options.endpoints) {
    const name = endpoint.name;
    // metrics are counted here rather than in hooks: each hook is a step on every request's path
    const count = (status: number, by: { readonly name: string; readonly version: number }, receivedAt: number) => {
      metrics.request(name, by, status);
      metrics.duration(name, (performance.now() - receivedAt) / 1000);
    };
    app.route({
      method: "POST",
      url: `/v1/${name}/predict`,
      bodyLimit: options.bodyLimits[name]!,
      // answers are serialized here (their shape depends on the task); errors by fastify from the schema
      schema: { response: { "4xx": errorSchema, "5xx": errorSchema } },
      handler: async (request, reply) => {
        // the deadline counts from the request's arrival, before its body was read
        const receivedAt = performance.now() - reply.elapsedTime;
        stamp(request, reply);
        let parsed;
        let assignment;
        try {
          parsed = endpoint.parse(request.body);
          assignment = endpoint.route({ body: request.body, headers: request.headers as Record<string, string | undefined> });
        } catch (error) {
          if (error instanceof RequestError) {
            count(error.statusCode, endpoint.answeringModel.ref, receivedAt);
            reply.code(error.statusCode);
            return { error: error.message, requestId: request.id, ...(error.problems.length ? { problems: error.problems } : {}) };
          }
          throw error;
        }
        try {
          const text = request.mlspecRawBody;
          const context = {
            requestId: request.id,
            receivedAt,
            time: Date.now(),
            assignment,
            ...(text !== null ? { body: { text, batch: parsed.batch } } : {}),
          };
          const result = await endpoint.predict(parsed.rows, context);
          count(200, result.model, receivedAt);
          if (result.fallback) reply.header("x-mlspec-fallback", result.fallback.reason);
          reply.header("x-mlspec-arm", result.arm);
          // a shadow copy goes once the answer has been written, never before
          const rows = parsed.rows;
          reply.raw.once("finish", () => endpoint.shadow(rows, context, result));
          reply.type("application/json; charset=utf-8");
          return answerJson(result, parsed.batch);
        } catch (error) {
          if (error instanceof PredictionUnavailableError) {
            count(error.statusCode, endpoint.answeringModel.ref, receivedAt);
            reply.code(error.statusCode);
            return { error: error.message, requestId: request.id };
          }
          throw error;
        }
      },
    });
  }
}
