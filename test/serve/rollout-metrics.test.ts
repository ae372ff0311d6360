/**
 * GET /metrics of a real server (ephemeral port) with an A/B rollout driven
 * by the controller beside it: per-arm requests, errors and latency; the
 * rollout's phase, step and weights; each guard's value, baseline, bound,
 * samples and verdict; the test's p-value, effect, interval, SRM check and
 * outcomes per arm, all as the persisted state says. The controller's clock
 * is real time plus an offset the test advances past the interval (no test
 * waits for one).
 */
import { afterEach, describe, expect, it } from "vitest";
import { Rng } from "../../core/rng.js";
import { RolloutServer } from "../../runtime/rollout/rollout-server.js";
import { listenServing } from "../../runtime/serve/http-server.js";
import { loadServing } from "../../runtime/serve/load-serving.js";
import type { RolloutDoc } from "../../stdlib/rollout/shared/rollout-types.js";
import { churnModel, churnRows, churnSpecText, makeProject } from "./models.js";

const MIN = 60_000;
let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const clean of cleanups.reverse()) await clean();
  cleanups = [];
});

const SPEC = churnSpecText() + `
rollout churn_ab for churn_api {
  ab(traffic = 50%, metric = churned, min_samples = 20, interval = 10m)
  guard { error_rate < 1%  p99_latency < 5s }
}
`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** One sample line's value from the exposition text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.indexOf("}"));
    const have = inner.split(",");
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(line.slice(line.indexOf("}") + 2));
  }
  return undefined;
}

describe("/metrics of a rollout", () => {
  it("exports per-arm traffic, the phase, step, weights, guard values and the A/B test's statistics", async () => {
    const p = makeProject(SPEC);
    cleanups.push(() => p.cleanup());
    p.register("churn_mlp", churnModel({ seed: 1 }).bytes, "champion");
    p.register("churn_mlp", churnModel({ seed: 2 }).bytes, "challenger");
    let offset = 0;
    const clock = () => Date.now() + offset;
    const rng = new Rng(11);
    const serving = await loadServing(p.specPath, { pollMs: 0, random: () => rng.next() });
    const [server] = await listenServing(serving, { host: "127.0.0.1", port: 0 });
    const rollouts = new RolloutServer({ reconcileMs: 3_600_000, holder: "metrics-test" });
    await rollouts.start({ db: serving.workspace.registry.db, plan: serving.plan, endpoints: new Map(serving.endpoints.map((e) => [e.name, e])), clock, log: () => undefined });
    cleanups.push(async () => {
      await rollouts.stop();
      await server!.app.close();
      await serving.close();
    });
    const scrape = async () => {
      const res = await fetch(`${server!.url}/metrics`);
      expect(res.status).toBe(200);
      return res.text();
    };
    const labels = { serve: "churn_api", rollout: "churn_ab" };

    const started = await scrape();
    expect(sample(started, "mlspec_rollout_phase", { ...labels, strategy: "ab", phase: "progressing" })).toBe(1);
    expect(sample(started, "mlspec_rollout_phase", { ...labels, strategy: "ab", phase: "promoted" })).toBe(0);
    expect(sample(started, "mlspec_rollout_step", labels)).toBe(1);
    expect(sample(started, "mlspec_rollout_weight", { ...labels, arm: "candidate" })).toBe(0.5);

    // 200 requests with outcomes, within the interval the controller's clock then ends
    const answers = await Promise.all(churnRows(3, 200).map((row) => post(`${server!.url}/v1/churn_api/predict`, row)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const fb = await post(`${server!.url}/v1/churn_api/feedback`, { feedback: answers.map((a, i) => ({ request_id: a.body.requestId, outcome: i % 3 === 0 })) });
    expect(fb.status).toBe(200);
    offset += 10 * MIN;
    await rollouts.tick();

    const doc = p.workspace.registry.getRolloutState<RolloutDoc>("churn_ab")!.state;
    expect(doc.test).toBeDefined();
    const text = await scrape();
    const byArm = (arm: string) => answers.filter((a) => a.body.arm === arm).length;
    expect(sample(text, "mlspec_arm_requests_total", { serve: "churn_api", arm: "candidate" })).toBe(byArm("candidate"));
    expect(sample(text, "mlspec_arm_requests_total", { serve: "churn_api", arm: "current" })).toBe(byArm("current"));
    expect(sample(text, "mlspec_arm_duration_seconds_count", { serve: "churn_api", arm: "candidate" })).toBe(byArm("candidate"));
    expect(text).not.toMatch(/^mlspec_arm_errors_total\{/m); // every arm answered

    for (const g of doc.guards) {
      const at = { ...labels, guard: g.guard, arm: g.arm };
      expect(sample(text, "mlspec_rollout_guard_value", at)).toBe(g.value);
      expect(sample(text, "mlspec_rollout_guard_baseline", at)).toBe(g.baseline);
      expect(sample(text, "mlspec_rollout_guard_samples", at)).toBe(g.samples);
      expect(sample(text, "mlspec_rollout_guard_verdict", at)).toBe({ pass: 1, fail: 0, inconclusive: -1 }[g.verdict]);
    }
    expect(sample(text, "mlspec_rollout_guard_verdict", { ...labels, guard: "error_rate < 1%", arm: "candidate" })).toBe(1);
    expect(sample(text, "mlspec_rollout_guard_samples", { ...labels, guard: "error_rate < 1%", arm: "candidate" })).toBe(byArm("candidate"));

    const test = doc.test!;
    const metric = { ...labels, metric: "churned" };
    expect(sample(text, "mlspec_rollout_test_p_value", metric)).toBe(test.pValue);
    expect(sample(text, "mlspec_rollout_test_effect", metric)).toBe(test.effect);
    expect(sample(text, "mlspec_rollout_test_effect_interval", { ...metric, bound: "lower" })).toBe(test.interval[0]);
    expect(sample(text, "mlspec_rollout_test_effect_interval", { ...metric, bound: "upper" })).toBe(test.interval[1]);
    expect(sample(text, "mlspec_rollout_test_srm_p_value", labels)).toBe(test.srm.pValue);
    expect(sample(text, "mlspec_rollout_test_outcomes", { ...labels, arm: "candidate" })).toBe(byArm("candidate"));
    expect(sample(text, "mlspec_rollout_test_mean_outcome", { ...labels, arm: "current" })).toBeCloseTo(test.perArm.current!.mean, 12);
    expect(sample(text, "mlspec_rollout_phase", { ...labels, strategy: "ab", phase: doc.phase })).toBe(1);
  });
});
