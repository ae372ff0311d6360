/**
 * The churn example end to end: train it, serve examples/churn/data/traffic.csv and then
 * traffic_shifted.csv through loadServing (which logs every answer), and `mlspec monitor
 * --once` over each window: no drift for the first, the shifted columns named for the second.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMonitorCommand } from "../../bin/commands/monitor-command.js";
import { loadServing } from "../../runtime/serve/load-serving.js";
import { planForServing } from "../../runtime/serve/serve-plan.js";
import { cli, removeTempDirs, repoRoot, run, tempDir } from "../run/fixtures.js";

type Row = Record<string, string | number | null>;
const NUMERIC = new Set(["tenure", "monthly", "support_calls"]);

function readTraffic(file: string): Row[] {
  const [header, ...lines] = fs.readFileSync(file, "utf8").trim().split("\n");
  const names = header!.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((cell, i) => [names[i]!, NUMERIC.has(names[i]!) ? (cell === "" ? null : Number(cell)) : cell])));
}

let spec: string;
const windows: Record<"traffic" | "shifted", { from: number; to: number }> = { traffic: { from: 0, to: 0 }, shifted: { from: 0, to: 0 } };

beforeAll(async () => {
  const dir = tempDir("mlspec-churn-monitor-");
  fs.cpSync(path.join(repoRoot, "examples/churn/churn.mlspec"), path.join(dir, "churn.mlspec"));
  fs.cpSync(path.join(repoRoot, "examples/churn/data"), path.join(dir, "data"), { recursive: true });
  spec = path.join(dir, "churn.mlspec");
  const r = await run(spec, { quiet: true });
  expect(r.exitCode).toBe(0);
  const serving = await loadServing(spec, { pollMs: 0 });
  try {
    for (const name of ["traffic", "shifted"] as const) {
      const rows = readTraffic(path.join(dir, "data", name === "traffic" ? "traffic.csv" : "traffic_shifted.csv"));
      // the log's times come from the clock; a window is the span the requests were made in
      windows[name].from = Date.now();
      for (let i = 0; i < rows.length; i += 50) await serving.predict(rows.slice(i, i + 50) as never);
      await new Promise((r) => setTimeout(r, 2));
      windows[name].to = Date.now() + 1;
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    await serving.close();
  }
}, 600_000);

afterAll(removeTempDirs);

async function monitor(w: { from: number; to: number }) {
  const out: string[] = [];
  const code = await runMonitorCommand(spec, { plan: planForServing(spec), format: "json", from: w.from, to: w.to }, { out: (l) => out.push(l), err: () => {} });
  const report = JSON.parse(out.join("\n")).monitors[0];
  const [features, prediction] = report.drift;
  const drifted = (rule: { versions: Array<{ result: { columns: Array<{ column: string; verdict: string }> } }> }) =>
    rule.versions.flatMap((v) => v.result.columns.filter((c) => c.verdict === "drift").map((c) => c.column));
  return { code, features, prediction, drifted, report };
}

describe("churn example: monitor --once on traffic.csv and traffic_shifted.csv", () => {
  it("traffic.csv: no drift in any input column or the prediction", async () => {
    const r = await monitor(windows.traffic);
    expect(r.features.versions.map((v: { rows: number }) => v.rows)).toEqual([300]);
    expect(r.features.skipped).toEqual([{ column: "customer_id", reason: "unique: every value is new" }]);
    expect(r.features.versions[0].result.columns.map((c: { column: string }) => c.column)).toEqual(["tenure", "monthly", "plan", "region", "support_calls"]);
    expect(r.drifted(r.features)).toEqual([]);
    expect(r.features.verdict).toBe("no_drift");
    expect(r.prediction.verdict).toBe("no_drift");
    expect(r.report.notEvaluated).toEqual([]);
    // feedback.csv labels every traffic.csv customer: auc is measured on all 300
    const [auc] = r.report.performance;
    expect(auc.labels).toMatchObject({ source: "data/feedback.csv", fromSource: 300 });
    expect(auc.versions[0].result.measured.n).toBe(300);
    expect(auc.versions[0].result.measured.value).toBeGreaterThan(0.78);
    expect(auc.verdict).toBe("holds");
    expect(r.code).toBe(0);
  });

  it("traffic_shifted.csv: plan, tenure and support_calls drift and are named; region does not", async () => {
    const r = await monitor(windows.shifted);
    const drifted = r.drifted(r.features);
    for (const c of ["plan", "tenure", "support_calls"]) expect(drifted).toContain(c);
    expect(drifted).not.toContain("region");
    expect(r.features.verdict).toBe("drift");
    expect(r.code).toBe(1);
  });

  it("through the CLI: --once names the shifted columns for traffic_shifted.csv and none for traffic.csv", async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const shifted = await cli(["monitor", spec, "--once", "--from", iso(windows.shifted.from), "--to", iso(windows.shifted.to)], 120_000);
    expect(shifted.status).toBe(1);
    for (const c of ["plan", "tenure", "support_calls"]) expect(shifted.stdout).toMatch(new RegExp(`^\\s+${c}\\s+\\S+\\s+.*DRIFT\\s+300$`, "m"));
    expect(shifted.stdout).not.toMatch(/^\s+region\s+.*DRIFT/m);
    const calm = await cli(["monitor", spec, "--once", "--from", iso(windows.traffic.from), "--to", iso(windows.traffic.to)], 120_000);
    expect(calm.status).toBe(0);
    expect(calm.stdout).not.toMatch(/DRIFT/);
    expect(calm.stdout).toMatch(/performance #1 auc >= 0.78, window .*: holds/);
  }, 240_000);
});
