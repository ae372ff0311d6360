import type { Rule } from "../context.js";
import { bindCall, calleeName } from "../semantic.js";
import { literalKind, numericValue } from "../values.js";

/**
 * Canary steps are percentages, strictly increasing, ending at 100%
 * (spec/language.md#rollout).
 */
export const canarySteps: Rule = {
  name: "canary-steps",
  codes: ["E0601", "E0602"],
  section: "spec/language.md#rollout",
  check(ctx) {
    const sig = ctx.sem.builtins.rolloutStrategies.get("canary")!;
    for (const r of ctx.sem.rollouts.values()) {
      for (const c of r.settings.calls) {
        if (calleeName(c.call) !== "canary") continue;
        const steps = bindCall(c.call, sig.params).args.get("steps")?.value;
        if (steps?.kind !== "list" || steps.items.some((i) => literalKind(i) !== "percent")) continue; // call-arguments reports it
        let prev = 0;
        for (const item of steps.items) {
          const v = numericValue(item)!;
          // a step above 100% is a percentage out of range (E0331, value-bounds)
          if (v <= prev && v <= 1) {
            ctx.report("E0601", r.decl, item.span, `canary steps must increase: ${item.kind === "quantity" ? item.raw : v} does not exceed the step before it`, {
              help: "list traffic shares in increasing order, e.g. [5%, 25%, 50%, 100%]",
            });
          }
          prev = Math.max(prev, v);
        }
        const last = steps.items.at(-1);
        if (last && numericValue(last) !== 1) {
          ctx.report("E0602", r.decl, last.span, "canary steps must end at 100%", {
            help: "add 100% as the last step so that the rollout completes",
          });
        } else if (!last) {
          ctx.report("E0602", r.decl, steps.span, "canary needs at least one step", { help: "write steps = [5%, 25%, 100%]" });
        }
      }
    }
  },
};
