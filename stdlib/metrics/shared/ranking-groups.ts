/**
 * Per-user rankings for the ranking metrics. Rows are grouped by user and
 * ordered by score, highest first; rows with equal scores form a tie group,
 * and metrics average over every order of a tie group (so the result does not
 * depend on row order).
 */

/** Positions start..end-1 of one user's ranking hold equally scored rows. */
export interface TieGroup {
  start: number;
  end: number;
  rows: number[];
}

export interface UserRanking {
  user: number;
  /** All of the user's rows, for the ideal ordering. */
  rows: number[];
  groups: TieGroup[];
}

export function rankByUser(userIds: Int32Array, scores: Float32Array): UserRanking[] {
  const byUser = new Map<number, number[]>();
  for (let i = 0; i < userIds.length; i++) {
    const u = userIds[i]!;
    let rows = byUser.get(u);
    if (rows === undefined) byUser.set(u, (rows = []));
    rows.push(i);
  }
  const rankings: UserRanking[] = [];
  for (const [user, rows] of byUser) {
    const ordered = [...rows].sort((a, b) => scores[b]! - scores[a]!);
    const groups: TieGroup[] = [];
    let start = 0;
    while (start < ordered.length) {
      let end = start + 1;
      while (end < ordered.length && scores[ordered[end]!] === scores[ordered[start]!]) end++;
      groups.push({ start, end, rows: ordered.slice(start, end) });
      start = end;
    }
    rankings.push({ user, rows, groups });
  }
  return rankings;
}

/** Positions of a tie group that fall inside the top k. */
export function positionsWithinK(group: TieGroup, k: number): number {
  return Math.max(0, Math.min(group.end, k) - group.start);
}
