/** `GET /`: what this server serves and where. */
import type { FastifyInstance } from "fastify";
import type { ServeEndpoint } from "../serve-endpoint.js";

export async function endpointListRoutes(app: FastifyInstance, options: { endpoints: readonly ServeEndpoint[] }): Promise<void> {
  app.get("/", async () => ({
    serves: options.endpoints.map((e) => {
      const id = e.answeringModel.identity;
      return {
        name: e.name,
        model: { name: id.name, version: id.version },
        endpoints: [
          { method: "POST", path: `/v1/${e.name}/predict`, description: 'predict one row, or {"instances": [rows]}' },
          { method: "GET", path: `/v1/${e.name}/model`, description: "the model served, the request schema and an example request" },
        ],
      };
    }),
    endpoints: [
      { method: "GET", path: "/healthz", description: "the server is alive" },
      { method: "GET", path: "/readyz", description: "models loaded and warm (\"degraded\" while a fallback stands in for a primary that did not load); 503 while starting or shutting down" },
      { method: "GET", path: "/metrics", description: "Prometheus metrics" },
      { method: "GET", path: "/report", description: "the spec's report as one HTML page (as mlspec report writes it)" },
    ],
  }));
}
