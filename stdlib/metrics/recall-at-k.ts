import type { MetricSig } from "../signature.js";
import { checkRanking, type Labels } from "./shared/metric-input.js";
import { positionsWithinK, rankByUser } from "./shared/ranking-groups.js";

export const family = "ranking";

export const signature: MetricSig = {
  kind: "metric",
  name: "recall_at_k",
  tasks: ["recommendation"],
  direction: "maximize",
  takesK: true,
  doc:
    "Per user, the share of relevant items (relevance > 0) ranked in the top k by score, averaged over users with at least " +
    "one relevant item. Tied scores are averaged over their orders. NaN when no user has a relevant item.",
};

export function compute(userIds: Int32Array, yTrue: Labels, scores: Float32Array, k: number): number {
  checkRanking("recall_at_k", userIds, yTrue, scores, k);
  let sum = 0;
  let users = 0;
  for (const ranking of rankByUser(userIds, scores)) {
    let relevant = 0;
    let hits = 0;
    for (const group of ranking.groups) {
      let groupRelevant = 0;
      for (const r of group.rows) if (yTrue[r]! > 0) groupRelevant++;
      relevant += groupRelevant;
      // expected relevant rows among the group's positions inside the top k
      hits += (groupRelevant * positionsWithinK(group, k)) / group.rows.length;
    }
    if (relevant === 0) continue;
    sum += hits / relevant;
    users++;
  }
  return users === 0 ? Number.NaN : sum / users;
}
