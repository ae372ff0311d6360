/**
 * Rollout slots on a real server (ephemeral port): `x-mlspec-arm` pins an arm
 * where the serve block says `allow_arm_header = true` (a slot not loaded is a
 * 400, a rollout may turn the header off); a slow shadow copy never delays or
 * changes the answer; a candidate that fails is counted per arm and answered by
 * the current model; feedback by key joins the latest prediction with that key.
 */
import { afterEach, describe, expect, it } from "vitest";
import { listenServing, type ListeningServer } from "../../runtime/serve/http-server.js";
import { loadServing, type LoadServingOptions, type Serving } from "../../runtime/serve/load-serving.js";
import { predictionsWithOutcomes } from "../../runtime/workspace/feedback.js";
import { churnModel, churnRows, churnSpecText, makeProject, singleRowOnlyModel, slowModel, type ServeBlockOptions, type TestProject } from "./models.js";

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const clean of cleanups.reverse()) await clean();
  cleanups = [];
});

function project(serve: ServeBlockOptions = {}, extra = ""): TestProject {
  let text = churnSpecText(serve);
  if (extra) text = text.replace(/(  timeout = \S+\n)/, `$1  ${extra}\n`);
  const p = makeProject(text);
  cleanups.push(() => p.cleanup());
  return p;
}

async function start(p: TestProject, options: LoadServingOptions = {}): Promise<{ serving: Serving; server: ListeningServer }> {
  const serving = await loadServing(p.specPath, { pollMs: 0, ...options });
  const [server] = await listenServing(serving, { host: "127.0.0.1", port: 0 });
  cleanups.push(async () => {
    await server!.app.close();
    await serving.close();
  });
  return { serving, server: server! };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

describe("x-mlspec-arm where the serve block allows it", () => {
  it("pins the arm, refuses a slot not loaded with 400, and is ignored while a rollout turns it off", async () => {
    const p = project({}, "allow_arm_header = true");
    p.register("churn_mlp", churnModel({ seed: 1 }).bytes, "champion");
    p.register("churn_mlp", churnModel({ seed: 2 }).bytes, "challenger");
    const { serving, server } = await start(p, { predictionLog: false, random: () => 0.99 });
    const url = `${server.url}/v1/churn_api/predict`;
    const endpoint = serving.endpoint();
    await endpoint.setSlot("candidate", "churn_mlp@challenger");
    const row = churnRows(5, 1)[0];

    const pinned = await post(url, row, { "x-mlspec-arm": "candidate" });
    expect(pinned.status).toBe(200);
    expect(pinned.body).toMatchObject({ arm: "candidate", model: { name: "churn_mlp", version: 2 } });
    expect(pinned.headers.get("x-mlspec-arm")).toBe("candidate");
    expect((await post(url, row)).body).toMatchObject({ arm: "current", model: { version: 1 } });

    const missing = await post(url, row, { "x-mlspec-arm": "shadow" });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/x-mlspec-arm: serve churn_api has no slot "shadow" loaded; loaded: current, candidate/);

    // a rollout's weights route (random 0.99 → current), and pin nothing when the rollout says so
    endpoint.router.setWeights("r", { current: 0.9, candidate: 0.1 });
    expect((await post(url, row, { "x-mlspec-arm": "candidate" })).body.arm).toBe("candidate");
    endpoint.router.setWeights("r", { current: 0.9, candidate: 0.1 }, { allowArmHeader: false });
    expect((await post(url, row, { "x-mlspec-arm": "candidate" })).body.arm).toBe("current");
    expect((await post(url, row, { "x-mlspec-arm": "shadow" })).status).toBe(200);
  });
});

describe("a slow shadow", () => {
  it("never delays or changes the answer: every answer arrives while its shadow copy is held back", async () => {
    const p = project({ batching: null });
    p.register("churn_mlp", churnModel({ seed: 1 }).bytes, "champion");
    p.register("churn_mlp", slowModel({ layers: 1 }), "challenger"); // tens of ms a row
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held: string[] = [];
    const sent: string[] = [];
    const { serving, server } = await start(p, {
      random: () => 0,
      beforeShadow: async (id) => {
        held.push(id);
        await gate; // the copy is as slow as the test wants
        sent.push(id);
      },
    });
    const endpoint = serving.endpoint();
    await endpoint.setSlot("shadow", "churn_mlp@challenger");
    endpoint.router.setWeights("shadow_r", { current: 1 }, { shadow: { slot: "shadow", sample: 1 } });

    const answers = [];
    for (const row of churnRows(6, 5)) answers.push(await post(`${server.url}/v1/churn_api/predict`, row));
    // all five answered by the current model, with no fallback, before any copy went to the shadow
    expect(answers.map((a) => [a.status, a.body.arm, a.body.model.version, a.body.fallback])).toEqual(Array(5).fill([200, "current", 1, undefined]));
    expect(sent).toEqual([]);
    expect(await serving.metrics.text()).not.toMatch(/mlspec_arm_requests_total\{serve="churn_api",arm="shadow"\}/);

    release();
    const shadowCount = async () => Number(/mlspec_arm_requests_total\{serve="churn_api",arm="shadow"\} (\d+)/.exec(await serving.metrics.text())?.[1] ?? 0);
    for (let i = 0; i < 600 && (await shadowCount()) < 5; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await shadowCount()).toBe(5);
    expect(new Set(sent)).toEqual(new Set(answers.map((a) => a.body.requestId)));
    await serving.close();
    const logged = p.workspace.registry.readPredictions({ serve: "churn_api" });
    expect(logged.filter((r) => r.arm === "current").map((r) => r.version)).toEqual(Array(5).fill(1));
    const copies = logged.filter((r) => r.arm === "shadow");
    expect(copies.map((r) => r.version)).toEqual(Array(5).fill(2));
    expect(new Set(copies.map((r) => r.requestId))).toEqual(new Set(held));
  });
});

describe("a candidate that fails", () => {
  it("is counted per arm on /metrics and in the log, and its requests are answered by the current model", async () => {
    const p = project({ batching: null });
    p.register("churn_mlp", churnModel({ seed: 1 }).bytes, "champion");
    p.register("churn_mlp", singleRowOnlyModel(), "challenger"); // answers one row, fails on a batch
    const { serving, server } = await start(p, { random: () => 0.5 });
    const endpoint = serving.endpoint();
    await endpoint.setSlot("candidate", "churn_mlp@challenger");
    endpoint.router.setWeights("canary_r", { current: 0, candidate: 1 });
    const url = `${server.url}/v1/churn_api/predict`;
    const rows = churnRows(7, 8);
    const batches = [];
    for (let i = 0; i < 3; i++) batches.push(await post(url, { instances: [rows[2 * i], rows[2 * i + 1]] }));
    const singles = [await post(url, rows[6]), await post(url, rows[7])];

    for (const b of batches) {
      expect(b.status).toBe(200);
      expect(b.body).toMatchObject({ arm: "candidate", model: { version: 1 }, fallback: { reason: "error", primary: { name: "churn_mlp", version: 2 } } });
      expect(b.headers.get("x-mlspec-fallback")).toBe("error");
    }
    for (const s of singles) expect(s.body).toMatchObject({ arm: "candidate", model: { version: 2 } });
    const text = await serving.metrics.text();
    expect(text).toContain('mlspec_arm_requests_total{serve="churn_api",arm="candidate"} 5');
    expect(text).toContain('mlspec_arm_errors_total{serve="churn_api",arm="candidate",reason="error"} 3');
    expect(text).not.toMatch(/mlspec_arm_errors_total\{serve="churn_api",arm="current"/);
    expect(text).toMatch(/mlspec_arm_duration_seconds_count\{serve="churn_api",arm="candidate"\} 5/);

    await serving.close();
    const logged = p.workspace.registry.readPredictions({ serve: "churn_api" });
    expect(logged).toHaveLength(8); // one a row
    expect(logged.every((r) => r.arm === "candidate" && r.rollout === "canary_r")).toBe(true);
    expect(logged.filter((r) => r.error === "error").map((r) => r.version)).toEqual(Array(6).fill(1));
    expect(logged.filter((r) => r.error === null).map((r) => r.version)).toEqual([2, 2]);
  });
});

describe("feedback by key", () => {
  it("joins the latest earlier prediction with the key's value, marked by key", async () => {
    const p = project();
    p.register("churn_mlp", churnModel({ seed: 1 }).bytes, "champion");
    const { serving, server } = await start(p);
    const [a, b, other] = churnRows(9, 3);
    const ids: string[] = [];
    // the same customer twice (a later visit), then another one
    for (const row of [a, { ...b, customer_id: a!.customer_id }, other]) ids.push((await post(`${server.url}/v1/churn_api/predict`, row)).body.requestId as string);

    const fb = await post(`${server.url}/v1/churn_api/feedback`, { feedback: [{ key: { customer_id: a!.customer_id }, outcome: true }, { key: { customer_id: "never-seen" }, outcome: false }] });
    expect(fb.status).toBe(200); // a key is stored as given: it joins when a prediction has it
    expect(fb.body.accepted).toBe(2);
    await serving.close(); // the log written out; the join is made when read
    const joined = predictionsWithOutcomes(p.workspace.registry.db, { serve: "churn_api", from: 0, to: Date.now() + 1 });
    expect(joined.map((j) => [j.prediction.requestId, j.outcome, j.by])).toEqual([[ids[1], 1, "key"]]);
  });
});
