/**
 * The report as one self-contained HTML page: inline CSS, charts as inline SVG, no script,
 * and a Content-Security-Policy that forbids every fetch, so the page opened from disk or
 * served asks the network for nothing. Under each chart a table holds its numbers (the
 * chart's text alternative).
 */
import { type Chart, aliasTimelineChart, candidateWeightChart, curveChart, driftChart, histogramChart, parameterChart, renderSvg, rolloutTimelineChart, trialsChart, weightsChart } from "./charts.js";
import type { ColumnProfile } from "../data/profile.js";
import type { DatasetReport, MonitoringReport, RegistryReport, ReportModel, RolloutReport, SearchReport, TrainingReport } from "./report-model.js";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const esc = (text: unknown) => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Numbers as a person reads them: integers whole, others to 4 significant digits. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (Number.isInteger(x)) return String(x);
  const abs = Math.abs(x);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

const pct = (x: number) => `${Number((x * 100).toPrecision(3))}%`;

function table(caption: string, header: string[], rows: Array<Array<string | number | null>>, className = ""): string {
  const cell = (v: string | number | null) => (typeof v === "number" ? `<td class="n">${esc(num(v))}</td>` : `<td>${esc(v ?? "–")}</td>`);
  return (
    `<table${className ? ` class="${className}"` : ""}><caption>${esc(caption)}</caption>` +
    `<thead><tr>${header.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`).join("")}</tbody></table>`
  );
}

/** A chart, its caption, and the table of its numbers under it. */
async function figure(id: string, chart: Chart, header: string[], rows: Array<Array<string | number | null>>): Promise<string> {
  const svg = await renderSvg(chart);
  return (
    `<figure class="chart" id="${esc(id)}" data-chart="${esc(id)}"><figcaption>${esc(chart.title)}</figcaption>` +
    `<div class="svg" role="img" aria-label="${esc(chart.title)}">${svg}</div>` +
    `<div class="scroll">${table("The numbers of the chart above", header, rows, "numbers")}</div></figure>`
  );
}

const empty = (what: string) => `<p class="empty">no data: ${esc(what)}</p>`;

const slug = (...parts: string[]) => parts.join("-").replace(/[^A-Za-z0-9_-]+/g, "_");

async function columnFigure(dataset: string, c: ColumnProfile): Promise<string> {
  const h = c.histogram;
  const id = slug("hist", dataset, c.name);
  const facts = `${c.type}, ${c.count} rows, ${c.nulls} null, ${c.distinct}${c.distinctApprox ? " (estimated)" : ""} distinct`;
  if (c.type === "string" && c.distinct === c.count - c.nulls) {
    return `<div class="column" data-column="${esc(c.name)}"><h4>${esc(c.name)}</h4><p>${esc(facts)}: every value is distinct (an id); no histogram.</p></div>`;
  }
  if (h.kind === "numeric") {
    const bins = h.counts.map((count, i) => ({ label: `${num(h.edges[i]!)}–${num(h.edges[i + 1]!)}`, start: h.edges[i]!, end: h.edges[i + 1]!, count }));
    const chart = histogramChart(`${dataset}.${c.name}: histogram (${facts}; mean ${num(c.mean)}, std ${num(c.std)})`, bins, true);
    return `<div class="column" data-column="${esc(c.name)}">${await figure(id, chart, ["from", "to", "rows"], bins.map((b) => [b.start, b.end, b.count]))}</div>`;
  }
  const bins = h.values.map((v, i) => ({ label: v, count: h.counts[i]! }));
  if (h.otherCount > 0) bins.push({ label: "(other values)", count: h.otherCount });
  const chart = histogramChart(`${dataset}.${c.name}: values (${facts})`, bins, false);
  return `<div class="column" data-column="${esc(c.name)}">${await figure(id, chart, ["value", "rows"], bins.map((b) => [b.label, b.count]))}</div>`;
}

async function dataSection(data: DatasetReport[]): Promise<string> {
  if (data.length === 0) return empty("the spec has no dataset");
  const parts: string[] = [];
  for (const d of data) {
    parts.push(`<h3>Dataset ${esc(d.name)}</h3>`);
    if (d.accepted === null) {
      parts.push(empty(`dataset ${d.name} has not been read in this workspace (run mlspec run first)`));
      continue;
    }
    parts.push(table(`Rows of ${d.name}`, ["read", "accepted", "quarantined", "quarantined share"], [[d.read, d.accepted, d.quarantined, d.read ? pct(d.quarantined! / d.read) : "–"]]));
    parts.push(
      d.topReasons.length
        ? table(`Most frequent quarantine reasons of ${d.name}`, ["reason", "rows"], d.topReasons.map((r) => [r.reason, r.rows]))
        : `<p>No row was quarantined.</p>`,
    );
    if (d.split) {
      const rows: Array<Array<string | number | null>> = Object.entries(d.split.fractions).map(([part, f]) => [part, pct(f), null]);
      rows.unshift(["train", pct(1 - Object.values(d.split.fractions).reduce((a, b) => a + b, 0)), d.trainRows]);
      parts.push(table(`Split of ${d.name} (${d.split.method})`, ["part", "share", "rows"], rows));
    }
    parts.push(`<div class="grid">`);
    for (const c of d.columns) parts.push(await columnFigure(d.name, c));
    parts.push(`</div>`);
  }
  return parts.join("\n");
}

function epochTable(points: TrainingReport["curves"], series: string[]): Array<Array<string | number | null>> {
  const epochs = [...new Set(points.map((p) => p.epoch))].sort((a, b) => a - b);
  const at = new Map(points.map((p) => [`${p.epoch}|${p.metric}`, p.value]));
  return epochs.map((e) => [e, ...series.map((s) => at.get(`${e}|${s}`) ?? null)]);
}

async function trainingSection(training: TrainingReport[]): Promise<string> {
  if (training.length === 0) return empty("the spec trains no model");
  const parts: string[] = [];
  for (const t of training) {
    parts.push(`<h3>Model ${esc(t.model)} <small>(${esc(t.task)}${t.version !== null ? `, version ${t.version}, run ${t.runId ?? "–"}` : ""})</small></h3>`);
    if (t.version === null) {
      parts.push(empty(`no version of ${t.model} is registered`));
      continue;
    }
    const metrics = [...new Set(t.curves.map((p) => p.metric))];
    const losses: string[] = metrics.filter((m) => m === "loss" || m === "val.loss");
    const watched = t.watched && metrics.includes(t.watched) && !losses.includes(t.watched) ? [t.watched] : [];
    const trainTwin = watched[0]?.startsWith("val.") ? watched[0].slice(4) : undefined;
    if (trainTwin && metrics.includes(trainTwin)) watched.unshift(trainTwin);
    const best = t.bestEpoch !== null ? ` (best epoch ${t.bestEpoch})` : "";
    parts.push(`<div class="grid">`);
    const panels: Array<[string, string[]]> = [["loss", losses], [t.watched ?? "metric", watched]];
    for (const [name, series] of panels) {
      if (series.length === 0) continue;
      const pts = t.curves.filter((p) => series.includes(p.metric)).map((p) => ({ epoch: p.epoch, series: p.metric.startsWith("val.") ? `validation ${p.metric.slice(4)}` : `train ${p.metric}`, value: p.value }));
      const chart = curveChart(`${t.model}: ${name} per epoch, train and validation${best}`, pts, t.bestEpoch, name);
      parts.push(await figure(slug("curve", t.model, name), chart, ["epoch", ...series], epochTable(t.curves, series)));
    }
    parts.push(`</div>`);
    if (t.curves.length === 0) parts.push(`<p>No per-epoch metrics were recorded for this version (an imported model, or a run before epochs were logged).</p>`);
    const names = [...new Set(Object.keys(t.metrics).map((k) => k.replace(/^val\./, "")))].filter((k) => !k.startsWith("baseline"));
    parts.push(
      table(
        `Final metrics of ${t.model} version ${t.version}; beats its task's trivial baseline: ${t.beatsBaseline === null ? "not compared" : t.beatsBaseline ? "yes" : "NO"}`,
        ["metric", "validation", "test"],
        names.map((m) => [m, t.metrics[`val.${m}`] ?? null, t.metrics[m] ?? null]),
      ),
    );
    parts.push(
      `<p class="note">ROC, calibration and confusion plots (classifiers), predicted-vs-actual and residuals (regression) need the test split's predictions, which the registry does not record yet; only the metrics above are stored.</p>`,
    );
  }
  return parts.join("\n");
}

async function searchSection(search: SearchReport[]): Promise<string> {
  if (search.length === 0) return empty("the spec has no search");
  const parts: string[] = [];
  for (const s of search) {
    parts.push(`<h3>Search ${esc(s.search)} <small>(for ${esc(s.model)}, ${esc(s.direction)} ${esc(s.objective)}${s.runId !== null ? `, run ${s.runId}` : ""})</small></h3>`);
    if (s.trials.length === 0) {
      parts.push(empty(`search ${s.search} has not run in this workspace`));
      continue;
    }
    const counts = ["complete", "pruned", "failed", "running"].map((st) => `${s.trials.filter((t) => t.state === st).length} ${st}`).join(", ");
    const chart = trialsChart(`${s.search}: ${s.objective} per trial (${counts}); dashed: best so far`, s.trials, s.objective);
    const paramCell = (v: unknown) => (typeof v === "number" ? num(v) : JSON.stringify(v));
    parts.push(
      await figure(
        slug("trials", s.search),
        chart,
        ["trial", "state", s.objective, "best so far", ...s.parameters.map((p) => p.path)],
        s.trials.map((t) => [t.number, t.state, t.value, t.bestSoFar, ...s.parameters.map((p) => paramCell(t.params[p.path]))]),
      ),
    );
    parts.push(`<div class="grid">`);
    for (const p of s.parameters) {
      const pts = s.trials
        .filter((t) => t.value !== null && t.params[p.path] !== undefined)
        .map((t) => ({ value: typeof t.params[p.path] === "number" ? (t.params[p.path] as number) : JSON.stringify(t.params[p.path]), objective: t.value!, state: t.state }));
      const c = parameterChart(`${s.search}: ${p.path} against ${s.objective}${p.log ? " (log scale)" : ""}`, pts, p.path, s.objective, p.log);
      parts.push(await figure(slug("param", s.search, p.path), c, [p.path, s.objective, "state"], pts.map((x) => [x.value, x.objective, x.state])));
    }
    parts.push(`</div>`);
  }
  return parts.join("\n");
}

async function registrySection(registry: RegistryReport[]): Promise<string> {
  if (registry.length === 0) return empty("the spec registers no model");
  const parts: string[] = [];
  for (const r of registry) {
    parts.push(`<h3>Model ${esc(r.model)}</h3>`);
    if (r.versions.length === 0) {
      parts.push(empty(`no version of ${r.model} in this workspace`));
      continue;
    }
    const metricNames = [...new Set(r.versions.flatMap((v) => Object.keys(v.metrics)))].filter((m) => !m.startsWith("val."));
    parts.push(
      table(
        `Versions of ${r.model}: metrics on the test split, gate verdicts and reasons`,
        ["version", "status", "aliases", ...metricNames, "beats baseline", "gates", "registered"],
        r.versions.map((v) => [
          v.version,
          v.status,
          v.aliases.map((a) => `@${a}`).join(" ") || "–",
          ...metricNames.map((m) => v.metrics[m] ?? null),
          v.beatsBaseline === null ? "not compared" : v.beatsBaseline ? "yes" : "NO",
          v.reasons.join("; ") || "–",
          v.createdAt,
        ]),
      ),
    );
    if (r.aliasHistory.length === 0) {
      parts.push(`<p>No alias has pointed at a version of ${esc(r.model)}.</p>`);
      continue;
    }
    const moves = r.aliasHistory.map((e) => ({ at: e.at, alias: e.alias, version: e.toVersion }));
    const chart = aliasTimelineChart(`${r.model}: alias history (version each alias pointed at over time)`, moves);
    parts.push(
      await figure(
        slug("aliases", r.model),
        chart,
        ["time (UTC)", "alias", "from", "to", "moved by"],
        r.aliasHistory.map((e) => [e.at, `@${e.alias}`, e.fromVersion === null ? "(new)" : `v${e.fromVersion}`, e.toVersion === null ? "(removed)" : `v${e.toVersion}`, e.movedBy ?? "(not recorded)"]),
      ),
    );
  }
  return parts.join("\n");
}

async function monitoringSection(monitoring: MonitoringReport[]): Promise<string> {
  if (monitoring.length === 0) return empty("the spec has no monitor block");
  const parts: string[] = [];
  for (const m of monitoring) {
    parts.push(`<h3>Monitor ${esc(m.monitor)} <small>(for ${esc(m.serve)})</small></h3>`);
    parts.push(
      m.firings.length
        ? table(`Firings of ${m.monitor}`, ["#", "rule", "kind", "time (UTC)", "verdict", "version"], m.firings.map((f) => [f.id, f.rule, f.kind, f.at, f.verdict, `${f.model}@${f.version}`]))
        : `<p>No rule of ${esc(m.monitor)} has fired.</p>`,
    );
    if (m.columns.length === 0) {
      parts.push(empty(m.window ? `no logged predictions of ${m.serve} to compare with the reference` : `${m.serve} has logged no prediction yet (run mlspec serve and send traffic)`));
      continue;
    }
    parts.push(`<p>Window ${esc(m.window!.from)} to ${esc(m.window!.to)}: ${m.liveRows} live rows answered by ${esc(m.model)}@${m.version}, against its monitoring reference (training rows).</p>`);
    parts.push(`<div class="grid">`);
    for (const c of m.columns) {
      const test = c.statistic === null ? "not tested in a firing" : `${c.test} ${num(c.statistic)}${c.pValue !== null ? `, p ${num(c.pValue)}` : ""}: ${c.verdict === "drift" ? "DRIFT" : c.verdict.replace("_", " ")}`;
      const chart = driftChart(`${m.monitor}: ${c.column}, reference vs live (${test})`, c.bins);
      parts.push(await figure(slug("drift", m.monitor, c.column), chart, ["bin (start) or value", "reference share", "live share"], c.bins.map((b) => [b.bin, pct(b.reference), pct(b.live)])));
    }
    parts.push(`</div>`);
  }
  return parts.join("\n");
}

async function rolloutSection(rollouts: RolloutReport[]): Promise<string> {
  if (rollouts.length === 0) return empty("the spec has no rollout block");
  const parts: string[] = [];
  for (const r of rollouts) {
    parts.push(`<h3>Rollout ${esc(r.rollout)} <small>(${esc(r.strategy)} for ${esc(r.serve)})</small></h3>`);
    if (r.phase === null) {
      parts.push(empty(`rollout ${r.rollout} has not started (it starts when a version is registered as @challenger while mlspec serve runs)`));
      continue;
    }
    parts.push(`<p>Phase <strong>${esc(r.phase)}</strong>: ${esc(r.reason ?? "")}</p>`);
    parts.push(`<div class="grid">`);
    if (Object.keys(r.weights).length) {
      parts.push(await figure(slug("weights", r.rollout), weightsChart(`${r.rollout}: traffic weights now`, r.weights), ["arm", "weight"], Object.entries(r.weights).map(([a, w]) => [a, pct(w)])));
    }
    if (r.events.length) {
      parts.push(
        await figure(
          slug("timeline", r.rollout),
          rolloutTimelineChart(`${r.rollout}: timeline of transitions`, r.events),
          ["time (UTC)", "from", "to", "reason"],
          r.events.map((e) => [e.at, e.from ?? "start", e.to, e.reason]),
        ),
      );
    }
    if (r.candidateWeights.length) {
      parts.push(
        await figure(
          slug("steps", r.rollout),
          candidateWeightChart(`${r.rollout}: the candidate's share of traffic after each transition`, r.candidateWeights),
          ["time (UTC)", "state", "candidate weight"],
          r.candidateWeights.map((w) => [w.at, w.state, pct(w.weight)]),
        ),
      );
    }
    parts.push(`</div>`);
    parts.push(
      r.guards.length
        ? table(`Guards of ${r.rollout} on the last interval`, ["guard", "arm", "value", "current model", "samples", "verdict"], r.guards.map((g) => [g.guard, g.arm, g.value, g.baseline, g.samples, g.verdict]))
        : `<p>No guard has been judged yet.</p>`,
    );
  }
  return parts.join("\n");
}

const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #111; background: #fff; }
header { padding: 16px 24px; border-bottom: 2px solid #111; }
header h1 { margin: 0 0 4px; font-size: 22px; }
nav a { margin-right: 14px; color: #0b4f8a; }
main { padding: 0 24px 40px; }
section { border-bottom: 1px solid #bbb; padding: 8px 0 20px; }
h2 { font-size: 19px; margin: 18px 0 6px; }
h3 { font-size: 16px; margin: 16px 0 6px; }
h4 { margin: 8px 0 4px; }
small { font-weight: normal; color: #444; }
.grid { display: flex; flex-wrap: wrap; gap: 16px; }
figure.chart { margin: 8px 0; max-width: 460px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.svg svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 12px; }
caption { text-align: left; font-style: italic; color: #333; padding-bottom: 2px; }
th, td { border: 1px solid #999; padding: 2px 6px; vertical-align: top; }
th { background: #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { max-width: 460px; max-height: 220px; overflow: auto; }
.empty { color: #444; font-style: italic; border-left: 4px solid #999; padding-left: 8px; }
.note { color: #444; font-size: 12px; }
`;

export const SECTIONS = [
  ["data", "Data"],
  ["training", "Training"],
  ["search", "Search"],
  ["registry", "Registry"],
  ["monitoring", "Monitoring"],
  ["rollouts", "Rollouts"],
] as const;

/** The whole page. */
export async function renderReportHtml(model: ReportModel): Promise<string> {
  const bodies: Record<(typeof SECTIONS)[number][0], string> = {
    data: await dataSection(model.data),
    training: await trainingSection(model.training),
    search: await searchSection(model.search),
    registry: await registrySection(model.registry),
    monitoring: await monitoringSection(model.monitoring),
    rollouts: await rolloutSection(model.rollouts),
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mlspec report: ${esc(model.spec)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>mlspec report: ${esc(model.spec)}</h1>
<p>Workspace ${esc(model.workspace)} · spec ${esc(model.specHash.slice(0, 12))} · generated ${esc(model.generatedAt)}</p>
<nav aria-label="sections">${SECTIONS.map(([id, title]) => `<a href="#${id}">${title}</a>`).join("")}</nav>
</header>
<main>
${SECTIONS.map(([id, title]) => `<section id="${id}" data-section="${id}" aria-labelledby="${id}-title">\n<h2 id="${id}-title">${title}</h2>\n${bodies[id]}\n</section>`).join("\n")}
</main>
</body>
</html>
`;
}
