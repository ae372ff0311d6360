/**
 * The report in a real browser: Debian's headless Chromium driven by playwright-core opens
 * the churn example's report (the spec, with the fixture workspace) from file:// and from
 * GET /report of a running `mlspec serve`, with every request that is not the page itself
 * aborted. No console error, no failed or outside request; every section and chart visible;
 * a screenshot of each is kept under tmp/test-artifacts/ (git-ignored) for a person to look at.
 * Skipped, saying so, only where /usr/bin/chromium is not installed (.ci/run installs it).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { SECTIONS } from "../../runtime/report/report-html.js";
import { churnFixture, type Fixture } from "./fixture.js";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = join(import.meta.dirname, "../..");
const CLI = join(ROOT, "dist/mlspec.mjs");
const ARTIFACTS = join(ROOT, "tmp/test-artifacts");
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`test/report/browser.test.ts skipped: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`);

interface Visit {
  errors: string[];
  outside: string[];
}

/** Opens `url` with everything but the page's own origin aborted; collects what went wrong. */
async function visit(browser: Browser, url: string, allowed: (u: string) => boolean): Promise<{ page: Page; visit: Visit }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const v: Visit = { errors: [], outside: [] };
  page.on("console", (m) => {
    if (m.type() === "error") v.errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => v.errors.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => v.errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  await page.route("**/*", async (route) => {
    const u = route.request().url();
    if (allowed(u)) return route.continue();
    v.outside.push(u);
    return route.abort("blockedbyclient");
  });
  const response = await page.goto(url, { waitUntil: "load" });
  expect(response === null || response.ok()).toBe(true);
  return { page, visit: v };
}

async function expectWholeReport(page: Page, v: Visit, shot: string): Promise<void> {
  for (const [id, title] of SECTIONS) {
    const section = page.locator(`section#${id}`);
    await expect(section.isVisible()).resolves.toBe(true);
    await expect(section.locator("h2").innerText()).resolves.toBe(title);
  }
  const charts = page.locator("figure.chart");
  const n = await charts.count();
  expect(n).toBeGreaterThan(10);
  for (let i = 0; i < n; i++) {
    const svg = charts.nth(i).locator("svg");
    await expect(svg.isVisible()).resolves.toBe(true);
    const box = await svg.boundingBox();
    expect(box!.width).toBeGreaterThan(50);
    expect(box!.height).toBeGreaterThan(30);
    await expect(charts.nth(i).locator("table.numbers tbody tr").count()).resolves.toBeGreaterThan(0);
  }
  // each section with data in the fixture has a chart
  for (const id of ["data", "training", "search", "registry", "monitoring", "rollouts"]) {
    await expect(page.locator(`section#${id} figure.chart`).count()).resolves.toBeGreaterThan(0);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, shot), fullPage: true });
  expect(statSync(join(ARTIFACTS, shot)).size).toBeGreaterThan(10_000);
  expect(v.errors).toEqual([]);
  expect(v.outside).toEqual([]);
}

describe.skipIf(!haveChromium)("the churn report in headless Chromium", () => {
  let fx: Fixture;
  let browser: Browser;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    fx = churnFixture();
    fx.ws.close(); // the CLI and the server open it themselves
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  }, 60_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    await browser?.close();
    fx?.cleanup();
  }, 30_000);

  it("opens `mlspec report`'s file from file:// with the network blocked", async () => {
    const out = join(fx.dir, "report.html");
    const run = spawnSync(process.execPath, [CLI, "report", fx.spec, "--out", out], { encoding: "utf8" });
    expect(run.stderr).toMatch(/report written to .*report\.html/);
    expect(run.status).toBe(0);
    expect(statSync(out).size).toBeLessThan(2 * 1024 * 1024);
    const { page, visit: v } = await visit(browser, `file://${out}`, (u) => u.startsWith("file://"));
    await expectWholeReport(page, v, "report-file.png");
    await page.close();
  }, 120_000);

  it("serves the same report at GET /report of a running mlspec serve", async () => {
    server = spawn(process.execPath, [CLI, "serve", fx.spec, "--port", "0", "--host", "127.0.0.1", "--no-log"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    server.stdout!.on("data", (d) => (stdout += d));
    server.stderr!.on("data", (d) => (stderr += d));
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
        if (m) {
          clearInterval(timer);
          resolve(m[1]!);
        } else if (server!.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`mlspec serve exited ${server!.exitCode}: ${stderr}`));
        }
      }, 50);
    });
    const { page, visit: v } = await visit(browser, `${base}/report`, (u) => u === `${base}/report`);
    await expectWholeReport(page, v, "report-serve.png");
    await page.close();
  }, 120_000);
});
