/**
 * Rollout statistics figures: the mSPRT's false-positive rate under continuous
 * peeking (vs a naive fixed-horizon z-test peeked at the same looks, the same
 * run's baseline), its power for a stated effect, and bandit regret per policy.
 *
 *   npx tsx bench/rollout.ts [runs]
 */
import { performance } from "node:perf_hooks";
import { Rng } from "../core/rng.js";
import { addValue, EMPTY_SUMMARY, effectSize, type ArmSummary } from "../stdlib/rollout/shared/statistics/index.js";
import { banditRegret, rejectionRate, type AbSimulation } from "../test/rollout/simulate.js";

const runs = Number(process.argv[2] ?? 1000);
const alpha = 0.05;

/** The peeking mistake: a fixed-horizon 95% interval checked at every look. */
function naiveRate(sim: AbSimulation, count: number, seed0: number): number {
  let rejected = 0;
  for (let r = 0; r < count; r++) {
    const rng = new Rng(seed0 + r);
    let a: ArmSummary = EMPTY_SUMMARY;
    let b: ArmSummary = EMPTY_SUMMARY;
    for (let n = 1; n <= sim.perArm; n++) {
      a = addValue(a, rng.next() < sim.current ? 1 : 0);
      b = addValue(b, rng.next() < sim.candidate ? 1 : 0);
      if (n % sim.lookEvery !== 0 || n < sim.minSamples) continue;
      const e = effectSize(a, b, "binary", alpha);
      if (e.interval[0] > 0 || e.interval[1] < 0) {
        rejected++;
        break;
      }
    }
  }
  return rejected / count;
}

const null_: AbSimulation = { kind: "binary", current: 0.2, candidate: 0.2, perArm: 5000, lookEvery: 100, minSamples: 100, alpha };
let t = performance.now();
const fpr = rejectionRate(null_, runs, 1);
const fprMs = performance.now() - t;
const naive = naiveRate(null_, runs, 1);
console.log(`A/A, rate 20%, 5000 per arm, a look every 100: mSPRT false-positive rate ${(fpr * 100).toFixed(1)}% (alpha ${alpha * 100}%), naive peeked z-test ${(naive * 100).toFixed(1)}% (${(naive / Math.max(fpr, 1 / runs)).toFixed(1)}× the mSPRT's); ${runs} runs in ${(fprMs / 1000).toFixed(1)} s`);

for (const [candidate, perArm] of [[0.22, 5000], [0.25, 5000], [0.25, 2000]] as const) {
  const power = rejectionRate({ ...null_, candidate, perArm }, Math.min(runs, 500), 50_000);
  console.log(`power, 20% → ${candidate * 100}% (binary), up to ${perArm} per arm: ${(power * 100).toFixed(1)}%`);
}
const numericPower = rejectionRate({ kind: "numeric", current: 0, candidate: 0.1, perArm: 5000, lookEvery: 100, minSamples: 100, alpha }, Math.min(runs, 500), 90_000);
console.log(`power, numeric effect 0.1 σ, up to 5000 per arm: ${(numericPower * 100).toFixed(1)}%`);

const rates = [0.05, 0.08, 0.12];
for (const policy of ["thompson", "ucb", "epsilon_greedy"] as const) {
  let regret = 0;
  for (let seed = 1; seed <= 10; seed++) regret += banditRegret(policy, rates, 20_000, 200, seed);
  console.log(`bandit regret, arms ${rates.join("/")}, 20,000 requests, weights every 200: ${policy} ${(regret / 10).toFixed(1)} (mean of 10 seeds)`);
}
