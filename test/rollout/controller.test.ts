import { describe, expect, it } from "vitest";
import { MAX_INCONCLUSIVE, RolloutController } from "../../runtime/rollout/controller.js";
import type { RolloutDoc } from "../../stdlib/rollout/shared/rollout-types.js";
import { arm, FakeEnvironment, GUARDS, labelled, memoryStore, planWith } from "./fake-environment.js";

const MIN = 60_000;
const canary = { kind: "canary", params: { steps: [0.05, 0.25, 0.5, 1], interval: 10 * MIN, model: "churn_mlp@challenger", min_samples: 100 } };

function setup(plan = planWith({ strategy: canary, guards: [GUARDS.p99, GUARDS.errors, GUARDS.auc] })) {
  const env = new FakeEnvironment();
  const store = memoryStore(() => env.now);
  const controller = new RolloutController({ plan, store, env, holder: "a" });
  const state = () => store.get<RolloutDoc>("churn_rollout")!.state;
  /** Advance one interval and tick. */
  const interval = async (ms = 10 * MIN) => {
    env.now += ms;
    await controller.tick(env.now);
    return state();
  };
  return { env, store, controller, state, interval, plan };
}

const healthy = () => ({ current: arm(900, { outcomes: labelled(200, true) }), candidate: arm(200, { outcomes: labelled(200, true) }) });

describe("canary", () => {
  it("starts when a challenger is registered, steps through the weights while guards hold, and promotes", async () => {
    const { env, controller, state, interval, store } = setup();
    env.traffic = healthy;
    await controller.tick(env.now);
    expect(state()).toMatchObject({ phase: "progressing", step: 0, weights: { candidate: 0.05, current: 0.95 }, candidate: { version: 2 }, current: { version: 1 } });
    expect(env.slots.get("candidate")).toEqual({ model: "churn_mlp", version: 2 });
    expect(env.weights).toEqual({ candidate: 0.05, current: 0.95 });
    // nothing is judged before the interval ends
    env.now += 5 * MIN;
    await controller.tick(env.now);
    expect(state().step).toBe(0);
    for (const step of [1, 2, 3]) expect((await interval(5 * MIN + (step === 1 ? 0 : 5 * MIN))).step).toBe(step);
    expect(env.weights).toEqual({ candidate: 1, current: 0 });
    const done = await interval();
    expect(done.phase).toBe("promoted");
    expect(env.promotions.map((p) => p.model)).toEqual([{ model: "churn_mlp", version: 2 }]);
    expect(env.weights).toEqual({ current: 1 });
    expect(env.slots.has("candidate")).toBe(false);
    const events = store.events("churn_rollout");
    expect(events.map((e) => e.toState)).toEqual(["progressing(step 1/4)", "progressing(step 2/4)", "progressing(step 3/4)", "progressing(step 4/4)", "promoted"]);
    expect(events.at(-1)!.reason).toMatch(/churn_mlp@2 promoted to champion/);
    expect(done.guards.find((g) => g.guard.startsWith("auc"))).toMatchObject({ verdict: "pass", value: 1, baseline: 1, bound: 0.99 });
    // the promoted candidate is now the champion: no new rollout starts
    env.aliases.set("churn_mlp@champion", { model: "churn_mlp", version: 2 });
    await interval();
    expect(store.events("churn_rollout")).toHaveLength(5);
  });

  it("rolls a candidate with errors back within one interval: all traffic to the current model, reason recorded", async () => {
    const { env, controller, interval, store } = setup();
    env.traffic = () => ({ current: arm(900, { outcomes: labelled(200, true) }), candidate: arm(200, { errors: 10, outcomes: labelled(200, true) }) });
    await controller.tick(env.now);
    const doc = await interval();
    expect(doc.phase).toBe("rolled_back");
    expect(doc.reason).toMatch(/churn_mlp@2 rolled back.*error_rate < 1% on candidate \(0\.05 breaks error_rate < 1%\)/);
    expect(env.weights).toEqual({ current: 1 });
    expect(store.events("churn_rollout").at(-1)).toMatchObject({ fromState: "progressing(step 1/4)", toState: "rolled_back" });
    // the same challenger does not start again
    await interval();
    expect(store.events("churn_rollout")).toHaveLength(2);
  });

  it("rolls back a candidate whose live AUC falls below the champion's on the same window", async () => {
    const { env, controller, interval } = setup();
    env.traffic = () => ({ current: arm(900, { outcomes: labelled(200, true) }), candidate: arm(200, { outcomes: labelled(200, false) }) });
    await controller.tick(env.now);
    const doc = await interval();
    expect(doc.phase).toBe("rolled_back");
    expect(doc.guards.find((g) => g.guard.startsWith("auc"))).toMatchObject({ verdict: "fail", baseline: 1 });
  });

  it("on_fail = pause pauses instead", async () => {
    const { env, controller, interval } = setup(planWith({ strategy: canary, guards: [GUARDS.errors], onFail: "pause" }));
    env.traffic = () => ({ current: arm(900), candidate: arm(200, { errors: 50 }) });
    await controller.tick(env.now);
    const doc = await interval();
    expect(doc.phase).toBe("paused");
    expect(doc.weights).toEqual({ candidate: 0.05, current: 0.95 });
    expect(doc.reason).toMatch(/on_fail = pause/);
  });

  it("holds a step while a guard cannot be judged, and pauses after MAX_INCONCLUSIVE intervals saying why", async () => {
    const { env, controller, interval } = setup();
    env.traffic = () => ({ current: arm(900), candidate: arm(200) }); // no feedback: auc cannot be judged
    await controller.tick(env.now);
    for (let i = 1; i < MAX_INCONCLUSIVE; i++) {
      const doc = await interval();
      expect(doc).toMatchObject({ phase: "progressing", step: 0, inconclusive: i });
      expect(doc.reason).toMatch(/inconclusive.*no feedback yet/);
    }
    const paused = await interval();
    expect(paused.phase).toBe("paused");
    expect(paused.reason).toMatch(new RegExp(`paused after ${MAX_INCONCLUSIVE} inconclusive intervals.*auc >= champion.auc - 0.01 on candidate`));
  });

  it("does not blame the candidate for an SLO the current model breaches too", async () => {
    const { env, controller, interval } = setup(planWith({ strategy: canary, guards: [GUARDS.p99] }));
    env.traffic = () => ({ current: arm(900, { latencyMs: 80 }), candidate: arm(200, { latencyMs: 85 }) });
    await controller.tick(env.now);
    const doc = await interval();
    expect(doc.phase).toBe("progressing");
    expect(doc.guards[0]).toMatchObject({ verdict: "inconclusive", value: 85, baseline: 80 });
    expect(doc.guards[0]!.why).toMatch(/current model's 80 does too/);
  });

  it("holds when the candidate answered fewer than min_samples requests", async () => {
    const { env, controller, interval } = setup(planWith({ strategy: canary, guards: [] }));
    env.traffic = () => ({ current: arm(900), candidate: arm(20) });
    await controller.tick(env.now);
    const doc = await interval();
    expect(doc.reason).toMatch(/20 of the 100 requests needed/);
    expect(doc.step).toBe(0);
  });

  it("continues from the persisted state after a restart (a new controller on the same workspace)", async () => {
    const { env, controller, interval, store, plan } = setup();
    env.traffic = healthy;
    await controller.tick(env.now);
    await interval();
    expect((await interval()).step).toBe(2);
    // the old process died: a new environment (empty router) and controller, after its lease expired
    const env2 = new FakeEnvironment();
    env2.now = env.now + 60_000;
    env2.traffic = healthy;
    const restarted = new RolloutController({ plan, store, env: env2, holder: "b" });
    await restarted.tick(env2.now);
    expect(env2.weights).toEqual({ candidate: 0.5, current: 0.5 });
    expect(store.get<RolloutDoc>("churn_rollout")!.state).toMatchObject({ step: 2, lease: { holder: "b" } });
    env2.now += 10 * MIN;
    await restarted.tick(env2.now);
    expect(store.get<RolloutDoc>("churn_rollout")!.state.step).toBe(3);
  });

  it("lets only the lease holder drive: a second controller applies the weights but decides nothing until the lease expires", async () => {
    const { env, controller, store, plan } = setup();
    env.traffic = healthy;
    await controller.tick(env.now);
    const env2 = new FakeEnvironment();
    env2.traffic = healthy;
    const other = new RolloutController({ plan, store, env: env2, holder: "b", leaseMs: 30_000 });
    env2.now = env.now + 10 * MIN; // the interval has ended, but a's lease (30 s) — renewed below — is live
    env.now = env2.now - 1000;
    await controller.tick(env.now); // a renews
    await other.tick(env2.now);
    expect(env2.weights).toEqual({ candidate: 0.05, current: 0.95 });
    expect(store.get<RolloutDoc>("churn_rollout")!.state).toMatchObject({ step: 0, lease: { holder: "a" } });
    env2.now += 40_000; // a stopped renewing
    await other.tick(env2.now);
    expect(store.get<RolloutDoc>("churn_rollout")!.state).toMatchObject({ step: 1, lease: { holder: "b" } });
  });

  it("a newer challenger supersedes a running rollout and starts again at the first step", async () => {
    const { env, controller, interval, store } = setup();
    env.traffic = healthy;
    await controller.tick(env.now);
    await interval();
    env.aliases.set("churn_mlp@challenger", { model: "churn_mlp", version: 3 });
    const doc = await interval();
    expect(doc).toMatchObject({ step: 0, candidate: { version: 3 }, phase: "progressing" });
    expect(store.events("churn_rollout").slice(-2).map((e) => e.toState)).toEqual(["aborted", "progressing(step 1/4)"]);
  });

  it("on_success = hold pauses at the end and leaves the promotion to a person", async () => {
    const { env, controller, interval } = setup(planWith({ strategy: { kind: "canary", params: { ...canary.params, steps: [1] } }, onSuccess: "hold" }));
    env.traffic = healthy;
    await controller.tick(env.now);
    const doc = await interval();
    expect(doc.phase).toBe("paused");
    expect(doc.reason).toMatch(/mlspec rollout promote churn_rollout/);
    expect(env.promotions).toEqual([]);
  });
});

describe("shadow", () => {
  it("mirrors a sample to the shadow slot, judges the shadow arm after the duration, and promotes", async () => {
    const { env, controller, interval } = setup(planWith({ strategy: { kind: "shadow", params: { model: "churn_mlp@challenger", sample: 0.5, duration: 30 * MIN, min_samples: 100 } }, guards: [GUARDS.errors, GUARDS.auc] }));
    env.traffic = () => ({ current: arm(900, { outcomes: labelled(200, true) }), shadow: arm(450, { outcomes: labelled(200, true) }) });
    await controller.tick(env.now);
    expect(env.weights).toEqual({ current: 1 });
    expect(env.routerOptions.shadow).toEqual({ slot: "shadow", sample: 0.5 });
    expect(env.slots.get("shadow")).toEqual({ model: "churn_mlp", version: 2 });
    expect((await interval(10 * MIN)).phase).toBe("progressing");
    expect((await interval(20 * MIN)).phase).toBe("promoted");
  });
});

describe("ab", () => {
  const ab = (params: Record<string, unknown> = {}) => planWith({ strategy: { kind: "ab", params: { model: "churn_mlp@challenger", traffic: 0.5, metric: "converted", min_samples: 200, alpha: 0.05, interval: 10 * MIN, sticky_by: "customer_id", ...params } } });
  const outcomes = (n: number, rate: number) => Array.from({ length: n }, (_, i) => ({ score: 0.5, outcome: { converted: (i * 7919) % 1000 < rate * 1000 } }));

  it("routes sticky by the field, accumulates the outcomes over intervals, and promotes a better candidate", async () => {
    const { env, controller, interval } = setup(ab());
    env.traffic = () => ({ current: arm(500, { outcomes: outcomes(500, 0.1) }), candidate: arm(500, { outcomes: outcomes(500, 0.2) }) });
    await controller.tick(env.now);
    expect(env.routerOptions.stickyBy).toBe("customer_id");
    let doc = await interval();
    for (let i = 0; i < 5 && doc.phase === "progressing"; i++) doc = await interval();
    expect(doc.phase).toBe("promoted");
    expect(doc.test).toMatchObject({ metric: "converted", kind: "binary", srm: { mismatch: false } });
    expect(doc.test!.pValue).toBeLessThanOrEqual(0.05);
    expect(doc.test!.effect).toBeGreaterThan(0);
    expect(doc.test!.interval[0]).toBeGreaterThan(0);
  });

  it("rolls back a worse candidate", async () => {
    const { env, controller, interval } = setup(ab());
    env.traffic = () => ({ current: arm(500, { outcomes: outcomes(500, 0.2) }), candidate: arm(500, { outcomes: outcomes(500, 0.1) }) });
    await controller.tick(env.now);
    let doc = await interval();
    for (let i = 0; i < 5 && doc.phase === "progressing"; i++) doc = await interval();
    expect(doc.phase).toBe("rolled_back");
    expect(doc.reason).toMatch(/the candidate is worse: converted/);
  });

  it("halts on a sample-ratio mismatch with the counts in the reason", async () => {
    const { env, controller, interval } = setup(ab());
    env.traffic = () => ({ current: arm(1200, { outcomes: outcomes(300, 0.1) }), candidate: arm(800, { outcomes: outcomes(300, 0.1) }) });
    await controller.tick(env.now);
    const doc = await interval();
    expect(doc.phase).toBe("paused");
    expect(doc.reason).toMatch(/sample-ratio mismatch: 1200 current \/ 800 candidate requests against a planned 50\/50 split/);
  });
});

describe("bandit", () => {
  const bandit = planWith({ strategy: { kind: "bandit", params: { arms: ["churn_mlp@1", "churn_mlp@2"], policy: "thompson", reward: "clicked", interval: 10 * MIN, min_samples: 200, epsilon: 0.1 } } });
  it("moves traffic to the better arm, persists the posteriors, and names a winner", async () => {
    const { env, controller, interval, state } = setup(bandit);
    const rewards = (n: number, rate: number) => Array.from({ length: n }, (_, i) => ({ score: 0.5, outcome: { clicked: (i * 7919) % 1000 < rate * 1000 } }));
    env.traffic = (w) => ({ "arm:churn_mlp@1": arm(Math.round(1000 * (w["arm:churn_mlp@1"] ?? 0)), { outcomes: rewards(Math.round(1000 * (w["arm:churn_mlp@1"] ?? 0)), 0.1) }), "arm:churn_mlp@2": arm(Math.round(1000 * (w["arm:churn_mlp@2"] ?? 0)), { outcomes: rewards(Math.round(1000 * (w["arm:churn_mlp@2"] ?? 0)), 0.3) }) });
    await controller.tick(env.now);
    expect(state().weights).toEqual({ "arm:churn_mlp@1": 0.5, "arm:churn_mlp@2": 0.5 });
    expect(env.slots.get("arm:churn_mlp@2")).toEqual({ model: "churn_mlp", version: 2 });
    let doc = await interval();
    expect(doc.posteriors!["arm:churn_mlp@2"]!.n).toBe(500);
    for (let i = 0; i < 5 && doc.phase === "progressing"; i++) doc = await interval();
    expect(doc.phase).toBe("promoted");
    expect(doc.candidate).toEqual({ model: "churn_mlp", version: 2 });
    expect(env.promotions[0]!.reason).toMatch(/arm:churn_mlp@2 is the best arm/);
  });
});
