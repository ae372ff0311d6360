/**
 * `mlspec monitor --once` as text: per rule and version, one line per column (test, value,
 * bound, verdict, n); per performance rule and version, the measured value and, on its own
 * line, the estimate (CBPE), never one number for both.
 */
import type { ColumnResult } from "./drift-rule.js";
import type { MonitorReport } from "./monitor-once.js";
import type { PerformanceRuleReport } from "./performance-once.js";
import type { MetricValue } from "./performance-rule.js";

const iso = (ms: number) => new Date(ms).toISOString();
const num = (v: number) => (v === Infinity ? "inf" : Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2));
const VERDICT = { drift: "DRIFT", no_drift: "no drift", insufficient: "insufficient" } as const;

function columnLine(c: ColumnResult): string[] {
  const value = c.yields === "p_value" ? `stat ${num(c.statistic!)} p ${num(c.pValue!)}` : c.yields === "distance" ? num(c.statistic!) : "-";
  const bound = c.yields === "p_value" ? `p < ${num(c.alpha!)}` : c.yields === "distance" ? `> ${num(c.threshold!)}` : "-";
  return [c.column, c.test, value, bound, VERDICT[c.verdict], String(c.n)];
}

function table(rows: string[][], indent: string): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => indent + r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd());
}

export function renderMonitorReports(reports: MonitorReport[]): string[] {
  const out: string[] = [];
  for (const m of reports) {
    out.push(`monitor ${m.monitor} for ${m.serve}`);
    for (const r of m.drift) {
      const bound = [r.threshold !== null ? `threshold ${r.threshold}` : "", r.pValue !== null ? `p_value < ${r.pValue}` : ""].filter(Boolean).join(", ");
      out.push(`  ${r.rule} ${r.target} (${r.test}${bound ? `, ${bound}` : ""}), window ${iso(r.window.from)} .. ${iso(r.window.to)}: ${VERDICT[r.verdict]}`);
      if (r.versions.length === 0) out.push("    no predictions logged in the window");
      for (const v of r.versions) {
        const res = v.result;
        const share = res && res.driftedShare !== null ? `, ${res.columns.filter((c) => c.verdict === "drift").length} of ${res.columns.filter((c) => c.verdict !== "insufficient").length} columns drifted${r.target === "features" ? `, dataset drift ${res.datasetDrift ? "yes" : "no"}` : ""}` : "";
        out.push(`    ${v.model} version ${v.version}, ${v.rows} rows${res ? `, ${res.correction} correction` : ""}${share}: ${VERDICT[v.verdict]}`);
        if (v.note) out.push(`      ${v.note}`);
        if (res && res.columns.length) out.push(...table([["column", "test", "value", "bound", "verdict", "n"], ...res.columns.map(columnLine)], "      "));
      }
      if (r.skipped.length) out.push(`    not watched: ${r.skipped.map((s) => `${s.column} (${s.reason})`).join(", ")}`);
    }
    for (const r of m.performance) out.push(...performanceLines(r));
    if (m.retrain) out.push(`  retrain: trigger ${m.retrain.trigger} ${m.retrain.state}${m.retrain.reason ? ` (${m.retrain.reason})` : ""}`);
    for (const n of m.notEvaluated) out.push(`  ${n}: not evaluated by this version of mlspec`);
  }
  return out;
}

const PERF_VERDICT = { holds: "holds", fails: "FAILS", insufficient: "insufficient" } as const;

function metricCell(v: MetricValue | null): string {
  if (!v) return "-";
  return v.value === null ? `- (${v.n} rows)` : `${num(v.value)} (${v.n} rows)`;
}

function performanceLines(r: PerformanceRuleReport): string[] {
  const out = [`  ${r.rule} ${r.metric} ${r.op} ${r.value}, window ${iso(r.window.from)} .. ${iso(r.window.to)}: ${PERF_VERDICT[r.verdict]}`];
  const l = r.labels;
  out.push(`    labels: ${l.source ?? "none (estimated by CBPE)"}${l.source ? `, ${l.fromSource} joined` : ""}${l.fromFeedback ? `, ${l.fromFeedback} from feedback` : ""}${l.notYetArrived ? `, ${l.notYetArrived} not arrived yet` : ""}`);
  if (r.versions.length === 0) out.push("    no predictions logged in the window");
  for (const v of r.versions) {
    const res = v.result;
    out.push(`    ${v.model} version ${v.version}, ${v.rows} rows${res ? `: ${PERF_VERDICT[res.verdict]} (judged on the ${res.judgedOn} value, min_samples ${res.minSamples})` : ""}`);
    if (v.note) out.push(`      ${v.note}`);
    if (!res) continue;
    out.push(`      measured   ${metricCell(res.measured)}`);
    if (res.estimated) out.push(`      estimated  ${metricCell(res.estimated)}${res.judgedOn === "measured" ? " on the rows without a label yet" : ""}`);
    if (res.note) out.push(`      ${res.note}`);
  }
  return out;
}
