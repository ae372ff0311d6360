/**
 * `mlspec monitor SPEC --once` over a workspace whose prediction log holds an unshifted
 * window, a window with x2 shifted by +1 σ, and a window too small to judge.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFirings } from "../../runtime/monitor/monitor-store.js";
import { MonitorUsageError, parseTime, runMonitorCommand } from "../../bin/commands/monitor-command.js";
import { planForServing } from "../../runtime/serve/serve-plan.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { removeTempDirs, type Project } from "../run/fixtures.js";
import { HOUR, monitoredProject, T0, windows } from "./monitored-project.js";

let p: Project;

beforeAll(async () => {
  p = await monitoredProject();
}, 60_000);

afterAll(removeTempDirs);

async function monitor(from: number, format: "text" | "json" = "json") {
  const out: string[] = [];
  const err: string[] = [];
  const plan = planForServing(p.spec);
  const code = await runMonitorCommand(p.spec, { plan, format, from, to: from + HOUR, now: () => T0 + 5 * HOUR }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err, json: format === "json" ? (JSON.parse(out.join("\n")) as { monitors: Array<{ drift: Array<Record<string, any>> }> }) : undefined };
}

describe("mlspec monitor --once", () => {
  it("an unshifted window: no drift in any column or the prediction, exit 0, no firing", async () => {
    const r = await monitor(windows.calm);
    expect(r.code).toBe(0);
    const [features, prediction] = r.json!.monitors[0]!.drift;
    expect(features!.verdict).toBe("no_drift");
    expect(features!.skipped).toEqual([{ column: "id", reason: "unique: every value is new" }]);
    const cols = features!.versions[0].result.columns;
    expect(cols.map((c: { column: string; test: string }) => `${c.column}:${c.test}`)).toEqual(["x1:ks", "x2:ks", "color:chi2"]);
    for (const c of cols) expect(c.n).toBe(400);
    expect(prediction!.verdict).toBe("no_drift");
    expect(prediction!.versions[0].result.columns[0].column).toBe("prediction");
    expect(fs.existsSync(path.join(p.dir, "alerts.jsonl"))).toBe(false);
  });

  it("a window with x2 shifted by +1 σ: x2 drifts and is named, exit 1, the firing is stored and alerted", async () => {
    const r = await monitor(windows.shifted);
    expect(r.code).toBe(1);
    const features = r.json!.monitors[0]!.drift[0]!;
    expect(features.verdict).toBe("drift");
    const drifted = features.versions[0].result.columns.filter((c: { verdict: string }) => c.verdict === "drift").map((c: { column: string }) => c.column);
    expect(drifted).toEqual(["x2"]);
    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    try {
      const firings = listFirings(ws.registry.db, "watch");
      expect(firings.map((f) => [f.rule, f.windowFrom, f.windowTo])).toContainEqual(["drift #1", windows.shifted, windows.shifted + HOUR]);
    } finally {
      ws.close();
    }
    const alerts = fs.readFileSync(path.join(p.dir, "alerts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const first = alerts.find((a) => a.rule === "drift #1")!;
    expect(first).toMatchObject({ monitor: "watch", kind: "drift", model: "m", version: 1, window: { from: new Date(windows.shifted).toISOString() } });
    expect(first.columns.map((c: { column: string }) => c.column)).toEqual(["x2"]);
  });

  it("a window of 40 rows with min_samples 100 is insufficient, never no drift", async () => {
    const r = await monitor(windows.small);
    expect(r.code).toBe(0);
    for (const rule of r.json!.monitors[0]!.drift) {
      expect(rule.verdict).toBe("insufficient");
      for (const c of rule.versions[0].result.columns) expect(c).toMatchObject({ verdict: "insufficient", n: 40 });
    }
    const text = (await monitor(windows.small, "text")).out.join("\n");
    expect(text).toContain("insufficient");
    expect(text).not.toMatch(/no drift/);
  });

  it("an empty window is insufficient; the text output names test, value, bound, verdict and n per column", async () => {
    const empty = await monitor(T0 - 10 * HOUR, "text");
    expect(empty.code).toBe(0);
    expect(empty.out.join("\n")).toContain("no predictions logged in the window");
    const text = (await monitor(windows.shifted, "text")).out;
    if (process.env.SHOW_MONITOR) console.log(text.join("\n"));
    expect(text.join("\n")).toMatch(/column\s+test\s+value\s+bound\s+verdict\s+n/);
    expect(text.find((l) => l.trim().startsWith("x2"))).toMatch(/x2\s+ks\s+stat \S+ p \S+\s+p < 0\.0167\s+DRIFT\s+400/);
  });

  it("bad windows are usage errors", async () => {
    expect(() => parseTime("--from", "yesterday")).toThrow(MonitorUsageError);
    expect(parseTime("--to", "2026-12-03T10:00:00Z")).toBe(T0);
    const plan = planForServing(p.spec);
    await expect(runMonitorCommand(p.spec, { plan, format: "text", from: T0, to: T0 }, { out: () => {}, err: () => {} })).rejects.toThrow(/--from must be before --to/);
  });
});
