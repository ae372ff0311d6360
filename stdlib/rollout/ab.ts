/**
 * The `ab` rollout strategy (spec/rollouts.md#ab): a fixed split, `traffic` to
 * the candidate, optionally sticky by a request field. At the end of each
 * `interval` the arms' outcomes (the feedback field named by `metric`; higher
 * is better) so far are compared:
 *
 * 1. sample-ratio mismatch: χ² of the arms' request counts against the planned
 *    split; p < 0.001 halts the test (the assignment is broken);
 * 2. below `min_samples` outcomes on either arm: hold;
 * 3. the mixture SPRT's always-valid p-value (running minimum) ≤ `alpha`: the
 *    candidate wins when the effect is positive, loses when negative; else hold.
 */
import type { RolloutStrategySig } from "../signature.js";
import { num, str, DEFAULT_INTERVAL_MS } from "./shared/params.js";
import { outcomeKind, outcomeValue } from "./shared/outcomes.js";
import { addValue, type ArmSummary } from "./shared/statistics/arm-summary.js";
import { alwaysValidP, msprt } from "./shared/statistics/msprt.js";
import { sampleRatioMismatch } from "./shared/statistics/srm.js";
import type { RolloutStrategy, TestStatistics } from "./shared/rollout-types.js";

export const signature: RolloutStrategySig = {
  kind: "rollout_strategy",
  name: "ab",
  params: [
    { name: "model", type: "model_ref", doc: "the candidate" },
    { name: "traffic", type: "percent", default: 0.5, doc: "share sent to the candidate" },
    { name: "sticky_by", type: "column", optional: true, doc: "a request field that keeps one user on one arm" },
    { name: "metric", type: "column", doc: "the outcome compared between arms (a feedback field; higher is better)" },
    { name: "min_samples", type: "int", default: 1000, min: 1, doc: "outcomes per arm before a decision" },
    { name: "alpha", type: "float", default: 0.05, min: 0, max: 1, doc: "significance level" },
    { name: "interval", type: "duration", default: DEFAULT_INTERVAL_MS, doc: "how often the test is looked at" },
  ],
  doc: "A fixed split between the current model and the candidate, decided by a test on a metric.",
};

const ARMS = ["current", "candidate"] as const;

export const strategy: RolloutStrategy = {
  name: "ab",
  judgedArm: "candidate",
  intervalMs: (params) => num(params, "interval", DEFAULT_INTERVAL_MS),
  minSamples: (params) => num(params, "min_samples", 1000),
  start(params) {
    const traffic = num(params, "traffic", 0.5);
    const stickyBy = str(params, "sticky_by");
    return { weights: { candidate: traffic, current: 1 - traffic }, ...(stickyBy ? { stickyBy } : {}) };
  },
  decide({ params, doc, measurements }) {
    const metric = str(params, "metric")!;
    const alpha = num(params, "alpha", 0.05);
    const traffic = num(params, "traffic", 0.5);
    const need = num(params, "min_samples", 1000);
    const perArm = { ...(doc.test?.perArm ?? {}) };
    const seenValues: number[] = [];
    for (const arm of ARMS) {
      let s: ArmSummary & { requests: number } = perArm[arm] ?? { n: 0, mean: 0, m2: 0, requests: 0 };
      const m = measurements[arm];
      let summary: ArmSummary = s;
      for (const o of m?.outcomes ?? []) {
        const v = outcomeValue(o.outcome, metric);
        if (v === null) continue;
        summary = addValue(summary, v);
        seenValues.push(v);
      }
      s = { ...summary, requests: s.requests + (m?.requests ?? 0) };
      perArm[arm] = s;
    }
    const kind = doc.test?.kind === "numeric" || outcomeKind(seenValues) === "numeric" ? "numeric" : "binary";
    const a = perArm.current!;
    const b = perArm.candidate!;
    const srm = sampleRatioMismatch([a.requests, b.requests], [1 - traffic, traffic]);
    const look = a.n > 0 && b.n > 0 ? msprt({ current: a, candidate: b, kind, alpha }) : undefined;
    const enough = a.n >= need && b.n >= need;
    const pValue = enough && look ? alwaysValidP(doc.test?.pValue, look.pValue) : (doc.test?.pValue ?? 1);
    const test: TestStatistics = {
      metric,
      kind,
      perArm,
      effect: look?.effect ?? 0,
      interval: look ? look.interval : [-Infinity, Infinity],
      pValue,
      alpha,
      srm: { statistic: srm.statistic, pValue: srm.pValue, mismatch: srm.mismatch },
    };
    const update = { test };
    const fmt = (x: number) => (Math.round(x * 10000) / 10000).toString();
    if (srm.mismatch) {
      return { kind: "halt", update, reason: `sample-ratio mismatch: ${a.requests} current / ${b.requests} candidate requests against a planned ${Math.round((1 - traffic) * 100)}/${Math.round(traffic * 100)} split (χ² = ${fmt(srm.statistic)}, p = ${srm.pValue.toExponential(2)}); the assignment is broken, so the test stops` };
    }
    if (!enough) return { kind: "hold", update, reason: `${metric}: ${a.n} current and ${b.n} candidate outcomes of the ${need} per arm needed` };
    const summary = `${metric} ${fmt(b.mean)} vs ${fmt(a.mean)}, effect ${fmt(test.effect)} [${fmt(test.interval[0])}, ${fmt(test.interval[1])}], always-valid p = ${fmt(pValue)}`;
    if (pValue <= alpha && test.effect > 0) return { kind: "succeed", winner: doc.candidate!, update, reason: `the candidate is better: ${summary}` };
    if (pValue <= alpha && test.effect < 0) return { kind: "fail", update, reason: `the candidate is worse: ${summary}` };
    return { kind: "hold", update, reason: `no difference yet: ${summary}` };
  },
};
