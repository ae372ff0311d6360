/**
 * `GET /v1/<serve>/model`: the version being served (name, version, aliases,
 * metrics), the JSON Schema of a request row and a valid example body.
 */
import type { FastifyInstance } from "fastify";
import type { ServeEndpoint } from "../serve-endpoint.js";

export async function metadataRoutes(app: FastifyInstance, options: { endpoints: readonly ServeEndpoint[] }): Promise<void> {
  for (const endpoint of options.endpoints) {
    app.get(`/v1/${endpoint.name}/model`, async () => endpoint.describe());
  }
}
