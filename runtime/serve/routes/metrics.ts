/** `GET /metrics`: Prometheus text exposition of the serving metrics. */
import type { FastifyInstance } from "fastify";
import type { ServeMetrics } from "../metrics.js";

export async function metricsRoutes(app: FastifyInstance, options: { metrics: ServeMetrics }): Promise<void> {
  app.get("/metrics", async (_request, reply) => {
    reply.header("content-type", options.metrics.contentType);
    return options.metrics.text();
  });
}
