/**
 * The most frequent reasons in a quarantine file (JSON Lines of `{"row", "values", "reasons"}`),
 * read line by line: what the run prints (and the report shows) so that a user sees why rows
 * were set aside without opening the file.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** Counts a quarantine file's rows and, per reason, the rows that carry it (once per distinct reason). */
export class QuarantineTally {
  rows = 0;
  private readonly counts = new Map<string, number>();

  add(line: string): void {
    if (line.trim() === "") return;
    this.rows++;
    let reasons: unknown;
    try {
      reasons = (JSON.parse(line) as { reasons?: unknown }).reasons;
    } catch {
      return;
    }
    if (!Array.isArray(reasons)) return;
    for (const r of new Set(reasons.map(String))) this.counts.set(r, (this.counts.get(r) ?? 0) + 1);
  }

  /** The `limit` most frequent reasons, most rows first, then by name. */
  top(limit: number): Array<{ reason: string; rows: number }> {
    return [...this.counts.entries()]
      .map(([reason, rows]) => ({ reason, rows }))
      .sort((a, b) => b.rows - a.rows || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0))
      .slice(0, limit);
  }
}

export async function topQuarantineReasons(file: string, limit = 5): Promise<Array<{ reason: string; rows: number }>> {
  const tally = new QuarantineTally();
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  for await (const line of lines) tally.add(line);
  return tally.top(limit);
}
