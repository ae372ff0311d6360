/**
 * The HTTP face of serving: a fastify app per address, made of one plugin per
 * concern (predict, model metadata, health, metrics, the endpoint list).
 * Serve blocks that share a host and port share one server; their routes are
 * namespaced by serve name. Every error is answered as JSON: 4xx for anything
 * a client sent wrong, never a stack trace.
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { ServeError } from "./errors.js";
import type { Serving } from "./load-serving.js";
import { endpointListRoutes } from "./routes/endpoints.js";
import { feedbackRoutes } from "./routes/feedback.js";
import { healthRoutes } from "./routes/health.js";
import { metadataRoutes } from "./routes/metadata.js";
import { metricsRoutes } from "./routes/metrics.js";
import { openInferenceRoutes } from "./routes/open-inference.js";
import { predictRoutes } from "./routes/predict.js";
import { reportRoutes } from "./routes/report.js";
import type { ServeEndpoint } from "./serve-endpoint.js";

export interface ServeAppOptions {
  /** The serve blocks this app answers for (default: all of `serving`). */
  serves?: string[];
  /** Read by /readyz: true once shutdown has begun. */
  closing?: () => boolean;
  /** Unexpected errors (5xx), for the operator's log. */
  onError?: (error: Error, route: string) => void;
  /** ms since the epoch, for feedback's `received_at` (default Date.now). */
  now?: () => number;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The methods a 405 may list in `Allow`, in the order listed. */
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

function unsupportedEncoding(encoding: string): FastifyError {
  const shown = encoding.length > 40 ? `${encoding.slice(0, 40)}…` : encoding;
  return Object.assign(new Error(`the server does not decode Content-Encoding ${JSON.stringify(shown)}: send the body uncompressed`), {
    code: "MLSPEC_UNSUPPORTED_ENCODING",
    statusCode: 415,
  }) as FastifyError;
}

function clientMessage(error: FastifyError, bodyLimit: number): { status: number; message: string } {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return { status: 413, message: `request body too large: at most ${bodyLimit} bytes` };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return { status: 415, message: "send JSON: the Content-Type must be application/json" };
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { status: 400, message: "the request body is empty; send a JSON object" };
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return { status: 400, message: "the Content-Length does not match the body" };
  }
  if (error instanceof SyntaxError || error.code === "FST_ERR_CTP_INVALID_JSON_BODY") {
    return { status: 400, message: `malformed JSON: ${error.message}` };
  }
  return { status: error.statusCode!, message: error.message };
}

/** A fastify app for `serving`, not yet listening (use `inject()` or `listen()`). */
export async function createServeApp(serving: Serving, options: ServeAppOptions = {}): Promise<FastifyInstance> {
  const endpoints: ServeEndpoint[] = options.serves ? options.serves.map((name) => serving.endpoint(name)) : [...serving.endpoints];
  const bodyLimits = Object.fromEntries(endpoints.map((e) => [e.name, serving.servePlan(e.name).http.bodyLimit]));
  const bodyLimit = Math.max(...Object.values(bodyLimits));
  const app = Fastify({
    logger: false,
    bodyLimit,
    // a client's request id is kept when it is short and plain; otherwise one is made
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // shutdown is closeServers' job: requests already sent on open connections are answered, not refused
    return503OnClosing: false,
    forceCloseConnections: false,
  });

  // fastify's own JSON parsing (prototype poisoning refused), keeping the text for the prediction log
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.decorateRequest("mlspecRawBody", null);
  // JSON only: fastify's own text/plain parser would hand a string to the predict route (a 400, not a 415)
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    // fastify does not decompress: a gzip body would otherwise be answered as malformed JSON
    const encoding = request.headers["content-encoding"];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") {
      done(unsupportedEncoding(encoding), undefined);
      return;
    }
    request.mlspecRawBody = body as string;
    parseJson(request, body as string, done);
  });

  const closing = options.closing ?? (() => serving.closed);
  const stamp = (request: FastifyRequest, reply: FastifyReply) => {
    reply.header("x-request-id", request.id);
    // shutting down: a kept-alive connection would hold the server open after its last answer
    if (closing()) reply.header("connection", "close");
  };

  const byName = new Map(endpoints.map((e) => [e.name, e]));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    stamp(request, reply);
    const status = error.statusCode;
    // a predict route's request refused before its handler ran (body too large, not JSON, …)
    const endpoint = byName.get((request.routeOptions.url ?? "").split("/")[2] ?? "");
    if (status !== undefined && status >= 400 && status < 500) {
      const client = clientMessage(error, endpoint ? bodyLimits[endpoint.name]! : bodyLimit);
      if (endpoint) {
        serving.metrics.request(endpoint.name, endpoint.answeringModel.ref, client.status);
        serving.metrics.duration(endpoint.name, reply.elapsedTime / 1000);
      }
      reply.code(client.status).send({ error: client.message, requestId: request.id });
      return;
    }
    options.onError?.(error, `${request.method} ${request.url}`);
    reply.code(500).send({ error: "internal error; the server logged it", requestId: request.id });
  });

  app.setNotFoundHandler((request, reply) => {
    stamp(request, reply);
    const path = request.url.split("?")[0]!;
    const allowed = METHODS.filter((method) => app.hasRoute({ method, url: path }));
    if (allowed.length > 0) {
      reply.header("allow", allowed.join(", "));
      reply.code(405).send({ error: `${request.method} is not allowed on ${path}; use ${allowed.filter((m) => m !== "HEAD").join(" or ")}`, requestId: request.id });
      return;
    }
    reply.code(404).send({ error: `no route ${request.method} ${request.url.split("?")[0]}; GET / lists the endpoints`, requestId: request.id });
  });

  await app.register(predictRoutes, { endpoints, metrics: serving.metrics, bodyLimits, stamp });
  await app.register(async (scope) => {
    // the other routes are not on the hot path: a hook stamps their answers
    scope.addHook("onSend", (request, reply, payload, done) => {
      stamp(request, reply);
      done(null, payload);
    });
    await scope.register(metadataRoutes, { endpoints });
    await scope.register(feedbackRoutes, { endpoints, bodyLimits, ...(options.now ? { now: options.now } : {}) });
    await scope.register(healthRoutes, { endpoints, closing });
    await scope.register(metricsRoutes, { metrics: serving.metrics });
    await scope.register(endpointListRoutes, { endpoints });
    await scope.register(reportRoutes, { plan: serving.plan, workspace: serving.workspace });
    await scope.register(openInferenceRoutes, { endpoints, metrics: serving.metrics });
  });
  await app.ready();
  return app;
}

export interface ListeningServer {
  app: FastifyInstance;
  serves: string[];
  host: string;
  port: number;
  url: string;
  /** Requests received and not yet answered. */
  inFlight(): number;
}

export interface ListenOptions {
  /** Overrides every serve block's port: all of them on one server. */
  port?: number;
  /** Overrides every serve block's host. */
  host?: string;
  closing?: () => boolean;
  onError?: (error: Error, route: string) => void;
  /** ms since the epoch, for feedback's `received_at`. */
  now?: () => number;
}

function urlOf(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** One listening server per distinct host:port of the serve blocks. Closes what it opened if one fails. */
export async function listenServing(serving: Serving, options: ListenOptions = {}): Promise<ListeningServer[]> {
  const groups = new Map<string, { host: string; port: number; serves: string[] }>();
  for (const endpoint of serving.endpoints) {
    const http = serving.servePlan(endpoint.name).http;
    const host = options.host ?? http.host;
    const port = options.port ?? http.port;
    const key = `${host}\u0000${port}`;
    const group = groups.get(key) ?? { host, port, serves: [] };
    group.serves.push(endpoint.name);
    groups.set(key, group);
  }
  const servers: ListeningServer[] = [];
  try {
    for (const group of groups.values()) {
      const app = await createServeApp(serving, {
        serves: group.serves,
        ...(options.closing ? { closing: options.closing } : {}),
        ...(options.onError ? { onError: options.onError } : {}),
        ...(options.now ? { now: options.now } : {}),
      });
      try {
        await app.listen({ host: group.host, port: group.port });
      } catch (error) {
        await app.close();
        const code = (error as NodeJS.ErrnoException).code;
        const where = `${group.host}:${group.port}`;
        if (code === "EADDRINUSE") throw new ServeError("PORT_IN_USE", `cannot listen on ${where}: the port is in use; choose another with --port`);
        if (code === "EACCES") throw new ServeError("PORT_DENIED", `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`);
        if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new ServeError("BAD_HOST", `cannot listen on ${where}: no such address on this machine`);
        throw new ServeError("LISTEN_FAILED", `cannot listen on ${where}: ${(error as Error).message}`);
      }
      const address = app.server.address();
      const port = typeof address === "object" && address ? address.port : group.port;
      let inFlight = 0;
      app.server.on("request", (_req, res) => {
        inFlight++;
        res.once("close", () => inFlight--);
      });
      servers.push({ app, serves: group.serves, host: group.host, port, url: urlOf(group.host, port), inFlight: () => inFlight });
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.app.close()));
    throw error;
  }
  return servers;
}

export interface CloseOptions {
  /** Longest to wait for in-flight requests before closing every connection (default 10,000 ms). */
  graceMs?: number;
  /** Idle kept-alive connections are closed once no request has been in flight for this long (default 100 ms). */
  quietMs?: number;
}

/**
 * Graceful stop: no new connections; every request already sent on an open
 * connection is answered (with `Connection: close`, when the app's `closing`
 * says so); idle kept-alive connections are closed once the server has been
 * quiet a moment. Node's own close() drops idle connections at once, which
 * loses a request a client has sent but the server has not read yet (the
 * event loop was busy running a model), so that step is held back.
 */
export async function closeServers(servers: readonly ListeningServer[], options: CloseOptions = {}): Promise<void> {
  const graceMs = options.graceMs ?? 10_000;
  const quietMs = options.quietMs ?? 100;
  const tickMs = 20;
  await Promise.all(
    servers.map(async (server) => {
      const http = server.app.server;
      const closeIdle = http.closeIdleConnections.bind(http);
      http.closeIdleConnections = () => undefined;
      let quiet = 0;
      const sweep = setInterval(() => {
        // several quiet ticks in a row: the event loop has read what clients sent meanwhile
        quiet = server.inFlight() === 0 ? quiet + tickMs : 0;
        if (quiet >= quietMs) closeIdle();
      }, tickMs);
      const grace = setTimeout(() => http.closeAllConnections(), graceMs);
      try {
        await server.app.close();
      } finally {
        clearInterval(sweep);
        clearTimeout(grace);
        http.closeIdleConnections = closeIdle;
      }
    }),
  );
}
