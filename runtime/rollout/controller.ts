/**
 * The rollout controller (spec/rollouts.md#controller): a reconcile loop over
 * the plan's rollouts on an injected clock. Each `tick(now)`:
 *
 * 1. starts a rollout when the candidate reference names a version that is not
 *    the current one and not the one the stored state already judged;
 * 2. applies the stored weights to the environment (every server does, so a
 *    person's decision made from the CLI reaches all of them);
 * 3. where this controller holds the lease and an interval has ended, judges
 *    the guards on that interval's measurements, asks the strategy, and saves
 *    the next state with a transition that says why.
 *
 * State lives only in the workspace, so a new controller continues where a
 * killed one stopped.
 */
import type { Plan } from "../../compiler/plan/schema.js";
import { rolloutStrategies } from "../../stdlib/rollout/index.js";
import { RegistryConflictError } from "../workspace/errors.js";
import type { RolloutStore } from "../workspace/rollouts.js";
import { judgeGuards } from "./guards.js";
import { defaultHolder, LEASE_MS, leaseFree, needsRenewal } from "./lease.js";
import { list } from "../../stdlib/rollout/shared/params.js";
import { TERMINAL_PHASES, type GuardMeasurement, type ModelVersionRef, type RolloutDoc, type RolloutEnvironment, type RolloutStrategy, type StrategyDecision } from "../../stdlib/rollout/shared/rollout-types.js";

export type RolloutPlan = Plan["rollouts"][number];

/** Inconclusive intervals in a row after which a rollout pauses. */
export const MAX_INCONCLUSIVE = 3;

export const STRATEGIES: Record<string, RolloutStrategy> = Object.fromEntries(Object.values(rolloutStrategies).map((m) => [m.strategy.name, m.strategy]));

export interface ControllerOptions {
  plan: Pick<Plan, "rollouts" | "serves">;
  store: RolloutStore;
  env: RolloutEnvironment;
  /** This controller's lease holder name (default host:pid) */
  holder?: string;
  leaseMs?: number;
  log?: (line: string) => void;
  /** Only these rollouts (default: all of the plan's) */
  rollouts?: string[];
}

export function phaseLabel(doc: Pick<RolloutDoc, "phase" | "step" | "strategy" | "steps">, plan?: RolloutPlan): string {
  if (doc.phase !== "progressing") return doc.phase;
  const steps = doc.steps ?? (doc.strategy === "canary" && plan ? list(plan.strategy.params, "steps").length : undefined);
  return steps !== undefined ? `progressing(step ${doc.step + 1}/${steps})` : "progressing";
}

function sameRef(a: ModelVersionRef | null | undefined, b: ModelVersionRef | null | undefined): boolean {
  return !!a && !!b && a.model === b.model && a.version === b.version;
}

function refText(r: ModelVersionRef): string {
  return `${r.model}@${r.version}`;
}

export function candidateRef(plan: RolloutPlan, serve: Plan["serves"][number]): string {
  const model = plan.strategy.params.model;
  return typeof model === "string" ? model : `${serve.model.model}@challenger`;
}

export class RolloutController {
  private readonly holder: string;
  private readonly leaseMs: number;
  private readonly log: (line: string) => void;
  /** What this controller last applied to the environment, per rollout */
  private readonly applied = new Map<string, string>();

  constructor(private readonly options: ControllerOptions) {
    this.holder = options.holder ?? defaultHolder();
    this.leaseMs = options.leaseMs ?? LEASE_MS;
    this.log = options.log ?? (() => undefined);
  }

  get plans(): RolloutPlan[] {
    const only = this.options.rollouts;
    return this.options.plan.rollouts.filter((r) => !only || only.includes(r.name));
  }

  /** One reconcile pass over every rollout. */
  async tick(now = this.options.env.clock()): Promise<void> {
    for (const plan of this.plans) {
      try {
        await this.reconcile(plan, now);
      } catch (error) {
        if (error instanceof RegistryConflictError) continue; // someone else saved first: read again next tick
        throw error;
      }
    }
  }

  private serveOf(plan: RolloutPlan): Plan["serves"][number] {
    const serve = this.options.plan.serves.find((s) => s.name === plan.serve);
    if (!serve) throw new Error(`rollout ${plan.name} is for serve ${plan.serve}, which the plan does not have`);
    return serve;
  }

  private async reconcile(plan: RolloutPlan, now: number): Promise<void> {
    const { store, env } = this.options;
    const strategy = STRATEGIES[plan.strategy.kind];
    if (!strategy) throw new Error(`rollout ${plan.name}: unknown strategy ${plan.strategy.kind}`);
    const stored = store.get<RolloutDoc>(plan.name);
    let revision = stored?.revision ?? 0;
    let doc = stored?.state;
    const leader = leaseFree(doc?.lease, this.holder, now);

    if (leader) {
      const started = this.maybeStart(plan, strategy, doc, now);
      if (started) {
        let from = doc ? phaseLabel(doc, plan) : null;
        if (doc && !TERMINAL_PHASES.includes(doc.phase)) {
          const reason = `superseded: ${started.reason}`;
          store.save(plan.name, { ...doc, phase: "aborted", reason } satisfies RolloutDoc, { expectRevision: revision, event: { from, to: "aborted", reason } });
          revision++;
          from = "aborted";
        }
        doc = this.withLease(started, now);
        store.save(plan.name, doc, { expectRevision: revision, event: { from, to: phaseLabel(doc, plan), reason: doc.reason } });
        revision++;
        this.log(`rollout ${plan.name}: ${doc.reason}`);
      }
    }
    if (!doc) return;
    await this.apply(plan, strategy, doc);
    if (!leader) return;

    if (doc.phase !== "progressing") {
      if (!TERMINAL_PHASES.includes(doc.phase) && needsRenewal(doc.lease, this.holder, now, this.leaseMs)) {
        store.save(plan.name, this.withLease(doc, now), { expectRevision: revision });
      }
      return;
    }
    const params = plan.strategy.params;
    if (now < doc.intervalStartedAt + strategy.intervalMs(params)) {
      if (needsRenewal(doc.lease, this.holder, now, this.leaseMs)) store.save(plan.name, this.withLease(doc, now), { expectRevision: revision });
      return;
    }
    const next = this.judge(plan, strategy, doc, now);
    store.save(plan.name, this.withLease(next.doc, now), { expectRevision: revision, event: { from: phaseLabel(doc, plan), to: phaseLabel(next.doc, plan), reason: next.doc.reason } });
    this.log(`rollout ${plan.name}: ${phaseLabel(next.doc, plan)}: ${next.doc.reason}`);
    if (next.promote) env.promote(plan.name, next.promote, next.doc.reason);
    await this.apply(plan, strategy, next.doc);
  }

  private withLease(doc: RolloutDoc, now: number): RolloutDoc {
    return { ...doc, lease: { holder: this.holder, expiresAt: now + this.leaseMs } };
  }

  /** A new state when a rollout should start now, else null. */
  private maybeStart(plan: RolloutPlan, strategy: RolloutStrategy, doc: RolloutDoc | undefined, now: number): RolloutDoc | null {
    const { env } = this.options;
    const serve = this.serveOf(plan);
    const current = env.resolve(`${serve.model.model}@${serve.model.alias}`);
    const base = { rollout: plan.name, serve: plan.serve, strategy: plan.strategy.kind, phase: "progressing" as const, step: 0, startedAt: now, intervalStartedAt: now, inconclusive: 0, guards: [], decidedBy: "controller" };
    if (plan.strategy.kind === "bandit") {
      const arms: Record<string, ModelVersionRef> = {};
      for (const ref of list<string>(plan.strategy.params, "arms")) {
        const r = env.resolve(ref);
        if (r) arms[`arm:${refText(r)}`] = r;
      }
      if (Object.keys(arms).length < 2) return null;
      const key = Object.keys(arms).sort().join(",");
      if (doc && Object.keys(doc.arms ?? {}).sort().join(",") === key) return null;
      const share = 1 / Object.keys(arms).length;
      const weights = Object.fromEntries(Object.keys(arms).map((a) => [a, share]));
      return { ...base, current, candidate: null, arms, weights, reason: `bandit over ${Object.keys(arms).map((a) => a.slice(4)).join(", ")} starts with equal shares` };
    }
    const candidate = env.resolve(candidateRef(plan, serve));
    if (!candidate || !current || sameRef(candidate, current)) return null;
    if (doc && sameRef(doc.candidate, candidate)) return null;
    const start = strategy.start(plan.strategy.params, { step: 0, weights: {} });
    const what = plan.strategy.kind === "shadow" ? `shadows ${Math.round((start.shadow?.sample ?? 1) * 100)}% of the traffic` : `starts with ${Math.round((start.weights.candidate ?? 0) * 1000) / 10}% of the traffic`;
    const steps = plan.strategy.kind === "canary" ? { steps: list(plan.strategy.params, "steps").length } : {};
    return { ...base, ...steps, current, candidate, weights: start.weights, reason: `${refText(candidate)} is the candidate against ${refText(current)}: ${plan.strategy.kind} ${what}` };
  }

  /** Push the state's weights and slots to the environment, once per change. */
  private async apply(plan: RolloutPlan, strategy: RolloutStrategy, doc: RolloutDoc): Promise<void> {
    const { env } = this.options;
    const live = doc.phase === "progressing" || doc.phase === "paused";
    const key = JSON.stringify([doc.phase, doc.weights, doc.candidate, doc.arms, doc.step]);
    if (this.applied.get(plan.name) === key) return;
    const start = strategy.start(plan.strategy.params, doc);
    if (live) {
      if (doc.arms) for (const [slot, ref] of Object.entries(doc.arms)) await env.setCandidate(plan.serve, slot, ref);
      else if (doc.candidate) await env.setCandidate(plan.serve, strategy.judgedArm ?? "candidate", doc.candidate);
      env.setWeights(plan.serve, plan.name, doc.weights, { ...(start.stickyBy ? { stickyBy: start.stickyBy } : {}), ...(start.shadow ? { shadow: start.shadow } : {}) });
    } else {
      env.setWeights(plan.serve, plan.name, { current: 1 }, {});
      if (doc.arms) for (const slot of Object.keys(doc.arms)) await env.setCandidate(plan.serve, slot, null);
      else await env.setCandidate(plan.serve, strategy.judgedArm ?? "candidate", null);
    }
    this.applied.set(plan.name, key);
  }

  /** The state after the interval that just ended. */
  private judge(plan: RolloutPlan, strategy: RolloutStrategy, doc: RolloutDoc, now: number): { doc: RolloutDoc; promote?: ModelVersionRef } {
    const params = plan.strategy.params;
    const measurements = this.options.env.measurements(plan.serve, plan.name, { from: doc.intervalStartedAt, to: now });
    const arms = strategy.judgedArm ? [strategy.judgedArm] : Object.keys(doc.arms ?? {}).sort();
    const guards = judgeGuards(plan.guards, arms, measurements, strategy.minSamples(params), doc.guards);
    const decision = strategy.decide({ params, doc, now, measurements, guards, seed: Math.floor(now / 1000) >>> 0 });
    const base: RolloutDoc = { ...doc, ...(decision.update ?? {}), guards, intervalStartedAt: now, decidedBy: "controller" };
    const failed = guards.filter((g) => g.verdict === "fail");
    const unjudged = guards.filter((g) => g.verdict === "inconclusive");
    if (failed.length > 0) return this.onFail(plan, base, `guard failed: ${describe(failed)}`);
    if (decision.kind === "fail") return this.onFail(plan, base, decision.reason);
    if (decision.kind === "halt") return { doc: { ...base, phase: "paused", reason: decision.reason } };
    // an inconclusive guard holds a step or a verdict; a bandit still re-weights
    const blocked = unjudged.length > 0 && (decision.kind === "succeed" || (decision.kind === "advance" && decision.step !== undefined));
    if (blocked || (decision.kind === "hold" && decision.inconclusive)) {
      const reason = blocked ? `held: ${describe(unjudged)}` : decision.reason;
      const inconclusive = doc.inconclusive + 1;
      if (inconclusive >= MAX_INCONCLUSIVE) return { doc: { ...base, inconclusive, phase: "paused", reason: `paused after ${inconclusive} inconclusive intervals in a row: ${reason}` } };
      return { doc: { ...base, inconclusive, reason: `inconclusive (${inconclusive} of ${MAX_INCONCLUSIVE}): ${reason}` } };
    }
    return this.decided(plan, base, decision);
  }

  private decided(plan: RolloutPlan, base: RolloutDoc, decision: Exclude<StrategyDecision, { kind: "fail" | "halt" }>): { doc: RolloutDoc; promote?: ModelVersionRef } {
    switch (decision.kind) {
      case "hold":
        return { doc: { ...base, inconclusive: 0, reason: decision.reason } };
      case "advance":
        return { doc: { ...base, inconclusive: 0, weights: decision.weights, step: decision.step ?? base.step, reason: decision.reason } };
      case "succeed":
        if (plan.onSuccess === "hold") {
          return { doc: { ...base, phase: "paused", candidate: decision.winner, reason: `${decision.reason}; on_success = hold: promote it with \`mlspec rollout promote ${plan.name}\`` } };
        }
        return { doc: { ...base, phase: "promoted", weights: { current: 1 }, candidate: decision.winner, reason: `${refText(decision.winner)} promoted to champion: ${decision.reason}` }, promote: decision.winner };
    }
  }

  private onFail(plan: RolloutPlan, base: RolloutDoc, why: string): { doc: RolloutDoc } {
    if (plan.onFail === "pause") return { doc: { ...base, phase: "paused", reason: `${why}; on_fail = pause` } };
    const who = base.candidate ? refText(base.candidate) : "the candidate";
    return { doc: { ...base, phase: "rolled_back", weights: { current: 1 }, reason: `${who} rolled back, all traffic to the current model: ${why}` } };
  }
}

function describe(guards: GuardMeasurement[]): string {
  return guards.map((g) => `${g.guard} on ${g.arm} (${g.why})`).join("; ");
}
