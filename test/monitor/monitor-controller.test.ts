/**
 * The monitor beside `mlspec serve` (MonitorController, a BesideServer): evaluated at start
 * and then every `schedule` on injected timers and clock, its drift results on the serve's
 * /metrics registry per column and model version, stopped cleanly.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MonitorController } from "../../runtime/monitor/monitor-controller.js";
import type { MonitorReport } from "../../runtime/monitor/monitor-once.js";
import type { Timers } from "../../runtime/monitor/monitor-loop.js";
import { ServeMetrics } from "../../runtime/serve/metrics.js";
import type { ServeEndpoint } from "../../runtime/serve/serve-endpoint.js";
import { planForServing } from "../../runtime/serve/serve-plan.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { removeTempDirs, type Project } from "../run/fixtures.js";
import { HOUR, monitoredProject, windows } from "./monitored-project.js";

let p: Project;
beforeAll(async () => {
  p = await monitoredProject();
}, 120_000);
afterAll(removeTempDirs);

/** Timers that fire only when the test says so. */
function manualTimers() {
  const pending: Array<{ fn: () => void; ms: number; id: number }> = [];
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const id = next++;
      pending.push({ fn, ms, id });
      return id;
    },
    clearTimeout: (h) => {
      const i = pending.findIndex((t) => t.id === h);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  return { timers, pending, fire: () => pending.shift()!.fn() };
}

describe("MonitorController beside serve", () => {
  it("evaluates on its schedule and exports drift values and verdicts per column and version on /metrics", async () => {
    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    const metrics = new ServeMetrics();
    const { timers, pending, fire } = manualTimers();
    let now = windows.shifted + HOUR; // the last hour is the shifted window
    const reports: MonitorReport[] = [];
    let reported: () => void = () => {};
    const controller = new MonitorController({ timers, onReport: (r) => (reports.push(r), reported()) });
    const log: string[] = [];
    try {
      await controller.start({
        db: ws.registry.db,
        plan: planForServing(p.spec),
        endpoints: new Map([["api", { name: "api", metricsRegistry: metrics.registry } as unknown as ServeEndpoint]]),
        clock: () => now,
        log: (l) => log.push(l),
      });
      expect(pending.map((t) => t.ms)).toEqual([0]);
      let first = new Promise<void>((r) => (reported = r));
      fire();
      await first;
      expect(reports[0]!.drift[0]!.verdict).toBe("drift");
      const text = await metrics.text();
      expect(text).toMatch(/mlspec_monitor_drift_verdict\{monitor="watch",rule="drift #1",column="x2",test="ks",model="m",version="1"\} 1/);
      expect(text).toMatch(/mlspec_monitor_drift_verdict\{monitor="watch",rule="drift #1",column="x1",test="ks",model="m",version="1"\} 0/);
      expect(text).toMatch(/mlspec_monitor_drift_value\{monitor="watch",rule="drift #1",column="x2",[^}]*\} 0\.\d+/);
      expect(text).toMatch(/mlspec_monitor_evaluations_total\{monitor="watch"\} 1/);
      // the next evaluation a schedule (default 5m) after this one's start
      await new Promise((r) => setImmediate(r));
      expect(pending.map((t) => t.ms)).toEqual([300_000]);

      // an hour later the window is the small one: insufficient, and the old series are gone
      now += HOUR;
      first = new Promise<void>((r) => (reported = r));
      fire();
      await first;
      const later = await metrics.text();
      expect(later).toMatch(/mlspec_monitor_drift_verdict\{monitor="watch",rule="drift #1",column="x2",[^}]*\} -1/);
      expect(later).not.toMatch(/mlspec_monitor_drift_value\{monitor="watch",rule="drift #1",column="x2"/);
    } finally {
      await controller.stop();
      ws.close();
    }
    expect(pending).toEqual([]);
    expect(log[0]).toBe("monitor: watch every 300s");
  }, 60_000);
});
