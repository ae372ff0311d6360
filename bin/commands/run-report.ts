/**
 * `mlspec runs show ID` and `mlspec runs compare ID ID…`: a run's parameters (flattened to
 * dotted paths), final metrics and per-epoch curves, as small text tables or JSON.
 */
import type { RunRecord } from "../../runtime/workspace/registry.js";

/** `{train: {epochs: 3}}` → `{"train.epochs": "3"}`; arrays and scalars are leaves, as JSON text. */
export function flattenParams(value: unknown, prefix = "", out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flattenParams(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out[prefix] = JSON.stringify(value);
  return out;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, k) => (k === cells.length - 1 ? c : c.padEnd(widths[k]!))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") + "\n";
}

const num = (x: number | undefined) => (x === undefined ? "-" : Number.isInteger(x) ? String(x) : x.toFixed(4));

/** Epoch metric names in first-seen order. */
function curveNames(runs: readonly RunRecord[]): string[] {
  const names = new Set<string>();
  for (const run of runs) for (const e of run.epochs) for (const k of Object.keys(e.metrics)) names.add(k);
  return [...names];
}

function heading(run: RunRecord): string {
  const of = run.searchName ? ` (search ${run.searchName}${run.parentRunId !== null ? `, run ${run.parentRunId}` : ""})` : "";
  return `run ${run.id}: ${run.kind} ${run.modelName}${of}, ${run.state}${run.reason ? ` (${run.reason})` : ""}; started ${run.createdAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ""}\n` +
    `backend ${run.backend}, seed ${run.seed}, spec ${run.specHash.slice(0, 12)}, data ${run.dataHash.slice(0, 12)}\n`;
}

export function showText(run: RunRecord): string {
  const params = Object.entries(flattenParams(run.params));
  const metrics = Object.entries(run.metrics ?? {});
  const names = curveNames([run]);
  let text = heading(run);
  text += `\nparams\n${table(["param", "value"], params)}`;
  text += `\nmetrics\n${metrics.length ? table(["metric", "value"], metrics.map(([k, v]) => [k, num(v)])) : "(none)\n"}`;
  text += `\nepochs\n${run.epochs.length ? table(["epoch", ...names], run.epochs.map((e) => [String(e.epoch), ...names.map((n) => num(e.metrics[n]))])) : "(none)\n"}`;
  return text;
}

export interface Comparison {
  runs: number[];
  /** Each parameter's value in each run (null where a run has none), and whether they differ. */
  params: Record<string, { values: Array<string | null>; differs: boolean }>;
  metrics: Record<string, Array<number | null>>;
  /** Each epoch metric: one row per epoch, a value (or null) per run. */
  curves: Record<string, Array<{ epoch: number; values: Array<number | null> }>>;
}

export function compareRuns(runs: readonly RunRecord[]): Comparison {
  const flat = runs.map((r) => flattenParams(r.params));
  const paramNames = [...new Set(flat.flatMap((f) => Object.keys(f)))];
  const params: Comparison["params"] = {};
  for (const p of paramNames) {
    const values = flat.map((f) => f[p] ?? null);
    params[p] = { values, differs: values.some((v) => v !== values[0]) };
  }
  const metricNames = [...new Set(runs.flatMap((r) => Object.keys(r.metrics ?? {})))];
  const metrics = Object.fromEntries(metricNames.map((m) => [m, runs.map((r) => r.metrics?.[m] ?? null)]));
  const curves: Comparison["curves"] = {};
  for (const name of curveNames(runs)) {
    const epochs = [...new Set(runs.flatMap((r) => r.epochs.map((e) => e.epoch)))].sort((a, b) => a - b);
    curves[name] = epochs.map((epoch) => ({ epoch, values: runs.map((r) => r.epochs.find((e) => e.epoch === epoch)?.metrics[name] ?? null) }));
  }
  return { runs: runs.map((r) => r.id), params, metrics, curves };
}

export function compareText(runs: readonly RunRecord[]): string {
  const c = compareRuns(runs);
  const ids = c.runs.map((id) => `run ${id}`);
  const cell = (v: number | null) => (v === null ? "-" : num(v));
  let text = runs.map(heading).join("");
  text += `\nparams (* differs)\n${table(["param", ...ids], Object.entries(c.params).map(([p, { values, differs }]) => [`${differs ? "* " : "  "}${p}`, ...values.map((v) => v ?? "-")]))}`;
  text += `\nmetrics\n${table(["metric", ...ids], Object.entries(c.metrics).map(([m, values]) => [m, ...values.map(cell)]))}`;
  for (const [name, rows] of Object.entries(c.curves)) {
    text += `\n${name} by epoch\n${table(["epoch", ...ids], rows.map((r) => [String(r.epoch), ...r.values.map(cell)]))}`;
  }
  return text;
}
