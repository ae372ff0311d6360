/**
 * Arm assignment for replays, the same rule as the server's router
 * (runtime/serve/router.ts, spec/rollouts.md#routing): arms in name order with
 * `current` last, picked by cumulative weight with a uniform number that is
 * random (seeded here) or, with a sticky key, FNV-1a of `<rollout>\0<value>`
 * mixed by murmur3's fmix32 and divided by 2^32.
 */
export function stickyPoint(rollout: string, value: string): number {
  let h = 0x811c9dc5;
  const text = `${rollout}\u0000${value}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h >>>= 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

export function pickArm(weights: Record<string, number>, u: number): string {
  const arms = Object.keys(weights).filter((a) => a !== "current").sort();
  if ("current" in weights) arms.push("current");
  const total = arms.reduce((s, a) => s + weights[a]!, 0);
  let cumulative = 0;
  for (const arm of arms) {
    cumulative += weights[arm]! / total;
    if (u < cumulative) return arm;
  }
  return arms[arms.length - 1]!;
}
