/** A WHERE clause from optional conditions: each `[condition, value]` whose value is defined adds `condition` (one `?`) and its value. */
export function whereClause(conditions: ReadonlyArray<readonly [condition: string, value: unknown]>): { sql: string; params: unknown[] } {
  const kept = conditions.filter(([, value]) => value !== undefined);
  return { sql: kept.length > 0 ? `WHERE ${kept.map(([condition]) => condition).join(" AND ")}` : "", params: kept.map(([, value]) => value) };
}
