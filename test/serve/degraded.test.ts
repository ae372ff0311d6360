/**
 * A primary that does not load, beside a fallback that does: the server
 * starts degraded (the fallback answers, /readyz and /metrics say so) and
 * retries the primary on a schedule the test drives by hand: no real waits.
 */
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createServeApp } from "../../runtime/serve/http-server.js";
import { loadServing, type Serving } from "../../runtime/serve/load-serving.js";
import type { ServeEvent } from "../../runtime/serve/model-slot.js";
import { churnModel, churnRows, churnSpecText, makeProject, type TestProject } from "./models.js";

const PREDICT = "/v1/churn_api/predict";
const json = (body: string) => JSON.parse(body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Tasks scheduled by the serve, run when the test says. */
function manualSchedule() {
  const tasks: Array<{ task: () => void; delayMs: number; cancelled: boolean }> = [];
  return {
    tasks,
    schedule(task: () => void, delayMs: number) {
      const entry = { task, delayMs, cancelled: false };
      tasks.push(entry);
      return () => {
        entry.cancelled = true;
      };
    },
    pending() {
      return tasks.filter((t) => !t.cancelled);
    },
    /** Run the one pending task (and mark it done). */
    runNext() {
      const next = tasks.find((t) => !t.cancelled);
      if (!next) throw new Error("nothing scheduled");
      next.cancelled = true;
      next.task();
    },
  };
}

/** Not an ONNX model: a corrupt artifact. */
const CORRUPT = new TextEncoder().encode("this is not an onnx model");

let project: TestProject | undefined;
let serving: Serving | undefined;
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  await serving?.close();
  project?.cleanup();
  app = serving = project = undefined;
});

async function until(condition: () => boolean): Promise<void> {
  // the retry's load is asynchronous (onnxruntime): wait for it by yielding, not by a timer
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

describe("a corrupt primary beside a fallback that loads", () => {
  it("starts degraded: the fallback answers, /readyz and /metrics say why, and the primary is retried until it loads", async () => {
    project = makeProject(churnSpecText({ fallback: "churn_logreg@champion" }));
    project.register("churn_mlp", CORRUPT);
    const logreg = churnModel({ seed: 2, hidden: [] });
    project.register("churn_logreg", logreg.bytes);
    const clock = manualSchedule();
    const events: ServeEvent[] = [];
    serving = await loadServing(project.specPath, {
      pollMs: 0,
      predictionLog: false,
      onEvent: (e) => events.push(e),
      primaryRetry: { schedule: clock.schedule, firstDelayMs: 1000, maxDelayMs: 4000 },
    });
    app = await createServeApp(serving);

    // the fallback answers, and the answer says the serve is degraded
    const row = churnRows(3, 1)[0]!;
    const res = await app.inject({ method: "POST", url: PREDICT, payload: row });
    expect(res.statusCode).toBe(200);
    expect(res.headers["x-mlspec-fallback"]).toBe("degraded");
    const body = json(res.body);
    expect(body.model).toEqual({ name: "churn_logreg", version: 1 });
    expect(body.fallback).toMatchObject({ reason: "degraded", primary: { name: "churn_mlp", alias: "champion" } });
    expect(body.fallback.message).toMatch(/churn_mlp/);

    // /readyz: 200 (requests are answered), degraded, with the reason
    const ready = await app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    const readyBody = json(ready.body);
    expect(readyBody.status).toBe("degraded");
    expect(readyBody.serves.churn_api).toMatchObject({ model: "churn_logreg", version: 1, ready: true, degraded: { attempts: 1 } });
    expect(readyBody.serves.churn_api.degraded.reason).toMatch(/churn_mlp/);
    expect(serving.describe()).toMatchObject({ name: "churn_logreg", alias: "champion", degraded: { reason: readyBody.serves.churn_api.degraded.reason } });

    // /metrics: a gauge, and the failed load counted
    let metrics = (await app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/^mlspec_serve_degraded\{serve="churn_api"\} 1$/m);
    expect(metrics).toMatch(/^mlspec_model_load_failures_total\{serve="churn_api",model="churn_mlp"\} 1$/m);
    expect(metrics).toMatch(/^mlspec_fallbacks_total\{serve="churn_api",reason="degraded"\} 1$/m);
    expect(events.filter((e) => e.kind === "degraded")).toHaveLength(1);

    // retries back off (1 s, 2 s, 4 s, 4 s), one pending at a time; each failure is counted
    expect(clock.pending().map((t) => t.delayMs)).toEqual([1000]);
    for (const delay of [2000, 4000, 4000]) {
      clock.runNext();
      await until(() => clock.pending().length === 1);
      expect(clock.pending()[0]!.delayMs).toBe(delay);
    }
    expect(serving.endpoint().degraded?.attempts).toBe(4);
    metrics = (await app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/^mlspec_model_load_failures_total\{serve="churn_api",model="churn_mlp"\} 4$/m);

    // the alias moves to a version that loads: the next retry brings the primary back
    const mlp = churnModel({ seed: 1 });
    project.register("churn_mlp", mlp.bytes);
    clock.runNext();
    await until(() => serving!.endpoint().degraded === undefined);
    expect(clock.pending()).toHaveLength(0);
    expect(events.at(-1)).toEqual({ kind: "recovered", serve: "churn_api", model: "churn_mlp", version: 2 });
    const after = await app.inject({ method: "POST", url: PREDICT, payload: row });
    expect(json(after.body).model).toEqual({ name: "churn_mlp", version: 2 });
    expect(after.headers["x-mlspec-fallback"]).toBeUndefined();
    expect(json((await app.inject({ method: "GET", url: "/readyz" })).body)).toEqual({
      status: "ready",
      serves: { churn_api: { model: "churn_mlp", version: 2, ready: true } },
    });
    metrics = (await app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/^mlspec_serve_degraded\{serve="churn_api"\} 0$/m);
  });

  it("SIGHUP's refresh retries at once; close cancels the pending retry", async () => {
    project = makeProject(churnSpecText({ fallback: "churn_logreg@champion" }));
    project.register("churn_mlp", CORRUPT);
    project.register("churn_logreg", churnModel({ seed: 2, hidden: [] }).bytes);
    const clock = manualSchedule();
    serving = await loadServing(project.specPath, { pollMs: 0, predictionLog: false, primaryRetry: { schedule: clock.schedule } });
    await serving.refresh(); // a poll does not retry out of turn
    expect(serving.endpoint().degraded?.attempts).toBe(1);
    await serving.refresh({ retryFailed: true });
    expect(serving.endpoint().degraded?.attempts).toBe(2);
    expect(clock.pending()).toHaveLength(1);
    await serving.close();
    expect(clock.pending()).toHaveLength(0);
  });

  it("without a fallback, or when the fallback fails too, it does not start, and says why", async () => {
    project = makeProject(churnSpecText());
    project.register("churn_mlp", CORRUPT);
    await expect(loadServing(project.specPath, { pollMs: 0, predictionLog: false })).rejects.toThrow(/churn_mlp/);
    project.cleanup();
    project = makeProject(churnSpecText({ fallback: "churn_logreg@champion" }));
    project.register("churn_mlp", CORRUPT);
    project.register("churn_logreg", CORRUPT);
    await expect(loadServing(project.specPath, { pollMs: 0, predictionLog: false })).rejects.toThrow(/neither model loads: .*churn_mlp.*; fallback: .*churn_logreg/);
  });
});
