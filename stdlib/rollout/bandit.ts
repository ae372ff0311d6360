/**
 * The `bandit` rollout strategy (spec/rollouts.md#bandit): traffic over the
 * arms (slots `arm:<model>@<version>`) follows a policy on the arms' rewards
 * (the feedback field named by `reward`; higher is better), re-weighted at the
 * end of each `interval` (stdlib/rollout/shared/statistics/bandit.ts: Thompson,
 * UCB1, ε-greedy, a floor share per arm). Decision: once every arm has
 * `min_samples` rewards and one arm's posterior probability of being the best
 * is at least 95%, that arm wins.
 */
import type { RolloutStrategySig } from "../signature.js";
import { DEFAULT_INTERVAL_MS, num, str } from "./shared/params.js";
import { outcomeKind, outcomeValue } from "./shared/outcomes.js";
import { addReward, banditWeights, EMPTY_POSTERIOR, type BanditPolicy } from "./shared/statistics/bandit.js";
import type { RolloutStrategy } from "./shared/rollout-types.js";

export const signature: RolloutStrategySig = {
  kind: "rollout_strategy",
  name: "bandit",
  params: [
    { name: "arms", type: { list: "model_ref" }, doc: "the competing models" },
    { name: "policy", type: { oneOf: ["thompson", "ucb", "epsilon_greedy"] }, default: "thompson", doc: "how arms are chosen" },
    { name: "reward", type: "column", doc: "the outcome that rewards an arm (a feedback field; higher is better)" },
    { name: "epsilon", type: "float", default: 0.1, min: 0, max: 1, doc: "exploration rate of epsilon_greedy" },
    { name: "interval", type: "duration", default: DEFAULT_INTERVAL_MS, doc: "how often the weights are recomputed" },
    { name: "min_samples", type: "int", default: 200, min: 1, doc: "rewards every arm needs before a winner is named" },
  ],
  doc: "Traffic follows a multi-armed bandit over the arms, rewarding the better model.",
};

/** P(best) an arm needs to win. */
export const WIN_PROBABILITY = 0.95;

export const strategy: RolloutStrategy = {
  name: "bandit",
  judgedArm: null,
  intervalMs: (params) => num(params, "interval", DEFAULT_INTERVAL_MS),
  minSamples: (params) => num(params, "min_samples", 200),
  start(_params, doc) {
    return { weights: doc.weights };
  },
  decide({ params, doc, measurements, seed }) {
    const reward = str(params, "reward")!;
    const arms = Object.keys(doc.arms ?? {}).sort();
    const posteriors = { ...(doc.posteriors ?? {}) };
    const values: number[] = [];
    for (const arm of arms) {
      let p = posteriors[arm] ?? EMPTY_POSTERIOR;
      for (const o of measurements[arm]?.outcomes ?? []) {
        const v = outcomeValue(o.outcome, reward);
        if (v === null) continue;
        p = addReward(p, v);
        values.push(v);
      }
      posteriors[arm] = p;
    }
    const rewardKind = outcomeKind(values.length > 0 ? values : [0]);
    const list = arms.map((a) => posteriors[a]!);
    const policy = (str(params, "policy") ?? "thompson") as BanditPolicy;
    const shares = banditWeights(list, { policy, reward: rewardKind, epsilon: num(params, "epsilon", 0.1), seed });
    const weights = Object.fromEntries(arms.map((a, i) => [a, Math.round(shares[i]! * 1e6) / 1e6]));
    // the stopping rule is Thompson's P(best), whichever policy routes
    const best = banditWeights(list, { policy: "thompson", reward: rewardKind, seed: seed + 1 });
    const need = num(params, "min_samples", 200);
    const update = { posteriors };
    const means = arms.map((a, i) => `${a} ${list[i]!.n > 0 ? (list[i]!.sum / list[i]!.n).toFixed(4) : "–"} (${list[i]!.n})`).join(", ");
    const top = best.indexOf(Math.max(...best));
    if (list.every((p) => p.n >= need) && best[top]! >= WIN_PROBABILITY) {
      return { kind: "succeed", winner: doc.arms![arms[top]!]!, update, reason: `${arms[top]} is the best arm with probability ${best[top]!.toFixed(3)}: ${means}` };
    }
    return { kind: "advance", weights, update, reason: `${policy} weights ${arms.map((a) => `${a} ${(weights[a]! * 100).toFixed(1)}%`).join(", ")}; ${reward}: ${means}` };
  },
};
