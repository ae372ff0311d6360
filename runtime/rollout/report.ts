/** Text for `mlspec rollout status|history|replay` (JSON is the documents themselves). */
import type { RolloutEvent } from "../workspace/rollouts.js";
import type { ReplayResult, TimelineEntry } from "./replay.js";
import type { GuardMeasurement, RolloutDoc, TestStatistics } from "../../stdlib/rollout/shared/rollout-types.js";

const pct = (w: number) => `${Math.round(w * 1000) / 10}%`;

export function weightsText(weights: Record<string, number>): string {
  return Object.entries(weights).map(([arm, w]) => `${arm} ${pct(w)}`).join(", ");
}

export function guardText(g: GuardMeasurement): string {
  const v = (x: number | null) => (x === null ? "–" : String(x));
  return `${g.guard}: ${g.arm} ${v(g.value)} (n=${g.samples}) vs current ${v(g.baseline)}: ${g.verdict}${g.verdict === "pass" ? "" : ` — ${g.why}`}`;
}

export function testText(t: TestStatistics): string {
  const f = (x: number) => (Number.isFinite(x) ? (Math.round(x * 10000) / 10000).toString() : x > 0 ? "∞" : "-∞");
  const arms = Object.entries(t.perArm).map(([a, s]) => `${a} ${f(s.mean)} (n=${s.n})`).join(", ");
  return `${t.metric} (${t.kind}): ${arms}; effect ${f(t.effect)} [${f(t.interval[0])}, ${f(t.interval[1])}], always-valid p ${f(t.pValue)} (alpha ${t.alpha}); SRM p ${t.srm.pValue.toExponential(2)}${t.srm.mismatch ? " MISMATCH" : ""}`;
}

export function statusText(doc: RolloutDoc, events: readonly RolloutEvent[], label: string): string {
  const ref = (r: { model: string; version: number } | null) => (r ? `${r.model}@${r.version}` : "–");
  const lines = [
    `${doc.rollout} (${doc.strategy} for ${doc.serve}): ${label}`,
    `  current ${ref(doc.current)}, candidate ${doc.arms ? Object.keys(doc.arms).join(", ") : ref(doc.candidate)}`,
    `  weights ${weightsText(doc.weights)}`,
    `  reason  ${doc.reason}`,
  ];
  for (const g of doc.guards) lines.push(`  guard   ${guardText(g)}`);
  if (doc.test) lines.push(`  test    ${testText(doc.test)}`);
  if (doc.posteriors) for (const [arm, p] of Object.entries(doc.posteriors)) lines.push(`  arm     ${arm}: ${p.n} rewards, mean ${p.n ? (p.sum / p.n).toFixed(4) : "–"}`);
  if (doc.lease) lines.push(`  driven by ${doc.lease.holder} (lease until ${new Date(doc.lease.expiresAt).toISOString()})`);
  const last = events.slice(-5);
  if (last.length) lines.push("  last transitions:", ...last.map((e) => `    ${new Date(e.at).toISOString()}  ${e.fromState ?? "–"} → ${e.toState}: ${e.reason}`));
  return lines.join("\n") + "\n";
}

export function historyText(events: readonly RolloutEvent[]): string {
  return events.map((e) => `${new Date(e.at).toISOString()}  ${e.fromState ?? "–"} → ${e.toState}  ${e.reason}`).join("\n") + "\n";
}

function offset(ms: number): string {
  const s = Math.round(ms / 1000);
  const hh = String(Math.floor(s / 3600)).padStart(2, "0");
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return `+${hh}:${mm}:${ss}`;
}

export function timelineText(result: ReplayResult, start: number): string {
  const lines = [`replay of rollout ${result.rollout} (${result.strategy}) on ${result.requests} recorded requests, seed ${result.seed}`];
  const m = result.monitor;
  if (m) lines.push(m.replayed ? `with monitor ${m.monitors.join(", ")}, on a throwaway copy of the workspace` : `monitor ${m.monitors.join(", ")} not replayed: ${m.note}`);
  for (const e of result.timeline as TimelineEntry[]) {
    if (e.source === "monitor") {
      lines.push(`${offset(e.at - start)}  ${e.reason}`);
      continue;
    }
    lines.push(`${offset(e.at - start)}  ${e.from ?? "start"} → ${e.to}: ${e.reason}`);
    lines.push(`           weights ${weightsText(e.weights)}`);
    for (const g of e.guards) lines.push(`           guard ${guardText(g)}`);
    if (e.test) lines.push(`           test ${testText(e.test)}`);
  }
  lines.push(`verdict: ${result.verdict}${result.final ? ` — ${result.final.reason}` : ""}`);
  return lines.join("\n") + "\n";
}
