/**
 * `POST /v1/<serve>/predict`: one row, or `{"instances": [...]}`. Answers each
 * row's prediction (class probabilities for a classifier, a score for a
 * recommender) with the model version that gave it, and says so when the
 * fallback answered. Bad bodies get a 4xx listing every problem; a model that
 * cannot answer gets 503 (failed) or 504 (too slow).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { PredictionUnavailableError, RequestError } from "../errors.js";
import type { RowPrediction } from "../loaded-model.js";
import type { ServeMetrics } from "../metrics.js";
import type { PredictResult, ServeEndpoint } from "../serve-endpoint.js";

export interface PredictRoutesOptions {
  endpoints: readonly ServeEndpoint[];
  metrics: ServeMetrics;
  bodyLimits: Record<string, number>;
}

declare module "fastify" {
  interface FastifyRequest {
    /** performance.now() when the request arrived; deadlines count from here. */
    mlspecReceivedAt: number;
    /** The version that answered (for the request metric). */
    mlspecAnsweredBy: { name: string; version: number } | null;
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

function answer(result: PredictResult, batch: boolean): Record<string, unknown> {
  const model = result.model;
  const rows = result.predictions.map((p: RowPrediction) => ({ ...p, model }));
  if (!batch) return { requestId: result.requestId, ...rows[0], ...(result.fallback ? { fallback: result.fallback } : {}) };
  return { requestId: result.requestId, predictions: rows, model, ...(result.fallback ? { fallback: result.fallback } : {}) };
}

export async function predictRoutes(app: FastifyInstance, options: PredictRoutesOptions): Promise<void> {
  const { metrics } = options;
  app.decorateRequest("mlspecReceivedAt", 0);
  app.decorateRequest("mlspecAnsweredBy", null);

  for (const endpoint of options.endpoints) {
    const name = endpoint.name;
    app.route({
      method: "POST",
      url: `/v1/${name}/predict`,
      bodyLimit: options.bodyLimits[name]!,
      // answers are serialized here (their shape depends on the task); errors by fastify from the schema
      schema: { response: { "4xx": errorSchema, "5xx": errorSchema } },
      onRequest: (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
        request.mlspecReceivedAt = performance.now();
        done();
      },
      onResponse: (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
        const by = request.mlspecAnsweredBy ?? endpoint.primaryModel.identity;
        metrics.request(name, by.name, by.version, reply.statusCode);
        metrics.duration(name, (performance.now() - request.mlspecReceivedAt) / 1000);
        done();
      },
      handler: async (request, reply) => {
        let parsed;
        try {
          parsed = endpoint.parse(request.body);
        } catch (error) {
          if (error instanceof RequestError) {
            reply.code(error.statusCode);
            return { error: error.message, requestId: request.id, ...(error.problems.length ? { problems: error.problems } : {}) };
          }
          throw error;
        }
        try {
          const result = await endpoint.predict(parsed.rows, { requestId: request.id, receivedAt: request.mlspecReceivedAt, time: Date.now() });
          request.mlspecAnsweredBy = result.model;
          if (result.fallback) reply.header("x-mlspec-fallback", result.fallback.reason);
          reply.type("application/json; charset=utf-8");
          return JSON.stringify(answer(result, parsed.batch));
        } catch (error) {
          if (error instanceof PredictionUnavailableError) {
            reply.code(error.statusCode);
            return { error: error.message, requestId: request.id };
          }
          throw error;
        }
      },
    });
  }
}
