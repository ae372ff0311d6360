/**
 * The serving app through fastify's inject() (no socket): answers equal
 * onnxruntime's own, every kind of bad request gets its 4xx, metadata, health
 * and metrics, the fallback, the prediction log.
 */
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServeApp } from "../../runtime/serve/http-server.js";
import { loadServing, type Serving } from "../../runtime/serve/load-serving.js";
import { ortOutput } from "./expected.js";
import {
  churnModel,
  churnRows,
  churnSpecText,
  flowerModel,
  flowerRows,
  flowerSpecText,
  makeProject,
  ratingModel,
  ratingSpecText,
  singleRowOnlyModel,
  slowModel,
  type TestProject,
} from "./models.js";

const PREDICT = "/v1/churn_api/predict";
const json = (body: string) => JSON.parse(body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("churn_api through inject()", () => {
  let project: TestProject;
  let serving: Serving;
  let app: FastifyInstance;
  const mlp = churnModel({ seed: 1 });
  const logreg = churnModel({ seed: 2, hidden: [] });

  beforeAll(async () => {
    project = makeProject(churnSpecText({ fallback: "churn_logreg@champion", bodyLimit: 16384 }));
    project.register("churn_mlp", mlp.bytes, "champion", { auc: 0.83, accuracy: 0.8 });
    project.register("churn_logreg", logreg.bytes);
    serving = await loadServing(project.specPath, { pollMs: 0 });
    app = await createServeApp(serving);
  });

  afterAll(async () => {
    await app?.close();
    await serving?.close();
    project?.cleanup();
  });

  it("answers one row with the prediction, class probabilities and the model version", async () => {
    const row = churnRows(3, 1)[0]!;
    const res = await app.inject({ method: "POST", url: PREDICT, payload: row, headers: { "x-request-id": "req-1" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["x-request-id"]).toBe("req-1");
    const body = json(res.body);
    const [p] = await ortOutput(mlp.bytes, [row]);
    expect(body.requestId).toBe("req-1");
    expect(body.model).toEqual({ name: "churn_mlp", version: 1 });
    expect(body.probabilities.true).toBeCloseTo(p!, 6);
    expect(body.probabilities.false).toBeCloseTo(1 - p!, 6);
    expect(body.prediction).toBe(p! >= 0.5);
    expect(body.fallback).toBeUndefined();
  });

  it("answers instances row by row, equal to onnxruntime on the same rows", async () => {
    const rows = churnRows(4, 40); // more than max_batch (32): two model runs
    const res = await app.inject({ method: "POST", url: PREDICT, payload: { instances: rows } });
    expect(res.statusCode).toBe(200);
    const body = json(res.body);
    const expected = await ortOutput(mlp.bytes, rows);
    expect(body.predictions).toHaveLength(40);
    body.predictions.forEach((p: Record<string, any>, i: number) => {
      expect(p.probabilities.true).toBeCloseTo(expected[i]!, 6);
      expect(p.model).toEqual({ name: "churn_mlp", version: 1 });
    });
  });

  it("gives each kind of bad request its 4xx and a JSON body listing the problems", async () => {
    const row = churnRows(5, 1)[0]!;
    const post = (payload: unknown, headers: Record<string, string> = {}) =>
      app.inject({ method: "POST", url: PREDICT, payload: payload as string, headers: { "content-type": "application/json", ...headers } });
    const cases: Array<[string, unknown, number, RegExp]> = [
      ["missing field", { ...row, tenure: undefined }, 400, /missing: each row needs `tenure`/],
      ["wrong type", { ...row, tenure: "ten" }, 400, /expected an integer, got the string "ten"/],
      ["out of range", { ...row, support_calls: 21 }, 400, /21 is out of range: the contract allows 0\.\.20/],
      ["unknown enum value", { ...row, plan: "gold" }, 400, /"gold" is not one of "basic", "pro", "enterprise"/],
      ["unknown field", { ...row, tenur: 3 }, 400, /did you mean `tenure`/],
      ["not an object", [row], 400, /must be a JSON object/],
    ];
    for (const [what, payload, status, message] of cases) {
      const res = await post(JSON.stringify(payload));
      expect(res.statusCode, what).toBe(status);
      const body = json(res.body);
      expect(body.problems?.map((p: { message: string }) => p.message).join("\n") ?? body.error, what).toMatch(message);
    }
    const several = json((await post(JSON.stringify({ ...row, tenure: -1, plan: 3, region: "x" }))).body);
    expect(several.problems.map((p: { path: string }) => p.path).sort()).toEqual(["/plan", "/region", "/tenure"]);

    const malformed = await post('{"tenure": 12,');
    expect(malformed.statusCode).toBe(400);
    expect(json(malformed.body).error).toMatch(/^malformed JSON/);
    const empty = await post("");
    expect(empty.statusCode).toBe(400);
    const tooBig = await post(JSON.stringify({ ...row, customer_id: "x".repeat(20000) }));
    expect(tooBig.statusCode).toBe(413);
    expect(json(tooBig.body).error).toBe("request body too large: at most 16384 bytes");
    const notJson = await app.inject({ method: "POST", url: PREDICT, payload: "tenure=3", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(notJson.statusCode).toBe(415);
    const poisoned = await post('{"__proto__": {"x": 1}, "tenure": 1}');
    expect(poisoned.statusCode).toBe(400);
    const unknownRoute = await app.inject({ method: "POST", url: "/v1/nope/predict", payload: row });
    expect(unknownRoute.statusCode).toBe(404);
    expect(json(unknownRoute.body).error).toMatch(/GET \/ lists the endpoints/);

    // and the server is unharmed
    expect((await post(JSON.stringify(row))).statusCode).toBe(200);
  });

  it("answers a wrong method with 405 and Allow; a body that is not plain JSON with 415", async () => {
    const row = JSON.stringify(churnRows(5, 1)[0]!);
    const get = await app.inject({ method: "GET", url: PREDICT });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe("POST");
    expect(json(get.body).error).toBe(`GET is not allowed on ${PREDICT}; use POST`);
    const post = await app.inject({ method: "POST", url: "/v1/churn_api/model", payload: row, headers: { "content-type": "application/json" } });
    expect(post.statusCode).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
    expect((await app.inject({ method: "DELETE", url: "/metrics" })).headers.allow).toBe("GET, HEAD");
    expect((await app.inject({ method: "GET", url: "/v1/nope/predict" })).statusCode).toBe(404);

    // text/plain is refused as a missing Content-Type is, not parsed as a string
    const missing = await app.inject({ method: "POST", url: PREDICT, payload: row, headers: { "content-type": "" } });
    const text = await app.inject({ method: "POST", url: PREDICT, payload: row, headers: { "content-type": "text/plain" } });
    expect(missing.statusCode).toBe(415);
    expect(text.statusCode).toBe(415);
    expect(json(text.body).error).toBe(json(missing.body).error);

    // an encoding the server does not decode
    for (const encoding of ["gzip", "br", "deflate, gzip"]) {
      const res = await app.inject({ method: "POST", url: PREDICT, payload: row, headers: { "content-type": "application/json", "content-encoding": encoding } });
      expect(res.statusCode, encoding).toBe(415);
      expect(json(res.body).error).toMatch(/does not decode Content-Encoding .*: send the body uncompressed/);
    }
    const identity = await app.inject({ method: "POST", url: PREDICT, payload: row, headers: { "content-type": "application/json", "content-encoding": "identity" } });
    expect(identity.statusCode).toBe(200);
  });

  it("describes the model: version, aliases, metrics, input schema and an example that is a valid request", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/churn_api/model" });
    expect(res.statusCode).toBe(200);
    const body = json(res.body);
    expect(body).toMatchObject({
      serve: "churn_api",
      name: "churn_mlp",
      version: 1,
      alias: "champion",
      aliases: ["champion"],
      task: "binary",
      classes: [false, true],
      metrics: { auc: 0.83, accuracy: 0.8 },
      fallback: { name: "churn_logreg", version: 1, alias: "champion" },
      batching: { maxBatch: 32, maxWaitMs: 2 },
      timeoutMs: 250,
    });
    expect(Object.keys(body.inputSchema.properties)).toEqual(["customer_id", "tenure", "monthly", "plan", "region", "support_calls"]);
    expect(body.inputSchema.required).toEqual(["tenure", "plan", "region", "support_calls"]);
    const answer = await app.inject({ method: "POST", url: PREDICT, payload: body.example });
    expect(answer.statusCode).toBe(200);
  });

  it("lists endpoints, reports health, readiness and Prometheus metrics", async () => {
    const index = json((await app.inject({ method: "GET", url: "/" })).body);
    expect(index.serves[0].endpoints.map((e: { path: string }) => e.path)).toEqual([PREDICT, "/v1/churn_api/model"]);
    expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    const ready = await app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(json(ready.body)).toEqual({ status: "ready", serves: { churn_api: { model: "churn_mlp", version: 1, ready: true } } });
    const metrics = await app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers["content-type"]).toMatch(/^text\/plain/);
    const text = metrics.body;
    expect(text).toMatch(/mlspec_requests_total\{serve="churn_api",model="churn_mlp",version="1",status="200"\} \d+/);
    expect(text).toMatch(/mlspec_requests_total\{serve="churn_api",model="churn_mlp",version="1",status="400"\} \d+/);
    expect(text).toMatch(/mlspec_requests_total\{serve="churn_api",model="churn_mlp",version="1",status="413"\} 1/);
    expect(text).toMatch(/mlspec_request_duration_seconds_bucket\{le="0.005",serve="churn_api"\} \d+/);
    expect(text).toMatch(/mlspec_batch_size_rows_bucket\{le="32",serve="churn_api",model="churn_mlp"\} \d+/);
    expect(text).toMatch(/mlspec_queue_depth_rows\{serve="churn_api",role="primary",model="churn_mlp"\} 0/);
    expect(text).toMatch(/mlspec_model_version\{serve="churn_api",role="fallback",model="churn_logreg"\} 1/);
    expect(text).toContain("# TYPE mlspec_fallbacks_total counter");
  });

  it("logs each prediction to the workspace: request id, time, inputs, output, version, latency", async () => {
    const rows = churnRows(6, 3);
    await app.inject({ method: "POST", url: PREDICT, payload: { instances: rows }, headers: { "x-request-id": "logged-1" } });
    const before = Date.now();
    await serving.close(); // flushes the log
    const logged = project.workspace.registry.readPredictions({ serve: "churn_api" }).filter((p) => p.requestId === "logged-1");
    expect(logged).toHaveLength(3);
    logged.forEach((p, i) => {
      expect(p).toMatchObject({ serve: "churn_api", model: "churn_mlp", version: 1, inputs: rows[i] });
      expect(p.time).toBeLessThanOrEqual(before);
      expect(p.latencyMs).toBeGreaterThan(0);
      expect(p.output).toHaveProperty("probabilities");
    });
    // a closed server refuses in-process predictions cleanly
    await expect(serving.predict(rows[0]!)).rejects.toThrow(/closed/);
  });
});

describe("fallback", () => {
  const cases = [
    { executor: "inline" as const },
    { executor: "worker" as const },
  ];
  for (const { executor } of cases) {
    it(`answers when the primary errors (${executor} executor), and says so`, async () => {
      const project = makeProject(churnSpecText({ fallback: "churn_logreg@champion" }));
      try {
        project.register("churn_mlp", singleRowOnlyModel()); // fails on any batch of two or more rows
        const logreg = churnModel({ seed: 2, hidden: [] });
        project.register("churn_logreg", logreg.bytes);
        const serving = await loadServing(project.specPath, { pollMs: 0, executor, predictionLog: false });
        const app = await createServeApp(serving);
        try {
          const rows = churnRows(7, 2);
          const one = await app.inject({ method: "POST", url: PREDICT, payload: rows[0]! });
          expect(json(one.body).model).toEqual({ name: "churn_mlp", version: 1 });
          const res = await app.inject({ method: "POST", url: PREDICT, payload: { instances: rows } });
          expect(res.statusCode).toBe(200);
          expect(res.headers["x-mlspec-fallback"]).toBe("error");
          const body = json(res.body);
          expect(body.fallback).toMatchObject({ reason: "error", primary: { name: "churn_mlp", version: 1 } });
          expect(body.fallback.message).toMatch(/onnxruntime/);
          expect(body.model).toEqual({ name: "churn_logreg", version: 1 });
          const expected = await ortOutput(logreg.bytes, rows);
          expect(body.predictions[1].probabilities.true).toBeCloseTo(expected[1]!, 6);
          const metrics = (await app.inject({ method: "GET", url: "/metrics" })).body;
          expect(metrics).toMatch(/mlspec_fallbacks_total\{serve="churn_api",reason="error"\} 1/);
          expect(metrics).toMatch(/mlspec_requests_total\{serve="churn_api",model="churn_logreg",version="1",status="200"\} 1/);
        } finally {
          await app.close();
          await serving.close();
        }
      } finally {
        project.cleanup();
      }
    });

    it(`answers when the primary is slower than the timeout (${executor} executor)`, async () => {
      const project = makeProject(churnSpecText({ fallback: "churn_logreg@champion", timeout: "50ms", batching: null }));
      try {
        project.register("churn_mlp", slowModel({ layers: 32 })); // a few hundred ms per row here, over 50 ms on any CPU
        project.register("churn_logreg", churnModel({ seed: 2, hidden: [] }).bytes);
        const serving = await loadServing(project.specPath, { pollMs: 0, executor, predictionLog: false });
        try {
          const result = await serving.predict(churnRows(8, 1));
          expect(result.fallback).toMatchObject({ reason: "timeout", message: "no answer within 50 ms" });
          expect(result.model).toEqual({ name: "churn_logreg", version: 1 });
        } finally {
          await serving.close();
        }
      } finally {
        project.cleanup();
      }
    });
  }

  it("without a fallback: 503 when the model fails, 504 when it is too slow", async () => {
    const failing = makeProject(churnSpecText());
    const slow = makeProject(churnSpecText({ timeout: "50ms", batching: null }));
    try {
      failing.register("churn_mlp", singleRowOnlyModel());
      slow.register("churn_mlp", slowModel({ layers: 32 }));
      for (const [project, status, message] of [
        [failing, 503, /churn_mlp version 1: onnxruntime/],
        [slow, 504, /churn_mlp version 1: no answer within 50 ms/],
      ] as const) {
        const serving = await loadServing(project.specPath, { pollMs: 0, predictionLog: false });
        const app = await createServeApp(serving);
        try {
          const res = await app.inject({ method: "POST", url: PREDICT, payload: { instances: churnRows(9, 2) } });
          expect(res.statusCode).toBe(status);
          expect(json(res.body).error).toMatch(message);
          expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
        } finally {
          await app.close();
          await serving.close();
        }
      }
    } finally {
      failing.cleanup();
      slow.cleanup();
    }
  });
});

describe("other tasks, several serve blocks on one server", () => {
  it("multiclass answers a label and every class's probability; regression a number", async () => {
    const project = makeProject(flowerSpecText());
    try {
      const species = flowerModel("multiclass", 3);
      const petal = flowerModel("regression", 4);
      project.register("species_mlp", species.bytes);
      project.register("petal_reg", petal.bytes);
      const serving = await loadServing(project.specPath, { pollMs: 0 });
      const app = await createServeApp(serving);
      try {
        const rows = flowerRows(5, 4);
        const s = json((await app.inject({ method: "POST", url: "/v1/species_api/predict", payload: { instances: rows } })).body);
        const probabilities = await ortOutput(species.bytes, rows, "probabilities");
        s.predictions.forEach((p: Record<string, any>, i: number) => {
          const expected = [0, 1, 2].map((k) => probabilities[i * 3 + k]!);
          expect(Object.keys(p.probabilities)).toEqual(["setosa", "versicolor", "virginica"]);
          expect(Object.values(p.probabilities as Record<string, number>).map((v) => Math.fround(v))).toEqual(expected);
          expect(p.prediction).toBe(["setosa", "versicolor", "virginica"][expected.indexOf(Math.max(...expected))]);
        });
        const r = json((await app.inject({ method: "POST", url: "/v1/petal_api/predict", payload: rows[0]! })).body);
        expect(r.prediction).toBeCloseTo((await ortOutput(petal.bytes, [rows[0]!], "prediction"))[0]!, 6);
        expect(r.model).toEqual({ name: "petal_reg", version: 1 });
        const index = json((await app.inject({ method: "GET", url: "/" })).body);
        expect(index.serves.map((x: { name: string }) => x.name)).toEqual(["species_api", "petal_api"]);
        // the label is not part of a request
        const withLabel = await app.inject({ method: "POST", url: "/v1/species_api/predict", payload: { ...rows[0]!, species: "setosa" } });
        expect(withLabel.statusCode).toBe(400);
      } finally {
        await app.close();
        await serving.close();
      }
    } finally {
      project.cleanup();
    }
  });

  it("a recommender answers a score; an id never seen in training is fine", async () => {
    const project = makeProject(ratingSpecText());
    try {
      const model = ratingModel(5);
      project.register("movie_mf", model.bytes);
      const serving = await loadServing(project.specPath, { pollMs: 0, predictionLog: false });
      const app = await createServeApp(serving);
      try {
        const rows = [{ user_id: "u1", movie_id: "m3" }, { user_id: "someone new", movie_id: "m3" }];
        const res = json((await app.inject({ method: "POST", url: "/v1/movie_api/predict", payload: { instances: rows } })).body);
        const expected = await ortOutput(model.bytes, rows, "score");
        expect(res.predictions.map((p: { score: number }) => Math.fround(p.score))).toEqual([expected[0], expected[1]]);
        expect(Object.keys(res.predictions[0])).toEqual(["score", "model"]);
        expect(serving.describe()).toMatchObject({ task: "recommendation", inputSchema: { required: ["user_id", "movie_id"] } });
      } finally {
        await app.close();
        await serving.close();
      }
    } finally {
      project.cleanup();
    }
  });
});
