/**
 * The rollout controller beside a real server (ephemeral port): a canary moves
 * the router's weights and loads the candidate slot, judges the guards on the
 * prediction log and feedback, survives a restart of the server mid-rollout,
 * and promotes by moving @champion with the rollout as the mover. The
 * controller's clock is real time plus an offset the test advances, so no test
 * waits for an interval (the log rows a test makes are moved onto that clock).
 */
import { afterEach, describe, expect, it } from "vitest";
import { Rng } from "../../core/rng.js";
import { RolloutServer } from "../../runtime/rollout/rollout-server.js";
import type { RolloutDoc } from "../../stdlib/rollout/shared/rollout-types.js";
import { listenServing, type ListeningServer } from "../../runtime/serve/http-server.js";
import { loadServing, type Serving } from "../../runtime/serve/load-serving.js";
import { churnModel, churnRows, churnSpecText, makeProject, type TestProject } from "../serve/models.js";

const MIN = 60_000;
let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const clean of cleanups.reverse()) await clean();
  cleanups = [];
});

const SPEC = churnSpecText() + `
rollout churn_rollout for churn_api {
  canary(steps = [50%, 100%], interval = 10m, min_samples = 20)
  guard { error_rate < 1% }
}
`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

let offset = 0;
const clock = () => Date.now() + offset;

async function start(p: TestProject, holder: string): Promise<{ serving: Serving; server: ListeningServer; rollouts: RolloutServer }> {
  const rng = new Rng(7);
  const serving = await loadServing(p.specPath, { pollMs: 0, random: () => rng.next() });
  const [server] = await listenServing(serving, { host: "127.0.0.1", port: 0 });
  const rollouts = new RolloutServer({ reconcileMs: 3_600_000, holder });
  await rollouts.start({ db: serving.workspace.registry.db, plan: serving.plan, endpoints: new Map(serving.endpoints.map((e) => [e.name, e])), clock, log: () => undefined });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await rollouts.stop();
    await server!.app.close();
    await serving.close();
  };
  cleanups.push(stop);
  return { serving, server: server!, rollouts: Object.assign(rollouts, { stopAll: stop }) };
}

/** Requests with outcomes; their log rows are moved to the controller's clock (the server stamps real time). */
async function traffic(p: TestProject, server: ListeningServer, seed: number, n: number): Promise<string[]> {
  const db = p.workspace.registry.db;
  const before = (db.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM predictions").get() as { id: number }).id;
  const answers = await Promise.all(churnRows(seed, n).map((row) => post(`${server.url}/v1/churn_api/predict`, row)));
  expect(answers.every((a) => a.status === 200)).toBe(true);
  // outcomes for every request (the feedback route flushes the prediction log first)
  const fb = await post(`${server.url}/v1/churn_api/feedback`, { feedback: answers.map((a, i) => ({ request_id: a.body.requestId, outcome: i % 2 === 0 })) });
  expect(fb.status).toBe(200);
  db.prepare("UPDATE predictions SET at = at + ? WHERE id > ?").run(offset, before);
  return answers.map((a) => a.body.arm as string);
}

describe("a canary beside mlspec serve", () => {
  it("routes by the step's weight, continues after a restart, and promotes with the rollout as the alias mover", async () => {
    offset = 0;
    const p = makeProject(SPEC);
    cleanups.push(() => p.cleanup());
    p.register("churn_mlp", churnModel({ seed: 1 }).bytes, "champion");
    p.register("churn_mlp", churnModel({ seed: 2 }).bytes, "challenger");
    const state = () => p.workspace.registry.getRolloutState<RolloutDoc>("churn_rollout")!.state;

    const first = await start(p, "server-1");
    expect(state()).toMatchObject({ phase: "progressing", step: 0, weights: { candidate: 0.5, current: 0.5 } });
    expect(first.serving.endpoint().router.weights).toEqual({ candidate: 0.5, current: 0.5 });
    const arms = await traffic(p, first.server, 3, 200);
    const onCandidate = arms.filter((a) => a === "candidate").length;
    expect(Math.abs(onCandidate - 100)).toBeLessThanOrEqual(3 * Math.sqrt(200 * 0.25));

    offset += 10 * MIN;
    await first.rollouts.tick();
    expect(state()).toMatchObject({ step: 1, weights: { candidate: 1, current: 0 } });
    expect(state().guards[0]).toMatchObject({ guard: "error_rate < 1%", verdict: "pass", samples: onCandidate });

    // the server goes away mid-rollout; a new one takes over once the old lease has expired
    await (first.rollouts as RolloutServer & { stopAll: () => Promise<void> }).stopAll();
    offset += MIN;
    const second = await start(p, "server-2");
    expect(second.serving.endpoint().router.weights).toEqual({ candidate: 1, current: 0 });
    expect(state()).toMatchObject({ step: 1, lease: { holder: "server-2" } });
    const later = await traffic(p, second.server, 4, 60);
    expect(later.every((a) => a === "candidate")).toBe(true);

    offset += 10 * MIN;
    await second.rollouts.tick();
    expect(state().phase).toBe("promoted");
    expect(p.workspace.registry.resolve("churn_mlp", "champion").version).toBe(2);
    expect(p.workspace.registry.aliasHistory("churn_mlp", "champion").at(-1)).toMatchObject({ toVersion: 2, movedBy: "rollout churn_rollout" });
    expect(second.serving.endpoint().router.weights).toEqual({ current: 1 });
    expect(p.workspace.registry.listRolloutEvents("churn_rollout").map((e) => e.toState)).toEqual(["progressing(step 1/2)", "progressing(step 2/2)", "promoted"]);
  });
});
