/**
 * A person's decisions on a rollout (`mlspec rollout promote|abort|pause|resume`),
 * saved as transitions like the controller's, with the person named. The
 * running controller picks the new state up at its next tick (it re-reads the
 * state every tick, and a save it raced with fails the revision check).
 */
import { RegistryConflictError } from "../workspace/errors.js";
import type { Registry } from "../workspace/registry.js";
import type { RolloutStore } from "../workspace/rollouts.js";
import { phaseLabel } from "./controller.js";
import { TERMINAL_PHASES, type RolloutDoc } from "../../stdlib/rollout/shared/rollout-types.js";

export type PersonAction = "promote" | "abort" | "pause" | "resume";

export class RolloutDecisionError extends Error {
  constructor(
    message: string,
    /** 1: the rollout cannot take this decision now; 2: no such rollout */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = "RolloutDecisionError";
  }
}

export function decide(store: RolloutStore, registry: Pick<Registry, "setAlias">, name: string, action: PersonAction, who: string, now: number): RolloutDoc {
  const stored = store.get<RolloutDoc>(name);
  if (!stored) {
    const known = store.list().map((r) => r.name);
    throw new RolloutDecisionError(`no rollout ${name} in this workspace${known.length ? `; it has ${known.join(", ")}` : " (a rollout starts when mlspec serve sees a candidate)"}`, 2);
  }
  const doc = stored.state;
  const by = `${who} (mlspec rollout ${action})`;
  const next = ((): RolloutDoc => {
    if (TERMINAL_PHASES.includes(doc.phase)) throw new RolloutDecisionError(`rollout ${name} is ${doc.phase} already: ${doc.reason}`);
    switch (action) {
      case "pause":
        if (doc.phase === "paused") throw new RolloutDecisionError(`rollout ${name} is paused already: ${doc.reason}`);
        return { ...doc, phase: "paused", reason: `paused by ${by}`, decidedBy: who };
      case "resume":
        if (doc.phase !== "paused") throw new RolloutDecisionError(`rollout ${name} is ${doc.phase}, not paused`);
        return { ...doc, phase: "progressing", intervalStartedAt: now, inconclusive: 0, reason: `resumed by ${by}`, decidedBy: who };
      case "abort":
        return { ...doc, phase: "aborted", weights: { current: 1 }, reason: `aborted by ${by}: all traffic to the current model`, decidedBy: who };
      case "promote": {
        const winner = doc.candidate;
        if (!winner) throw new RolloutDecisionError(`rollout ${name} has no single candidate to promote (a bandit names its winner itself)`);
        return { ...doc, phase: "promoted", weights: { current: 1 }, reason: `${winner.model}@${winner.version} promoted to champion by ${by}`, decidedBy: who };
      }
    }
  })();
  try {
    // the alias first: a promotion the registry refuses (a rejected version) leaves the state as it was
    if (action === "promote") registry.setAlias(next.candidate!.model, next.candidate!.version, "champion", `rollout ${name} (${by})`);
    return store.save(name, next, { expectRevision: stored.revision, event: { from: phaseLabel(doc), to: phaseLabel(next), reason: next.reason } }).state;
  } catch (error) {
    if (error instanceof RegistryConflictError) throw new RolloutDecisionError(`rollout ${name} changed while this decision was being made; look at \`mlspec rollout status ${name}\` and decide again`);
    throw error;
  }
}
