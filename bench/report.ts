/**
 * The report's weight and opening time: `mlspec report` on a spec's workspace, then the page
 * opened in headless Chromium from file:// (network blocked), against a same-run baseline:
 * a plain HTML page of the same size (text only, no SVG).
 *
 *   npx tsx bench/report.ts SPEC [--workspace DIR]      e.g. examples/churn/churn.mlspec after mlspec run
 *
 * Prints the report's size, the time to build it, and the median of 5 loads (navigation
 * start to the load event: parsed, laid out, every SVG in place) of the report and of the baseline.
 * Goals (issue 16): the churn report opens in under 1 s and weighs under 2 MB.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { loadPlan } from "../compiler/plan/load-plan.js";
import { reportHtml } from "../runtime/report/workspace-report.js";
import { defaultWorkspaceDir } from "../runtime/workspace/workspace.js";

const spec = process.argv[2];
if (!spec) {
  console.error("usage: npx tsx bench/report.ts SPEC [--workspace DIR]");
  process.exit(2);
}
const wsFlag = process.argv.indexOf("--workspace");
const workspace = wsFlag > 0 ? process.argv[wsFlag + 1]! : defaultWorkspaceDir(spec);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const { plan } = loadPlan(spec);
const t0 = performance.now();
const html = await reportHtml(plan, workspace);
const buildMs = performance.now() - t0;
const dir = mkdtempSync(join(tmpdir(), "mlspec-bench-report-"));
const reportFile = join(dir, "report.html");
writeFileSync(reportFile, html);
const baselineFile = join(dir, "baseline.html");
const filler = "<p>" + "lorem ipsum dolor sit amet ".repeat(40) + "</p>\n";
writeFileSync(baselineFile, `<!doctype html><html><head><meta charset="utf-8"><title>baseline</title></head><body>${filler.repeat(Math.ceil(html.length / filler.length))}</body></html>`);

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
async function open(file: string): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.route("**/*", (route) => (route.request().url().startsWith("file://") ? route.continue() : route.abort()));
  await page.goto(`file://${file}`, { waitUntil: "load" });
  // evaluated in the page (a string: Node's types have no DOM)
  const t = (await page.evaluate(`performance.getEntriesByType("navigation")[0].loadEventEnd`)) as number;
  await page.close();
  return t;
}
const rounds = 5;
const report: number[] = [];
const baseline: number[] = [];
for (let i = 0; i < rounds; i++) {
  report.push(await open(reportFile));
  baseline.push(await open(baselineFile));
}
await browser.close();

const r = median(report);
const b = median(baseline);
console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
console.log(`report: ${(html.length / 1024).toFixed(0)} KiB, ${(html.match(/<svg/g) ?? []).length} charts, built in ${buildMs.toFixed(0)} ms`);
console.log(`open (median of ${rounds}, navigation start to load event): report ${r.toFixed(0)} ms`);
console.log(`baseline, a text-only page of the same size: ${b.toFixed(0)} ms; ratio ${(r / b).toFixed(2)}`);
