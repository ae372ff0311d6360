/**
 * `GET /healthz`: the process is alive. `GET /readyz`: every model is loaded
 * and warm and the server is not shutting down (503 otherwise), so a load
 * balancer stops sending traffic before the server stops taking it. A serve
 * whose primary did not load answers with its fallback: `status` is then
 * "degraded" (200: requests are answered) and the serve says why.
 */
import type { FastifyInstance } from "fastify";
import type { ServeEndpoint } from "../serve-endpoint.js";

export interface HealthRoutesOptions {
  endpoints: readonly ServeEndpoint[];
  /** True once shutdown has begun. */
  closing: () => boolean;
}

export async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const serves = Object.fromEntries(
      options.endpoints.map((e) => {
        const id = e.answeringModel.identity;
        const degraded = e.degraded;
        return [e.name, { model: id.name, version: id.version, ready: e.ready, ...(degraded ? { degraded: { ...degraded } } : {}) }];
      }),
    );
    if (options.closing()) {
      reply.code(503);
      return { status: "shutting down", serves };
    }
    const ready = options.endpoints.every((e) => e.ready);
    if (!ready) reply.code(503);
    const degraded = options.endpoints.some((e) => e.degraded !== undefined);
    return { status: !ready ? "not ready" : degraded ? "degraded" : "ready", serves };
  });
}
