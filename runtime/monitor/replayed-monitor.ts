/**
 * The monitor in a rehearsal (`mlspec rollout replay` on a spec whose serve has a monitor,
 * spec/rollouts.md#rehearsing-the-loop): a ReplayCompanion on the replay's virtual clock,
 * over a throwaway copy of the project and its workspace. Each replayed answer goes to the
 * copy's prediction log and each outcome, once its time has come, to its feedback; every
 * `schedule` the monitor's rules are evaluated there as `mlspec serve` would (no alerts are
 * sent: a rehearsal must not page anyone; the would-be firings are on the timeline); when
 * the retrain rule says so, `mlspec run` runs on the copy in a child process and the clock
 * waits for it. The retraining reads the dataset's source as the copy holds it: the
 * original rows plus the replayed requests whose outcome has arrived, labelled with it —
 * the new data a real source would have gained by then.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { MonitorPlan, Plan, StepOf } from "../../compiler/plan/schema.js";
import type { ReplayCompanion, ServedRequest, TimelineEntry } from "../rollout/replay.js";
import type { RecordedFeedback } from "../rollout/recorded-traffic.js";
import type { ModelVersionRef } from "../../stdlib/rollout/shared/rollout-types.js";
import { insertFeedback } from "../workspace/feedback.js";
import type { Workspace } from "../workspace/workspace.js";
import { signalsOf } from "./evaluate-and-alert.js";
import { evaluateMonitorsOnce, type MonitorReport } from "./monitor-once.js";
import { monitoringReferenceSha } from "./monitor-store.js";
import type { MonitoringReference } from "./reference.js";
import { getTrigger } from "./retrain-store.js";
import { Retrainer, type RetrainerOptions } from "./retrainer.js";

export interface ReplayedMonitorOptions {
  plan: Plan;
  /** The rollout's serve: its monitors are replayed. */
  serve: string;
  /** The throwaway copy: its spec, folder and open workspace. */
  copy: { specPath: string; projectDir: string; workspace: Workspace; workspaceDir: string };
  feedback: readonly RecordedFeedback[];
  /** The mlspec CLI for the retraining (default: this process's own) and extra `mlspec run` flags. */
  retrain?: Pick<RetrainerOptions, "cli" | "runFlags">;
  log?: (line: string) => void;
}

/** A score as the serve logs it, so the monitor reads it as it reads a live answer. */
function outputOf(score: number, positive: string | undefined): unknown {
  return positive === undefined ? { prediction: score, score } : { prediction: score >= 0.5, probabilities: { [positive]: score } };
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const fmt = (x: number | null) => (x === null ? "–" : Math.abs(x) >= 0.001 || x === 0 ? String(Math.round(x * 10000) / 10000) : x.toExponential(2));

export class ReplayedMonitor implements ReplayCompanion {
  private readonly monitors: MonitorPlan[];
  private readonly retrainer: Retrainer;
  private readonly nextAt = new Map<string, number>();
  private readonly positive = new Map<string, string | undefined>();
  /** Answered requests, for the labelled rows the retraining reads. */
  private readonly answered: ServedRequest[] = [];
  private readonly byRequest = new Map<string, RecordedFeedback>();
  private readonly keyed: RecordedFeedback[];
  private readonly fedBack = new Set<string>();
  /** Each csv source's original text, by its path in the copy. */
  private readonly sources = new Map<string, { text: string; header: string[]; label: string }>();
  private now = 0;
  private readonly verdicts = new Map<string, string>();
  private readonly skipsSaid = new Set<string>();

  constructor(private readonly o: ReplayedMonitorOptions) {
    this.monitors = o.plan.monitors.filter((m) => m.serve === o.serve);
    // the recording is the copy's only traffic, and its monitor history starts empty: real rows and
    // real retrainings (at real times, after the recording's) would join windows and cooldowns
    o.copy.workspace.registry.db.exec("DELETE FROM feedback; DELETE FROM predictions; DELETE FROM monitor_firings; DELETE FROM retrain_triggers;");
    for (const f of o.feedback) if (f.requestId !== undefined) this.byRequest.set(f.requestId, f);
    this.keyed = o.feedback.filter((f) => f.requestId === undefined);
    this.retrainer = new Retrainer({
      db: o.copy.workspace.registry.db,
      plan: o.plan,
      specPath: o.copy.specPath,
      clock: () => this.now,
      // the timeline says each skip once; the retrainer's own line for each would repeat it
      log: (line) => (/retraining skipped/.test(line) ? undefined : o.log?.(line)),
      ...(o.retrain?.cli ? { cli: o.retrain.cli } : {}),
      runFlags: ["--workspace", o.copy.workspaceDir, ...(o.retrain?.runFlags ?? [])],
    });
    for (const step of o.plan.steps) {
      if (step.kind !== "validate") continue;
      const v = step as StepOf<"validate">;
      if (v.params.source.format !== "csv" || (v.params.source.delimiter ?? ",") !== ",") continue;
      const file = path.join(o.copy.projectDir, v.params.source.path);
      if (!fs.existsSync(file)) continue;
      const text = fs.readFileSync(file, "utf8");
      if (v.params.label === undefined || text === "") continue;
      const header = text.split("\n", 1)[0]!.replace(/\r$/, "").split(",");
      if (!header.includes(v.params.label)) continue;
      this.sources.set(file, { text: text.endsWith("\n") ? text : `${text}\n`, header, label: v.params.label });
    }
  }

  async tick(now: number, served: readonly ServedRequest[]): Promise<TimelineEntry[]> {
    this.now = now;
    this.log(served);
    this.feedBack(now);
    const entries: TimelineEntry[] = [];
    for (const mon of this.monitors) {
      const due = this.nextAt.get(mon.name) ?? now;
      if (now < due) continue;
      this.nextAt.set(mon.name, due + mon.scheduleMs);
      const [report] = await evaluateMonitorsOnce(this.o.plan, this.o.copy.workspace, { now: () => now, projectDir: this.o.copy.projectDir, monitor: mon.name });
      if (!report) continue;
      entries.push(...this.changes(report, now));
      const signals = signalsOf(this.o.copy.workspace, report, now);
      if (signals.drift.length + signals.performance.length > 0) this.writeSources();
      const trigger = this.retrainer.onEvaluation(mon, signals);
      if (!trigger) continue;
      // virtual time stands still while the retraining runs
      await this.retrainer.idle();
      const done = getTrigger(this.o.copy.workspace.registry.db, trigger.id)!;
      // a skip is said once per reason (a cooldown would otherwise repeat at every evaluation)
      if (done.state === "skipped") {
        const kind = `${mon.name}\0${(done.reason ?? "").replace(/:.*/, "")}`;
        if (this.skipsSaid.has(kind)) continue;
        this.skipsSaid.add(kind);
      }
      entries.push(this.entry(now, `monitor ${mon.name}: retraining ${done.model} (trigger ${done.id}, ${done.signals.join(", ")}): ${done.state}${done.reason ? ` — ${done.reason}` : ""}`));
    }
    return entries;
  }

  promoted(rollout: string, model: ModelVersionRef): void {
    // the copy's champion moves too, so the monitor and the next retraining see it
    this.o.copy.workspace.registry.setAlias(model.model, model.version, "champion", `rollout ${rollout} (replay)`);
  }

  async close(): Promise<void> {
    await this.retrainer.stop();
  }

  private entry(at: number, reason: string): TimelineEntry {
    return { at, source: "monitor", from: null, to: "monitor", reason, weights: {}, guards: [] };
  }

  /**
   * A rule whose verdict changed since its last evaluation (a timeline of every five minutes
   * would drown the story): drifted columns with their values, a failing metric with its value.
   */
  private changes(report: MonitorReport, now: number): TimelineEntry[] {
    const out: TimelineEntry[] = [];
    const say = (rule: string, verdict: string, text: () => string) => {
      const key = `${report.monitor}\0${rule}`;
      const last = this.verdicts.get(key);
      this.verdicts.set(key, verdict);
      if (verdict === last || (last === undefined && verdict === "insufficient")) return;
      out.push(this.entry(now, `monitor ${report.monitor}: ${rule} ${text()}`));
    };
    for (const d of report.drift) {
      const what = `${d.target === "prediction" ? "prediction" : "features"} ${d.test}`;
      say(d.rule, d.verdict, () => {
        const parts = d.versions.map((v) => {
          const drifted = (v.result?.columns ?? []).filter((c) => c.verdict === "drift").map((c) => (c.yields === "distance" ? `${c.column} ${fmt(c.statistic)}` : `${c.column} p ${fmt(c.pValue)}`));
          return `${v.model}@${v.version} (${v.rows} rows)${drifted.length ? `: ${drifted.join(", ")}` : ""}`;
        });
        return `(${what}): ${d.verdict === "drift" ? "DRIFT" : d.verdict.replace("_", " ")} on ${parts.join("; ") || "no rows"}`;
      });
    }
    for (const p of report.performance) {
      say(p.rule, p.verdict, () => {
        const parts = p.versions.map((v) => {
          const judged = v.result ? (v.result.judgedOn === "measured" ? v.result.measured : v.result.estimated) : null;
          const value = judged ? (judged as { value: number | null }).value : null;
          return `${v.model}@${v.version} ${p.metric} ${v.result?.judgedOn ?? ""} ${fmt(value ?? null)}`.replace("  ", " ");
        });
        return `(${p.metric} ${p.op} ${p.value}): ${p.verdict === "fails" ? "FAILS" : p.verdict} on ${parts.join("; ") || "no rows"}`;
      });
    }
    return out;
  }

  private positiveOf(model: ModelVersionRef): string | undefined {
    const key = `${model.model}@${model.version}`;
    if (!this.positive.has(key)) {
      const sha = monitoringReferenceSha(this.o.copy.workspace.registry.db, model.model, model.version);
      const ref = sha && this.o.copy.workspace.artifacts.has(sha) ? (this.o.copy.workspace.artifacts.getJson(sha) as MonitoringReference) : undefined;
      const track = ref?.prediction.track;
      this.positive.set(key, track?.what === "probability" ? track.positive : undefined);
    }
    return this.positive.get(key);
  }

  /** The answers (not shadow copies) go to the copy's prediction log. */
  private log(served: readonly ServedRequest[]): void {
    const answers = served.filter((s) => !s.shadow && s.model !== null);
    if (answers.length === 0) return;
    const log = this.o.copy.workspace.registry.predictionLog({ maxRows: answers.length + 1, clock: () => this.now });
    try {
      for (const s of answers) {
        const model = s.model!;
        log.log({
          requestId: s.requestId,
          time: s.at,
          serve: this.o.serve,
          model: model.model,
          version: model.version,
          inputs: s.input,
          output: s.score === null ? null : outputOf(s.score, this.positiveOf(model)),
          latencyMs: s.latencyMs,
          arm: s.arm,
          rollout: null,
          error: s.error ? "error" : null,
        });
        this.answered.push(s);
      }
    } finally {
      log.close();
    }
  }

  private outcomeOf(s: ServedRequest): RecordedFeedback | undefined {
    return this.byRequest.get(s.requestId) ?? this.keyed.find((f) => Object.entries(f.key!).every(([k, v]) => s.input[k] === v));
  }

  /** Outcomes whose time has come go to the copy's feedback (the performance rules read them). */
  private feedBack(now: number): void {
    const items = [];
    for (const s of this.answered) {
      if (this.fedBack.has(s.requestId)) continue;
      const f = this.outcomeOf(s);
      if (!f || (f.at ?? s.at) > now) continue;
      const outcome = typeof f.outcome === "boolean" ? Number(f.outcome) : f.outcome;
      this.fedBack.add(s.requestId);
      if (typeof outcome !== "number" || !Number.isFinite(outcome)) continue;
      items.push({ serve: this.o.serve, requestId: s.requestId, outcome, receivedAt: f.at ?? s.at, source: "replay" });
    }
    if (items.length > 0) insertFeedback(this.o.copy.workspace.registry.db, items);
  }

  /**
   * Each labelled csv source in the copy: its original rows, then the answered requests with an
   * arrived outcome whose input has every other column of the source (a request of another
   * dataset's shape is not a row of this one).
   */
  private writeSources(): void {
    for (const [file, src] of this.sources) {
      const rows: string[] = [];
      for (const s of this.answered) {
        const f = this.outcomeOf(s);
        if (!f || (f.at ?? s.at) > this.now) continue;
        if (!src.header.every((h) => h === src.label || h in s.input)) continue;
        rows.push(src.header.map((h) => csvCell(h === src.label ? f.outcome : s.input[h])).join(","));
      }
      fs.writeFileSync(file, src.text + rows.map((r) => `${r}\n`).join(""));
    }
  }
}
