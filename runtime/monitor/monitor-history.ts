/** `mlspec monitor history` as text: firings, then retrain triggers (skips and outcomes), oldest first. */
import type { FiringRecord } from "./monitor-store.js";
import type { RetrainTrigger } from "./retrain-store.js";

const iso = (ms: number | null) => (ms === null ? "-" : new Date(ms).toISOString());

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => "  " + r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd());
}

/** What a firing found: the drifted columns, or the failed metric and its value. */
function firingSummary(f: FiringRecord): string {
  const r = f.result as { columns?: Array<{ column: string; verdict: string }>; metric?: string; judgedOn?: string; measured?: { value: number | null }; estimated?: { value: number | null } };
  if (f.kind === "drift") return `drifted: ${(r.columns ?? []).filter((c) => c.verdict === "drift").map((c) => c.column).join(", ")}`;
  const v = r.judgedOn === "estimated" ? r.estimated?.value : r.measured?.value;
  return `${r.metric} ${r.judgedOn === "estimated" ? "estimated " : ""}${typeof v === "number" ? v.toFixed(4) : "-"}`;
}

export function historyLines(firings: Array<FiringRecord & { id: number }>, triggers: RetrainTrigger[]): string[] {
  const out: string[] = [];
  out.push(firings.length ? `firings (${firings.length})` : "firings: none");
  if (firings.length) {
    out.push(...table([["id", "time", "monitor", "rule", "model", "window", "found"], ...firings.map((f) => [String(f.id), iso(f.at), f.monitor, f.rule, `${f.model} v${f.version}`, `${iso(f.windowFrom)} .. ${iso(f.windowTo)}`, firingSummary(f)])]));
  }
  out.push(triggers.length ? `retrain triggers (${triggers.length})` : "retrain triggers: none");
  if (triggers.length) {
    out.push(
      ...table([
        ["id", "time", "monitor", "model", "signals", "state", "attempts", "version", "reason"],
        ...triggers.map((t) => [String(t.id), iso(t.at), t.monitor, t.model, t.signals.join(", ") || "-", t.state, String(t.attempts), t.version === null ? "-" : `v${t.version}${t.alias ? ` @${t.alias}` : ""}`, t.reason ?? ""]),
      ]),
    );
  }
  return out;
}
