import type { Rule } from "../context.js";

/**
 * A rollout block uses exactly one strategy: shadow, canary, ab or bandit
 * (spec/language.md#rollout).
 */
export const rolloutStrategy: Rule = {
  name: "rollout-strategy",
  codes: ["E0603"],
  section: "spec/language.md#rollout",
  check(ctx) {
    for (const r of ctx.sem.rollouts.values()) {
      const strategies = r.settings.calls.filter((c) => ["shadow", "canary", "ab", "bandit"].includes(c.call.callee.path[0]!.name));
      if (strategies.length === 0) {
        ctx.report("E0603", r.decl, r.decl.block.name.span, `rollout \`${r.decl.name}\` has no strategy`, {
          help: "add one of shadow(...), canary(...), ab(...) or bandit(...)",
        });
      }
      for (const extra of strategies.slice(1)) {
        ctx.report("E0603", r.decl, extra.span, "a rollout uses one strategy", {
          label: `\`${strategies[0]!.call.callee.path[0]!.name}\` is already this rollout's strategy`,
          help: "declare a second rollout block for another strategy",
        });
      }
    }
  },
};
