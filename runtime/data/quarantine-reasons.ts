/**
 * The most frequent reasons in a quarantine file (JSON Lines of `{"row", "values", "reasons"}`),
 * read line by line: what the run prints so that a user sees why rows were set aside without
 * opening the file.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

export async function topQuarantineReasons(file: string, limit = 5): Promise<Array<{ reason: string; rows: number }>> {
  const counts = new Map<string, number>();
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    let reasons: unknown;
    try {
      reasons = (JSON.parse(line) as { reasons?: unknown }).reasons;
    } catch {
      continue;
    }
    if (!Array.isArray(reasons)) continue;
    // a row counts once per distinct reason
    for (const r of new Set(reasons.map(String))) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([reason, rows]) => ({ reason, rows }))
    .sort((a, b) => b.rows - a.rows || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0))
    .slice(0, limit);
}
