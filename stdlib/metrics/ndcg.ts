import type { MetricSig } from "../signature.js";
import { checkRanking, type Labels } from "./shared/metric-input.js";
import { rankByUser } from "./shared/ranking-groups.js";

export const family = "ranking";

export const signature: MetricSig = {
  kind: "metric",
  name: "ndcg",
  tasks: ["recommendation"],
  direction: "maximize",
  takesK: true,
  doc:
    "Normalised discounted cumulative gain at k, per user (gain = relevance, discount 1/log2(rank + 1)), averaged over users " +
    "with at least one relevant item. Tied scores are averaged over their orders. NaN when no user has a relevant item.",
};

export function compute(userIds: Int32Array, yTrue: Labels, scores: Float32Array, k: number): number {
  checkRanking("ndcg", userIds, yTrue, scores, k);
  let sum = 0;
  let users = 0;
  for (const ranking of rankByUser(userIds, scores)) {
    const ideal = ranking.rows.map((r) => yTrue[r]!).sort((a, b) => b - a);
    let idcg = 0;
    for (let p = 0; p < Math.min(k, ideal.length); p++) idcg += ideal[p]! / Math.log2(p + 2);
    if (idcg === 0) continue;
    let dcg = 0;
    for (const group of ranking.groups) {
      if (group.start >= k) break;
      // each row of the group is equally likely at each of the group's positions
      let meanGain = 0;
      for (const r of group.rows) meanGain += yTrue[r]!;
      meanGain /= group.rows.length;
      let discount = 0;
      for (let p = group.start; p < Math.min(group.end, k); p++) discount += 1 / Math.log2(p + 2);
      dcg += meanGain * discount;
    }
    sum += dcg / idcg;
    users++;
  }
  return users === 0 ? Number.NaN : sum / users;
}
