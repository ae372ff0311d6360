/**
 * Bandit policies over arms, as traffic shares for the next interval (the
 * router assigns requests by weight, so a policy says how much of the traffic
 * each arm gets rather than choosing per request).
 *
 * - thompson: each arm's share is its posterior probability of being the best
 *   (Thompson 1933; Chapelle & Li 2011), estimated from `draws` seeded joint
 *   draws. A binary reward has a Beta(1 + successes, 1 + failures) posterior; a
 *   numeric reward a Normal(mean, σ²/n) posterior with σ² the pooled sample
 *   variance of all arms taken as known (an arm with under two rewards draws
 *   from Normal(pooled mean, σ²), i.e. as if it had one).
 * - ucb: UCB1 (Auer, Cesa-Bianchi & Fischer 2002): index mean + sqrt(2 ln N / n)
 *   on rewards scaled to [0, 1] by the observed range; all traffic to the best
 *   index (ties split), an arm without rewards first.
 * - epsilon_greedy: 1 − ε to the best mean, ε spread evenly over all arms.
 *
 * Every arm keeps a floor share FLOOR_SHARE (1%, capped at 1/(2k) for k arms)
 * so that no arm is starved of the feedback that could change its estimate:
 * weight = floor + (1 − k · floor) · policy share.
 */
import { Rng } from "../../../../core/rng.js";
import type { OutcomeKind } from "./msprt.js";
import { betaDraw } from "./sampling.js";

export type BanditPolicy = "thompson" | "ucb" | "epsilon_greedy";
/** What a reward is: a success (0 or 1) or a number, as an outcome is for the tests. */
export type RewardKind = OutcomeKind;

export const FLOOR_SHARE = 0.01;
export const THOMPSON_DRAWS = 2000;

/** An arm's rewards so far: count, sum and sum of squares (a binary reward's sum is its successes). */
export interface ArmPosterior {
  n: number;
  sum: number;
  sumSquares: number;
}

export const EMPTY_POSTERIOR: ArmPosterior = Object.freeze({ n: 0, sum: 0, sumSquares: 0 });

export function addReward(p: ArmPosterior, reward: number): ArmPosterior {
  return { n: p.n + 1, sum: p.sum + reward, sumSquares: p.sumSquares + reward * reward };
}

export interface PolicyOptions {
  policy: BanditPolicy;
  reward: RewardKind;
  epsilon?: number;
  /** Seed of Thompson's draws (the controller passes one per interval). */
  seed?: number;
  draws?: number;
}

export function floorShare(arms: number): number {
  return Math.min(FLOOR_SHARE, 1 / (2 * arms));
}

/** Traffic shares per arm (same order as `arms`), summing to 1. */
export function banditWeights(arms: readonly ArmPosterior[], options: PolicyOptions): number[] {
  const k = arms.length;
  if (k === 0) throw new RangeError("a bandit needs at least one arm");
  const raw = policyShares(arms, options);
  const floor = floorShare(k);
  return raw.map((w) => floor + (1 - k * floor) * w);
}

function policyShares(arms: readonly ArmPosterior[], options: PolicyOptions): number[] {
  switch (options.policy) {
    case "thompson":
      return thompson(arms, options);
    case "ucb":
      return ucb1(arms, options.reward);
    case "epsilon_greedy":
      return epsilonGreedy(arms, options.epsilon ?? 0.1);
  }
}

function mean(p: ArmPosterior): number {
  return p.n > 0 ? p.sum / p.n : 0;
}

function argmaxShares(values: readonly number[]): number[] {
  const best = Math.max(...values);
  const winners = values.map((v) => (v === best ? 1 : 0));
  const count = winners.reduce<number>((a, b) => a + b, 0);
  return winners.map((w) => w / count);
}

function thompson(arms: readonly ArmPosterior[], options: PolicyOptions): number[] {
  const rng = new Rng(options.seed ?? 0);
  const draws = options.draws ?? THOMPSON_DRAWS;
  const wins = new Array<number>(arms.length).fill(0);
  const sample = options.reward === "binary" ? binarySampler(arms) : normalSampler(arms);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let i = 0; i < arms.length; i++) {
      const v = sample(rng, i);
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    wins[best]!++;
  }
  return wins.map((w) => w / draws);
}

function binarySampler(arms: readonly ArmPosterior[]) {
  return (rng: Rng, i: number) => betaDraw(rng, 1 + arms[i]!.sum, 1 + arms[i]!.n - arms[i]!.sum);
}

function normalSampler(arms: readonly ArmPosterior[]) {
  const n = arms.reduce((a, p) => a + p.n, 0);
  const total = arms.reduce((a, p) => a + p.sum, 0);
  const pooledMean = n > 0 ? total / n : 0;
  // pooled within-arm variance, or 1 before any arm has two rewards
  let ss = 0;
  let df = 0;
  for (const p of arms) {
    if (p.n > 1) {
      ss += p.sumSquares - (p.sum * p.sum) / p.n;
      df += p.n - 1;
    }
  }
  const sigma2 = df > 0 && ss > 0 ? ss / df : 1;
  return (rng: Rng, i: number) => {
    const p = arms[i]!;
    if (p.n < 2) return rng.normal(pooledMean, Math.sqrt(sigma2));
    return rng.normal(mean(p), Math.sqrt(sigma2 / p.n));
  };
}

function ucb1(arms: readonly ArmPosterior[], reward: RewardKind): number[] {
  if (arms.some((p) => p.n === 0)) return argmaxShares(arms.map((p) => (p.n === 0 ? 1 : 0)));
  const means = arms.map(mean);
  let low = 0;
  let high = 1;
  if (reward === "numeric") {
    low = Math.min(...means);
    high = Math.max(...means);
  }
  const range = high - low || 1;
  const total = arms.reduce((a, p) => a + p.n, 0);
  return argmaxShares(arms.map((p, i) => (means[i]! - low) / range + Math.sqrt((2 * Math.log(total)) / p.n)));
}

function epsilonGreedy(arms: readonly ArmPosterior[], epsilon: number): number[] {
  if (!(epsilon >= 0 && epsilon <= 1)) throw new RangeError(`epsilon must be from 0 to 1, got ${epsilon}`);
  const greedy = argmaxShares(arms.map(mean));
  return greedy.map((g) => (1 - epsilon) * g + epsilon / arms.length);
}
