/**
 * `POST /v1/<serve>/feedback`: outcomes of earlier predictions, one
 * (`{request_id, outcome}`, `{key: {column: value}, outcome}`) or many
 * (`{feedback: [...]}`). 200 when every item was stored; 207 with each item's
 * status when some were; 404 when none was because their request ids are
 * unknown, 400 when none was for another reason. Never a 500 for a bad body.
 */
import type { FastifyInstance } from "fastify";
import { FeedbackBodyError, feedbackItems, takeFeedback } from "../feedback-intake.js";
import type { ServeEndpoint } from "../serve-endpoint.js";

export interface FeedbackRoutesOptions {
  endpoints: readonly ServeEndpoint[];
  bodyLimits: Record<string, number>;
  /** ms since the epoch, for `received_at` (tests pass their own). */
  now?: () => number;
}

export async function feedbackRoutes(app: FastifyInstance, options: FeedbackRoutesOptions): Promise<void> {
  for (const endpoint of options.endpoints) {
    app.post(`/v1/${endpoint.name}/feedback`, { bodyLimit: options.bodyLimits[endpoint.name]! }, async (request, reply) => {
      let items: unknown[];
      try {
        items = feedbackItems(request.body);
      } catch (error) {
        if (error instanceof FeedbackBodyError) {
          reply.code(400);
          return { error: error.message, requestId: request.id };
        }
        throw error;
      }
      const answer = await takeFeedback(items, endpoint.feedbackTarget("http", options.now));
      if (answer.rejected === 0) return answer;
      if (answer.accepted > 0) {
        reply.code(207);
        return answer;
      }
      const allUnknown = answer.items.every((i) => i.status === "unknown_request_id");
      reply.code(allUnknown ? 404 : 400);
      return { error: allUnknown ? "no item was stored: unknown request ids" : "no item was stored", requestId: request.id, ...answer };
    });
  }
}
