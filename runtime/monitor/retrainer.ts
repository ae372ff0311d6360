/**
 * `retrain when SIGNALS, at most N per D, using X` (spec/language.md#retraining): after an
 * evaluation in which `when` holds, a trigger is stored and — unless the cooldown is spent
 * or a retraining of this monitor is still running, both stored as skips — `mlspec run SPEC`
 * runs in a child process (serving and monitoring go on). The run reads the dataset's source
 * again (new rows, a new data hash), trains X's search or model and its gates, and registers
 * the version as `mlspec run` always does: challenger when a rollout serves the model (then
 * `onChallenger` is the rollout's hook), champion otherwise. A trigger whose process died
 * (kill -9, a crash, the monitor stopped) goes back to pending and is retried with --resume.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as os from "node:os";
import type { MonitorPlan, Plan, StepOf } from "../../compiler/plan/schema.js";
import type { SqliteDatabase } from "../workspace/db.js";
import { processExists } from "../workspace/registry.js";
import { activeTriggers, finishTrigger, getTrigger, insertTrigger, markInterrupted, markRunning, setChildPid, startedSince, type RetrainTrigger } from "./retrain-store.js";
import { durationLiteral } from "../../text/duration-literal.js";

/** Starts of one trigger before it is given up as failed. */
export const MAX_ATTEMPTS = 3;

/** The signals `when` reads: which rule kinds fired in this evaluation, and the rules. */
export interface EvaluationSignals {
  drift: string[];
  performance: string[];
  firingIds: number[];
}

/** A new challenger: the rollout controller starts the rollout from here. */
export interface ChallengerEvent {
  monitor: string;
  model: string;
  version: number;
  trigger: number;
}

export interface RetrainerOptions {
  db: SqliteDatabase;
  plan: Plan;
  specPath: string;
  clock: () => number;
  log: (line: string) => void;
  /** The mlspec CLI: node and the script (default: this process's own, as `mlspec serve` or `mlspec monitor`). */
  cli?: { node: string; script: string };
  /** Extra flags for `mlspec run` (tests: `--backend cpu`). */
  runFlags?: string[];
  host?: string;
  isAlive?: (pid: number) => boolean;
  onChallenger?: (event: ChallengerEvent) => void | Promise<void>;
  /** false: decide and store triggers, start nothing (`mlspec monitor --once`). Default true. */
  startsRuns?: boolean;
}

/** `drift or performance`, `drift and performance`, parenthesized: true when the expression holds. */
export function whenHolds(when: string, fired: { drift: boolean; performance: boolean }): boolean {
  const tokens = when.match(/\(|\)|[A-Za-z_]+/g) ?? [];
  let i = 0;
  const atom = (): boolean => {
    const t = tokens[i++];
    if (t === "(") {
      const v = or();
      i++; // ")"
      return v;
    }
    return t === "drift" ? fired.drift : t === "performance" ? fired.performance : false;
  };
  const and = (): boolean => {
    let v = atom();
    while (tokens[i] === "and") {
      i++;
      v = atom() && v;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (tokens[i] === "or") {
      i++;
      v = and() || v;
    }
    return v;
  };
  return or();
}

/** The model a monitor's retraining makes a version of: X's model for `using X`, else the served one. */
export function retrainedModel(plan: Plan, mon: MonitorPlan): string {
  const served = plan.serves.find((s) => s.name === mon.serve)!.model.model;
  const using = mon.retrain?.using;
  if (!using) return served;
  const search = plan.steps.find((s): s is StepOf<"search"> => s.kind === "search" && s.params.search === using);
  return search ? search.params.model : using;
}

export class Retrainer {
  private readonly children = new Map<number, ChildProcess>();
  private readonly done = new Set<() => void>();
  private stopping = false;

  constructor(private readonly opts: RetrainerOptions) {}

  /** Decides on one evaluation of `mon`: nothing when it has no retrain rule or `when` does not hold. */
  onEvaluation(mon: MonitorPlan, signals: EvaluationSignals): RetrainTrigger | undefined {
    const rule = mon.retrain;
    if (!rule) return undefined;
    if (!whenHolds(String(rule.when), { drift: signals.drift.length > 0, performance: signals.performance.length > 0 })) return undefined;
    const { db } = this.opts;
    const now = this.opts.clock();
    const base = { monitor: mon.name, model: retrainedModel(this.opts.plan, mon), signals: [...signals.drift, ...signals.performance], firingIds: signals.firingIds, at: now };
    if (this.opts.startsRuns !== false) this.reapDead(mon.name);
    const decide = db.transaction((): RetrainTrigger => {
      const active = activeTriggers(db, mon.name);
      if (active.length > 0) return insertTrigger(db, { ...base, state: "skipped", reason: `already running: trigger ${active[0]!.id} (${active[0]!.state})` });
      if (rule.maxRuns !== undefined && rule.perMs !== undefined && startedSince(db, mon.name, now - rule.perMs) >= rule.maxRuns) {
        return insertTrigger(db, { ...base, state: "skipped", reason: `cooldown: at most ${rule.maxRuns} per ${durationLiteral(rule.perMs)}` });
      }
      return insertTrigger(db, { ...base, state: "pending" });
    });
    const trigger = decide.immediate();
    if (trigger.state === "skipped") this.opts.log(`monitor ${mon.name}: retraining skipped (${trigger.reason})`);
    else this.reconcile();
    return trigger;
  }

  /** Running triggers whose process is gone go back to pending; pending ones start. */
  reconcile(): void {
    if (this.stopping || this.opts.startsRuns === false) return;
    for (const mon of this.opts.plan.monitors) {
      this.reapDead(mon.name);
      for (const t of activeTriggers(this.opts.db, mon.name)) if (t.state === "pending") this.start(t);
    }
  }

  /** Resolves once no retraining child of this process runs. */
  idle(): Promise<void> {
    if (this.children.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.children.size === 0) {
          this.done.delete(check);
          resolve();
        }
      };
      this.done.add(check);
    });
  }

  /** Stops the children (SIGTERM); their triggers go back to pending and are retried by the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const child of this.children.values()) child.kill("SIGTERM");
    await this.idle();
  }

  private isAlive(pid: number): boolean {
    return (this.opts.isAlive ?? processExists)(pid);
  }

  private host(): string {
    return this.opts.host ?? os.hostname();
  }

  private reapDead(monitor: string): void {
    for (const t of activeTriggers(this.opts.db, monitor)) {
      if (t.state !== "running" || this.children.has(t.id)) continue;
      if (t.host === this.host() && t.pid !== null && this.isAlive(t.pid)) continue;
      markInterrupted(this.opts.db, t.id, `interrupted: the retraining process ${t.pid ?? "?"} is gone; retried`);
      this.opts.log(`monitor ${monitor}: retraining of trigger ${t.id} was interrupted; retrying`);
    }
  }

  private start(t: RetrainTrigger): void {
    const { db } = this.opts;
    if (t.attempts >= MAX_ATTEMPTS) {
      if (markRunning(db, t.id, process.pid, this.host(), this.opts.clock())) finishTrigger(db, t.id, { state: "failed", reason: `gave up after ${t.attempts} interrupted attempts`, at: this.opts.clock(), exitCode: null });
      return;
    }
    if (!markRunning(db, t.id, process.pid, this.host(), this.opts.clock())) return;
    const cli = this.opts.cli ?? { node: process.execPath, script: process.argv[1]! };
    const args = [cli.script, "run", this.opts.specPath, "--json", "--quiet", ...(t.attempts > 0 ? ["--resume"] : []), ...(this.opts.runFlags ?? [])];
    const child = spawn(cli.node, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.children.set(t.id, child);
    if (child.pid !== undefined) setChildPid(db, t.id, child.pid);
    this.opts.log(`monitor ${t.monitor}: retraining ${t.model} (trigger ${t.id}, attempt ${t.attempts + 1}): mlspec run ${this.opts.specPath}`);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on("error", (e) => {
      stderr += e.message;
    });
    child.on("close", (code, signal) => {
      this.children.delete(t.id);
      try {
        this.finish(t.id, code, signal, stdout, stderr);
      } finally {
        for (const f of [...this.done]) f();
        // a retraining that died is retried at once (it resumes its run)
        if (signal !== null) this.reconcile();
      }
    });
  }

  private finish(id: number, code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string): void {
    const { db } = this.opts;
    const t = getTrigger(db, id)!;
    const at = this.opts.clock();
    if (signal !== null || code === null) {
      markInterrupted(db, id, `interrupted: the retraining process ended by ${signal ?? "an unknown cause"}; retried`);
      this.opts.log(`monitor ${t.monitor}: retraining of trigger ${id} ended by ${signal}; it will be retried`);
      return;
    }
    let outcome: { model: string; version?: number; status?: string; alias?: string } | undefined;
    try {
      const summary = JSON.parse(stdout) as { models: Array<{ model: string; version?: number; status?: string; alias?: string }> };
      outcome = summary.models.find((m) => m.model === t.model);
    } catch {
      outcome = undefined;
    }
    if (!outcome || outcome.version === undefined) {
      const last = stderr.trim().split("\n").slice(-3).join(" / ");
      finishTrigger(db, id, { state: "failed", reason: `mlspec run exited ${code}${last ? `: ${last}` : ""}`, at, exitCode: code });
      this.opts.log(`monitor ${t.monitor}: retraining of trigger ${id} failed (exit ${code})`);
      return;
    }
    const version = outcome.version;
    const dataHash = (db.prepare("SELECT data_hash FROM model_versions WHERE name = ? AND version = ?").get(t.model, version) as { data_hash: string } | undefined)?.data_hash;
    const extra = { version, ...(dataHash ? { dataHash } : {}), ...(outcome.alias ? { alias: outcome.alias } : {}) };
    if (t.baseVersion !== null && version <= t.baseVersion) {
      finishTrigger(db, id, { state: "unchanged", reason: `no new version: v${version} was already registered (same data and spec)`, at, exitCode: code, ...extra });
    } else if (outcome.status === "rejected") {
      finishTrigger(db, id, { state: "rejected", reason: `gate failed: v${version} rejected by its gates`, at, exitCode: code, ...extra });
    } else {
      finishTrigger(db, id, { state: "registered", reason: `v${version} registered${outcome.alias ? ` as @${outcome.alias}` : ""}`, at, exitCode: code, ...extra });
      if (outcome.alias === "challenger") {
        void Promise.resolve(this.opts.onChallenger?.({ monitor: t.monitor, model: t.model, version, trigger: id })).catch((e: unknown) => this.opts.log(`monitor ${t.monitor}: rollout hook failed: ${(e as Error).message}`));
      }
    }
    this.opts.log(`monitor ${t.monitor}: retraining of trigger ${id}: ${getTrigger(db, id)!.reason}`);
  }
}

/**
 * `--once` without `--retrain`: the trigger is stored as the retrainer would decide it, and a
 * pending one is started by the next `mlspec monitor` on its schedule or `mlspec serve`.
 */
export function recordTrigger(ws: { registry: { db: SqliteDatabase } }, plan: Plan, mon: MonitorPlan, signals: EvaluationSignals, now: number): RetrainTrigger | undefined {
  // a retrainer that never starts anything: its decision without a child process
  const r = new Retrainer({ db: ws.registry.db, plan, specPath: "", clock: () => now, log: () => {}, startsRuns: false });
  return r.onEvaluation(mon, signals);
}

export function describeTrigger(ws: { registry: { db: SqliteDatabase } }, id: number): { trigger: number; state: string; reason?: string } {
  const t = getTrigger(ws.registry.db, id)!;
  return { trigger: t.id, state: t.state, ...(t.reason ? { reason: t.reason } : {}) };
}
