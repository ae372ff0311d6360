/** Seeded simulations of A/B tests and bandits, shared by the tests and bench/rollout.ts. */
import { Rng } from "../../core/rng.js";
import { addReward, addValue, alwaysValidP, banditWeights, EMPTY_POSTERIOR, EMPTY_SUMMARY, msprt, type ArmPosterior, type ArmSummary, type BanditPolicy, type OutcomeKind } from "../../stdlib/rollout/shared/statistics/index.js";

export interface AbSimulation {
  kind: OutcomeKind;
  /** binary: rates; numeric: means (σ = 1) */
  current: number;
  candidate: number;
  perArm: number;
  lookEvery: number;
  minSamples: number;
  alpha: number;
}

/** Whether a continuously monitored mSPRT rejected, and after how many samples per arm. */
export function simulateAb(sim: AbSimulation, seed: number): { rejected: boolean; at: number | null } {
  const rng = new Rng(seed);
  const draw = (mu: number) => (sim.kind === "binary" ? (rng.next() < mu ? 1 : 0) : rng.normal(mu, 1));
  let a: ArmSummary = EMPTY_SUMMARY;
  let b: ArmSummary = EMPTY_SUMMARY;
  let p: number | undefined;
  for (let n = 1; n <= sim.perArm; n++) {
    a = addValue(a, draw(sim.current));
    b = addValue(b, draw(sim.candidate));
    if (n % sim.lookEvery !== 0 || n < sim.minSamples) continue;
    p = alwaysValidP(p, msprt({ current: a, candidate: b, kind: sim.kind, alpha: sim.alpha }).pValue);
    if (p <= sim.alpha) return { rejected: true, at: n };
  }
  return { rejected: false, at: null };
}

export function rejectionRate(sim: AbSimulation, runs: number, seed0: number): number {
  let rejected = 0;
  for (let r = 0; r < runs; r++) if (simulateAb(sim, seed0 + r).rejected) rejected++;
  return rejected / runs;
}

/** Cumulative regret of a policy on Bernoulli arms, weights recomputed every `batch` requests. */
export function banditRegret(policy: BanditPolicy, rates: readonly number[], requests: number, batch: number, seed: number): number {
  const rng = new Rng(seed);
  const best = Math.max(...rates);
  let arms: ArmPosterior[] = rates.map(() => EMPTY_POSTERIOR);
  let regret = 0;
  for (let start = 0, interval = 0; start < requests; start += batch, interval++) {
    const weights = banditWeights(arms, { policy, reward: "binary", epsilon: 0.1, seed: seed * 1000 + interval });
    const next = [...arms];
    for (let r = 0; r < Math.min(batch, requests - start); r++) {
      let u = rng.next();
      let arm = 0;
      while (arm < weights.length - 1 && u >= weights[arm]!) u -= weights[arm++]!;
      regret += best - rates[arm]!;
      next[arm] = addReward(next[arm]!, rng.next() < rates[arm]! ? 1 : 0);
    }
    arms = next;
  }
  return regret;
}
