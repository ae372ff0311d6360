/**
 * The real server on an ephemeral port of 127.0.0.1: answers over HTTP equal
 * onnxruntime's, concurrent requests merge into model runs, and a model
 * version swapped in under load drops no request.
 */
import { afterEach, describe, expect, it } from "vitest";
import { listenServing, type ListeningServer } from "../../runtime/serve/http-server.js";
import { loadServing, type Serving } from "../../runtime/serve/load-serving.js";
import type { ServeEvent } from "../../runtime/serve/model-slot.js";
import { ortOutput } from "./expected.js";
import { churnModel, churnRows, churnSpecText, makeProject, type TestProject } from "./models.js";

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const clean of cleanups.reverse()) await clean();
  cleanups = [];
});

async function start(project: TestProject, options: Parameters<typeof loadServing>[1] = {}): Promise<{ serving: Serving; server: ListeningServer; events: ServeEvent[] }> {
  const events: ServeEvent[] = [];
  const serving = await loadServing(project.specPath, { pollMs: 0, onEvent: (e) => events.push(e), ...options });
  const [server] = await listenServing(serving, { host: "127.0.0.1", port: 0 });
  cleanups.push(async () => {
    await server!.app.close();
    await serving.close();
  });
  return { serving, server: server!, events };
}

function project(spec: string): TestProject {
  const p = makeProject(spec);
  cleanups.push(() => p.cleanup());
  return p;
}

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, any> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function metricValue(text: string, pattern: RegExp): number {
  const match = text.match(pattern);
  return match ? Number(match[1]) : NaN;
}

describe("the server over HTTP", () => {
  it("listens on 127.0.0.1 and answers what onnxruntime answers", async () => {
    const p = project(churnSpecText());
    const model = churnModel({ seed: 11 });
    p.register("churn_mlp", model.bytes);
    const { server } = await start(p);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const rows = churnRows(12, 20);
    const expected = await ortOutput(model.bytes, rows);
    const single = await Promise.all(rows.map((row) => post(`${server.url}/v1/churn_api/predict`, row)));
    single.forEach((res, i) => {
      expect(res.status).toBe(200);
      expect(res.body.probabilities.true).toBeCloseTo(expected[i]!, 6);
    });
    const batch = await post(`${server.url}/v1/churn_api/predict`, { instances: rows });
    expect(batch.body.predictions.map((p: { probabilities: { true: number } }) => Math.fround(p.probabilities.true))).toEqual(
      Array.from(expected, (v) => expect.closeTo(v, 6)),
    );
    const bad = await post(`${server.url}/v1/churn_api/predict`, { ...rows[0], plan: "gold" });
    expect(bad.status).toBe(400);
  });

  it("merges requests that arrive together into one model run, and runs each alone without batching", async () => {
    for (const [batching, runs] of [[{ maxBatch: 64, maxWait: "2ms" }, 2], [null, 20]] as const) {
      const p = project(churnSpecText({ batching }));
      p.register("churn_mlp", churnModel({ seed: 1 }).bytes);
      const { serving } = await start(p, { predictionLog: false });
      const rows = churnRows(13, 20);
      // all submitted in one tick: the first runs at once, the other 19 wait for it and go together
      const answers = await Promise.all(rows.map((row) => serving.predict(row)));
      expect(answers.every((a) => a.predictions.length === 1)).toBe(true);
      const text = await serving.metrics.text();
      expect(metricValue(text, /mlspec_batch_size_rows_count\{serve="churn_api",model="churn_mlp"\} (\d+)/)).toBe(runs); // warm-up runs are not counted
    }
  });

  it("swaps in a new model version under load without dropping a request", async () => {
    // a generous timeout: this is about the swap, and on a busy machine loading v2 can hold a request past 250 ms
    const p = project(churnSpecText({ timeout: "10s" }));
    const v1 = churnModel({ seed: 21 });
    const v2 = churnModel({ seed: 22, hidden: [8] });
    p.register("churn_mlp", v1.bytes);
    const { server, serving, events } = await start(p, { pollMs: 25 });
    const url = `${server.url}/v1/churn_api/predict`;
    const rows = churnRows(14, 64);
    const [e1, e2] = [await ortOutput(v1.bytes, rows), await ortOutput(v2.bytes, rows)];

    const seen: Array<{ version: number; status: number }> = [];
    const failures: unknown[] = [];
    let stop = false;
    let sent = 0;
    const client = async (k: number) => {
      // bounded: stops when told, or after 4000 requests in all
      while (!stop && sent < 4000) {
        const i = (k * 7 + sent++) % rows.length;
        try {
          const res = await post(url, rows[i]);
          seen.push({ version: res.body.model?.version, status: res.status });
          if (res.status === 200) {
            const expected = res.body.model.version === 1 ? e1 : e2;
            expect(res.body.probabilities.true).toBeCloseTo(expected[i]!, 6);
          }
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const clients = Array.from({ length: 16 }, (_, k) => client(k));
    while (seen.length < 200) await new Promise((r) => setTimeout(r, 5));
    p.register("churn_mlp", v2.bytes); // version 2, champion now: the poll sees it
    const swappedAt = seen.length;
    while (!seen.slice(swappedAt).some((s) => s.version === 2) && sent < 4000) await new Promise((r) => setTimeout(r, 5));
    const firstV2 = seen.length;
    while (seen.length < firstV2 + 200 && sent < 4000) await new Promise((r) => setTimeout(r, 5));
    stop = true;
    await Promise.all(clients);

    expect(failures).toEqual([]);
    expect(seen.filter((s) => s.status !== 200)).toEqual([]);
    expect(seen.slice(0, swappedAt).every((s) => s.version === 1)).toBe(true);
    expect(seen.slice(-100).every((s) => s.version === 2)).toBe(true);
    expect(events.filter((e) => e.kind === "swapped")).toEqual([{ kind: "swapped", serve: "churn_api", role: "primary", model: "churn_mlp", from: 1, to: 2 }]);
    expect(serving.describe().version).toBe(2);
    const metrics = await serving.metrics.text();
    expect(metrics).toMatch(/mlspec_model_swaps_total\{serve="churn_api",model="churn_mlp"\} 1/);
    expect(metrics).toMatch(/mlspec_model_version\{serve="churn_api",role="primary",model="churn_mlp"\} 2/);
  });

  it("keeps serving the current version when the new one cannot load", async () => {
    const p = project(churnSpecText());
    p.register("churn_mlp", churnModel({ seed: 31 }).bytes);
    const { server, serving, events } = await start(p);
    p.register("churn_mlp", new TextEncoder().encode("not an onnx model"));
    await serving.refresh();
    await serving.refresh(); // a failed version is not retried on every poll
    const failed = events.filter((e) => e.kind === "load_failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ serve: "churn_api", model: "churn_mlp", version: 2 });
    expect((failed[0] as { message: string }).message).toMatch(/cannot load churn_mlp version 2/);
    const res = await post(`${server.url}/v1/churn_api/predict`, churnRows(15, 1)[0]);
    expect(res.status).toBe(200);
    expect(res.body.model).toEqual({ name: "churn_mlp", version: 1 });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await serving.metrics.text()).toMatch(/mlspec_model_load_failures_total\{serve="churn_api",model="churn_mlp"\} 1/);

    // the alias removed: said once, and the loaded version goes on answering
    p.workspace.registry.removeAlias("churn_mlp", "champion");
    await serving.refresh();
    await serving.refresh();
    const warnings = events.filter((e) => e.kind === "warning");
    expect(warnings).toHaveLength(1);
    expect((warnings[0] as { message: string }).message).toMatch(/nothing to serve for churn_mlp@champion: model churn_mlp has no alias "champion".*still serving version 1$/);
    expect((await post(`${server.url}/v1/churn_api/predict`, churnRows(15, 1)[0])).status).toBe(200);
  });
});
