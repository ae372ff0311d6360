/**
 * A monitor's last results as Prometheus gauges on the serve's registry (`GET /metrics`):
 * per rule, column and model version the drift value and verdict; per performance rule and
 * version the measured and the estimated value (kind label, never one series for both) and
 * the verdict; retrain triggers by state. Set after every evaluation; a series of a rule no
 * longer reported is removed so a scrape never shows a stale column.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { MonitorReport } from "./monitor-once.js";

/** Verdicts as gauge values. */
export const VERDICT_VALUE = { no_drift: 0, drift: 1, insufficient: -1, holds: 0, fails: 1 } as const;

export class MonitorMetrics {
  private readonly driftValue: Gauge;
  private readonly driftPValue: Gauge;
  private readonly driftVerdict: Gauge;
  private readonly perfValue: Gauge;
  private readonly perfVerdict: Gauge;
  private readonly triggers: Counter;
  private readonly evaluations: Counter;
  /** The series each monitor set last time, removed before the next evaluation sets its own. */
  private readonly series = new Map<string, Array<[Gauge, Record<string, string>]>>();

  constructor(registry: Registry) {
    const registers = [registry];
    const drift = ["monitor", "rule", "column", "test", "model", "version"];
    this.driftValue = new Gauge({ name: "mlspec_monitor_drift_value", help: "The drift test's statistic (a distance, or the p-value test's statistic) in the last window", labelNames: drift, registers });
    this.driftPValue = new Gauge({ name: "mlspec_monitor_drift_p_value", help: "The drift test's p-value in the last window (p-value tests only)", labelNames: drift, registers });
    this.driftVerdict = new Gauge({ name: "mlspec_monitor_drift_verdict", help: "1 drift, 0 no drift, -1 insufficient rows", labelNames: drift, registers });
    const perf = ["monitor", "rule", "metric", "model", "version"];
    this.perfValue = new Gauge({ name: "mlspec_monitor_performance_value", help: "The live metric: kind=measured on labelled rows, kind=estimated by CBPE on rows without labels", labelNames: [...perf, "kind"], registers });
    this.perfVerdict = new Gauge({ name: "mlspec_monitor_performance_verdict", help: "1 the condition fails, 0 it holds, -1 insufficient labelled rows", labelNames: perf, registers });
    this.triggers = new Counter({ name: "mlspec_monitor_retrain_triggers_total", help: "Retrain triggers by how they were decided (pending = started, skipped)", labelNames: ["monitor", "state"], registers });
    this.evaluations = new Counter({ name: "mlspec_monitor_evaluations_total", help: "Evaluations of each monitor", labelNames: ["monitor"], registers });
  }

  record(report: MonitorReport): void {
    this.evaluations.inc({ monitor: report.monitor });
    for (const [g, labels] of this.series.get(report.monitor) ?? []) g.remove(labels);
    const series: Array<[Gauge, Record<string, string>]> = [];
    this.series.set(report.monitor, series);
    const set = (g: Gauge, labels: Record<string, string>, value: number) => {
      g.set(labels, value);
      series.push([g, labels]);
    };
    for (const rule of report.drift) {
      for (const v of rule.versions) {
        for (const c of v.result?.columns ?? []) {
          const labels = { monitor: report.monitor, rule: rule.rule, column: c.column, test: c.test, model: v.model, version: String(v.version) };
          set(this.driftVerdict, labels, VERDICT_VALUE[c.verdict]);
          if (c.statistic !== null && Number.isFinite(c.statistic)) set(this.driftValue, labels, c.statistic);
          if (c.pValue !== null) set(this.driftPValue, labels, c.pValue);
        }
      }
    }
    for (const rule of report.performance) {
      for (const v of rule.versions) {
        const res = v.result;
        if (!res) continue;
        const labels = { monitor: report.monitor, rule: rule.rule, metric: rule.metric, model: v.model, version: String(v.version) };
        set(this.perfVerdict, labels, VERDICT_VALUE[res.verdict]);
        if (res.measured.value !== null) set(this.perfValue, { ...labels, kind: "measured" }, res.measured.value);
        if (res.estimated && res.estimated.value !== null) set(this.perfValue, { ...labels, kind: "estimated" }, res.estimated.value);
      }
    }
  }

  trigger(monitor: string, state: string): void {
    this.triggers.inc({ monitor, state });
  }
}
