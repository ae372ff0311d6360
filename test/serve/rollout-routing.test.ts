/**
 * Routing and feedback on the real server (ephemeral port, seeded Rng): shares
 * by weight, answers and log rows that carry arm and rollout, per-arm metrics,
 * feedback (one, many, unknown ids, bad bodies, rows still in the log buffer).
 */
import { afterEach, describe, expect, it } from "vitest";
import { Rng } from "../../core/rng.js";
import { listenServing, type ListeningServer } from "../../runtime/serve/http-server.js";
import { loadServing, type Serving } from "../../runtime/serve/load-serving.js";
import { readFeedback } from "../../runtime/workspace/feedback.js";
import { churnModel, churnRows, churnSpecText, makeProject, type TestProject } from "./models.js";

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const clean of cleanups.reverse()) await clean();
  cleanups = [];
});

function project(): TestProject {
  const p = makeProject(churnSpecText());
  cleanups.push(() => p.cleanup());
  p.register("churn_mlp", churnModel({ seed: 1 }).bytes, "champion");
  p.register("churn_mlp", churnModel({ seed: 2 }).bytes, "challenger");
  return p;
}

async function start(p: TestProject, options: Parameters<typeof loadServing>[1] = {}): Promise<{ serving: Serving; server: ListeningServer }> {
  const rng = new Rng(42);
  const serving = await loadServing(p.specPath, { pollMs: 0, random: () => rng.next(), ...options });
  const [server] = await listenServing(serving, { host: "127.0.0.1", port: 0 });
  cleanups.push(async () => {
    await server!.app.close();
    await serving.close();
  });
  return { serving, server: server! };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe("routing over model slots", () => {
  it("splits traffic by weight within 3σ; answers, log rows and /metrics carry the arm and the rollout", async () => {
    const p = project();
    const { serving, server } = await start(p);
    const endpoint = serving.endpoint();
    await endpoint.setSlot("candidate", "churn_mlp@challenger");
    endpoint.router.setWeights("canary_r", { current: 0.7, candidate: 0.3 });
    const rows = churnRows(5, 300);
    const answers = await Promise.all(rows.map((row) => post(`${server.url}/v1/churn_api/predict`, row)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const onCandidate = answers.filter((a) => a.body.arm === "candidate");
    expect(Math.abs(onCandidate.length - 90)).toBeLessThanOrEqual(3 * Math.sqrt(300 * 0.3 * 0.7));
    expect(onCandidate.every((a) => a.body.model.version === 2)).toBe(true);
    expect(answers.filter((a) => a.body.arm === "current").every((a) => a.body.model.version === 1)).toBe(true);
    const metrics = await serving.metrics.text();
    expect(metrics).toContain(`mlspec_arm_requests_total{serve="churn_api",arm="candidate"} ${onCandidate.length}`);
    expect(metrics).toContain(`mlspec_rollout_weight{serve="churn_api",rollout="canary_r",arm="candidate"} 0.3`);
    expect(metrics).toMatch(/mlspec_arm_duration_seconds_count\{serve="churn_api",arm="current"\} \d+/);
    await serving.close();
    const logged = p.workspace.registry.readPredictions({ serve: "churn_api" });
    expect(logged).toHaveLength(300);
    expect(logged.filter((r) => r.arm === "candidate")).toHaveLength(onCandidate.length);
    expect(logged.every((r) => r.rollout === "canary_r" && r.error === null)).toBe(true);
  });

  it("sticky keys keep their arm across a restart of the server", async () => {
    const p = project();
    const arms: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const { serving, server } = await start(p, { predictionLog: false });
      await serving.endpoint().setSlot("candidate", "churn_mlp@challenger");
      serving.endpoint().router.setWeights("ab_r", { current: 0.5, candidate: 0.5 }, { stickyBy: "customer_id" });
      const rows = churnRows(8, 60);
      const answers = await Promise.all(rows.map((row) => post(`${server.url}/v1/churn_api/predict`, row)));
      arms.push(answers.map((a) => a.body.arm as string));
      await server.app.close();
      await serving.close();
    }
    expect(arms[1]).toEqual(arms[0]);
    expect(new Set(arms[0])).toEqual(new Set(["current", "candidate"]));
  });

  it("ignores x-mlspec-arm unless the serve block allows it", async () => {
    const p = project();
    const { serving, server } = await start(p, { predictionLog: false });
    await serving.endpoint().setSlot("candidate", "churn_mlp@challenger");
    const row = churnRows(3, 1)[0];
    const pinned = await post(`${server.url}/v1/churn_api/predict`, row, { "x-mlspec-arm": "candidate" });
    expect(pinned.body.arm).toBe("current");
  });
});

describe("POST /v1/<serve>/feedback", () => {
  it("stores one or many outcomes, lists unknown ids, refuses bad bodies with 4xx, and finds requests still in the log buffer", async () => {
    const p = project();
    // the writer holds rows for a minute: the feedback must flush them, not call them unknown
    const { server } = await start(p, { predictionLog: { maxDelayMs: 60_000, maxRows: 100_000 } });
    const url = `${server.url}/v1/churn_api/feedback`;
    const rows = churnRows(4, 3);
    const ids: string[] = [];
    for (const row of rows) ids.push((await post(`${server.url}/v1/churn_api/predict`, row)).body.requestId as string);
    expect(p.workspace.registry.readPredictions({ serve: "churn_api" })).toHaveLength(0);

    const one = await post(url, { request_id: ids[0], outcome: true });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ accepted: 1, rejected: 0 });

    const many = await post(url, { feedback: [{ request_id: ids[1], outcome: 0.5 }, { key: { customer_id: rows[2]!.customer_id }, outcome: false }, { request_id: "nope", outcome: 1 }, { outcome: 1 }] });
    expect(many.status).toBe(207);
    expect(many.body.items.map((i: { status: string }) => i.status)).toEqual(["accepted", "accepted", "unknown_request_id", "invalid"]);

    const unknown = await post(url, { request_id: "never-seen", outcome: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.items[0]).toMatchObject({ status: "unknown_request_id", request_id: "never-seen" });

    for (const bad of [[1, 2], { request_id: ids[0], key: { customer_id: "x" }, outcome: 1 }, { request_id: ids[0], outcome: "yes" }, { feedback: [] }, { key: { nonsense: 1 }, outcome: 1 }, "{not json"]) {
      const res = await post(url, bad);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(typeof res.body.error).toBe("string");
    }
    const stored = readFeedback(p.workspace.registry.db, "churn_api");
    expect(stored.map((f) => f.outcome)).toEqual([1, 0.5, 0]);
  });
});
