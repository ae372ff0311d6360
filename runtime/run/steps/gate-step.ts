/**
 * The gate step: every `require` must hold for a version to be registered
 * (spec/language.md#gates). A bound relative to an alias with no version yet
 * (the first champion) holds trivially, and says so. A bound on another
 * model's version (`legacy@champion.auc`) reads that version's metrics: the
 * plan runs that model first in the same run, on the same test split.
 * `require beats_baseline` is a bound on the task's trivial baseline's value of the
 * model's first metric, on the same test split (runtime/run/baseline.ts).
 */
import type { GateSpec } from "../../../compiler/plan/schema.js";
import { fmt } from "../reporter.js";
import type { StepRunner } from "../step-context.js";

export const gateStep: StepRunner<"gate"> = {
  async run(step, ctx) {
    const m = ctx.model(step.params.model);
    const gate = evaluateGates(step.params.gates, m.metrics, (alias, model) => {
      try {
        return ctx.ws.registry.resolve(model ?? step.params.model, alias).metrics as Record<string, number>;
      } catch {
        return undefined;
      }
    }, m.baseline?.metrics);
    ctx.reporter.step(step.id, gate.passed ? `passed (${step.params.gates.length} gate${step.params.gates.length === 1 ? "" : "s"})` : `FAILED: ${gate.reasons.join("; ")}`);
    return { model: { ...m, gate } };
  },
};

export function evaluateGates(
  gates: GateSpec[],
  metrics: Record<string, number>,
  /** The metrics of the version behind `alias` of `model` (absent: the gated model's own). */
  aliasMetrics: (alias: string, model?: string) => Record<string, number> | undefined,
  /** The baseline's test metrics, for `require beats_baseline`. */
  baseline: Record<string, number> = {},
): { passed: boolean; reasons: string[] } {
  const reasons: string[] = [];
  let passed = true;
  for (const g of gates) {
    const key = g.split === "validation" ? `val.${g.metric}` : g.metric;
    const value = metrics[key];
    let bound: number;
    if (g.bound.kind === "value") bound = g.bound.value;
    else if (g.bound.kind === "baseline") {
      const ref = baseline[g.metric];
      if (ref === undefined || !Number.isFinite(ref)) {
        // e.g. an AUC on a test split of one class: there is nothing to beat
        reasons.push(`${g.text}: the baseline's ${g.metric} is ${ref === undefined ? "missing" : fmt(ref)}; passes`);
        continue;
      }
      bound = ref;
    } else {
      const other = aliasMetrics(g.bound.alias, g.bound.model);
      const ref = other?.[g.bound.metric];
      const version = `${g.bound.model ?? ""}@${g.bound.alias}`;
      if (other === undefined) {
        reasons.push(`${g.text}: no ${version} to compare with yet; passes`);
        continue;
      }
      if (ref === undefined || !Number.isFinite(ref)) {
        // a champion from an older spec may not have recorded this metric
        reasons.push(`${g.text}: ${version} has no ${g.bound.metric} to compare with; passes`);
        continue;
      }
      bound = ref + g.bound.offset;
    }
    const ok =
      value !== undefined &&
      Number.isFinite(value) &&
      (g.op === ">=" ? value >= bound : g.op === ">" ? value > bound : g.op === "<=" ? value <= bound : value < bound);
    if (!ok) {
      passed = false;
      const of = g.bound.kind === "baseline" ? " (the baseline's)" : "";
      reasons.push(`${g.text}: ${g.metric} is ${value === undefined ? "missing" : fmt(value)}, needs ${g.op} ${fmt(bound)}${of}`);
    } else reasons.push(`${g.text}: ${fmt(value)} ${g.op} ${fmt(bound)}`);
  }
  return { passed, reasons: passed ? reasons : reasons.filter((r) => r.includes("needs")) };
}
