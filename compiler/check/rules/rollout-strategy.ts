import type { Rule } from "../context.js";

/**
 * A rollout block uses exactly one strategy, one of the registry's
 * (stdlib/rollout: shadow, canary, ab, bandit) (spec/language.md#rollout).
 */
const orList = (items: string[]) => (items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`);

export const rolloutStrategy: Rule = {
  name: "rollout-strategy",
  codes: ["E0603"],
  section: "spec/language.md#rollout",
  check(ctx) {
    for (const r of ctx.sem.rollouts.values()) {
      // every call in a rollout names a strategy; a misspelt one is E0105 (known-statements),
      // so it still counts here and "no strategy" is not reported on top of it
      const strategies = r.settings.calls;
      if (strategies.length === 0) {
        ctx.report("E0603", r.decl, r.decl.block.name.span, `rollout \`${r.decl.name}\` has no strategy`, {
          help: `add one of ${orList([...ctx.sem.builtins.rolloutStrategies.keys()].map((n) => `${n}(...)`))}`,
        });
      }
      for (const extra of strategies.slice(1)) {
        ctx.report("E0603", r.decl, extra.span, "a rollout uses one strategy", {
          label: `\`${strategies[0]!.call.callee.path.map((p) => p.name).join(".")}\` is already this rollout's strategy`,
          help: "declare a second rollout block for another strategy",
        });
      }
    }
  },
};
