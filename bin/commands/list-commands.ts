/** Listings of runs and model versions, as a table or JSON. */
import type { Workspace } from "../../runtime/workspace/workspace.js";
import type { ModelVersion } from "../../runtime/workspace/versions.js";
import { fmt } from "../../runtime/run/reporter.js";

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n") + "\n";
}

function metricsText(m: Record<string, number>): string {
  return Object.entries(m)
    .filter(([k]) => !k.startsWith("val."))
    .map(([k, v]) => `${k}=${fmt(v)}`)
    .join(" ");
}

export function printModels(ws: Workspace, format: string): void {
  const models = ws.registry.listModels();
  if (format === "json") {
    process.stdout.write(JSON.stringify(models, null, 2) + "\n");
    return;
  }
  process.stdout.write(
    table(
      ["model", "version", "status", "aliases", "metrics", "baseline", "created"],
      models.map((m) => [m.name, `v${m.version}`, m.status, m.aliases.map((a) => `@${a}`).join(" "), metricsText(m.metrics as Record<string, number>), m.beatsBaseline === null ? "-" : m.beatsBaseline ? "beaten" : "NOT BEATEN", m.createdAt]),
    ),
  );
}

export function printRuns(ws: Workspace, opts: { search?: string; model?: string; format: string }): void {
  let runs = ws.registry.listRuns({ ...(opts.model ? { model: opts.model } : {}), ...(opts.search ? { search: opts.search } : {}) });
  if (opts.search) {
    // the trials of a search, with their sampled parameters and states
    const searchRuns = runs.filter((r) => r.kind === "search");
    const trials = searchRuns.flatMap((s) => ws.registry.listTrials(s.id).map((t) => ({ search: opts.search, ...t })));
    if (opts.format === "json") {
      process.stdout.write(JSON.stringify(trials, null, 2) + "\n");
      return;
    }
    process.stdout.write(
      table(
        ["search run", "trial", "state", "value", "seconds", "params", "reason"],
        trials.map((t) => [String(t.searchRunId), String(t.number), t.state, t.value === null ? "-" : fmt(t.value), t.durationMs === null ? "-" : (t.durationMs / 1000).toFixed(1), JSON.stringify(t.params), t.reason ?? ""]),
      ),
    );
    return;
  }
  runs = [...runs].sort((a, b) => b.id - a.id);
  if (opts.format === "json") {
    // the full record: params, metrics, and the per-epoch log and timings
    process.stdout.write(JSON.stringify(runs.map((r) => ws.registry.getRun(r.id)), null, 2) + "\n");
    return;
  }
  process.stdout.write(
    table(
      ["run", "kind", "model", "state", "backend", "metrics", "started"],
      runs.map((r) => [String(r.id), r.kind, r.modelName, r.state, r.backend, metricsText((r.metrics ?? {}) as Record<string, number>), r.createdAt]),
    ),
  );
}

/** `mlspec models show NAME@REF`: the version, its aliases, and for an imported model where it came from. */
export function showVersion(ws: Workspace, name: string, ref: string | number): ModelVersion & { lineage?: unknown } {
  const v = ws.registry.resolve(name, ref);
  let lineage: unknown;
  try {
    lineage = v.runId === null ? undefined : ws.registry.getRun(v.runId).params.import;
  } catch {
    // a run missing from the registry leaves the version shown without lineage
    lineage = undefined;
  }
  return { ...v, aliases: ws.registry.aliasesOf(name, v.version), ...(lineage ? { lineage } : {}) };
}
