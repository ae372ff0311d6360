import type { Rule } from "../context.js";
import { calleeName } from "../semantic.js";

const TASK_WORDS: Record<string, string> = {
  binary: "binary classification",
  multiclass: "multiclass classification",
  regression: "regression",
  recommendation: "recommendation",
};

/**
 * A model's architecture can learn its task: matrix factorisation only scores
 * (user, item) pairs, a linear model cannot recommend (spec/language.md#architecture).
 */
export const archTask: Rule = {
  name: "arch-task",
  codes: ["E0325"],
  section: "spec/language.md#architecture",
  check(ctx) {
    for (const m of ctx.sem.models.values()) {
      if (!m.arch || !m.task) continue;
      const sig = ctx.sem.builtins.archs.get(calleeName(m.arch));
      if (!sig || sig.tasks.includes(m.task)) continue;
      const fitting = [...ctx.sem.builtins.archs.values()].filter((a) => a.tasks.includes(m.task!)).map((a) => `\`${a.name}\``);
      ctx.report("E0325", m.decl, m.arch.callee.span, `architecture \`${sig.name}\` cannot learn ${TASK_WORDS[m.task]}`, {
        label: `it learns ${sig.tasks.map((t) => TASK_WORDS[t]).join(", ")}`,
        help: `architectures for ${TASK_WORDS[m.task]}: ${fitting.join(", ")}`,
      });
    }
  },
};
