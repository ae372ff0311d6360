import type { Rule } from "../context.js";
import { aColumn, describeColumnType } from "../context.js";
import { refName } from "../values.js";

const TASK_HELP: Record<string, string> = {
  binary: "binary_classification needs a bool label or an enum of exactly two values",
  multiclass: "multiclass_classification needs an enum, string or int label",
  regression: "regression needs an int or float label",
  recommendation: "recommendation needs a numeric rating or a bool interaction as its target",
};

/**
 * A model's task fits its label's type: binary needs a bool or two-valued enum,
 * regression a number, … ; and the label is the dataset's label when both are
 * given (spec/language.md#model).
 */
export const taskLabel: Rule = {
  name: "task-label",
  codes: ["E0320", "E0321"],
  section: "spec/language.md#model",
  check(ctx) {
    for (const m of ctx.sem.models.values()) {
      if (!m.taskCall || !m.task || !m.dataset || m.dataset.decl.block.recovered) continue;
      const sig = ctx.sem.builtins.tasks.get(m.taskCall.callee.path.map((p) => p.name).join("."))!;
      const targetArg = m.taskColumns.get("target");
      const target = targetArg && refName(targetArg.value);
      if (!target || !targetArg) continue;
      const col = m.dataset.columns.get(target);
      if (!col?.type) continue;
      const t = col.type;
      const ok = sig.targetKinds.some((k) => (k === "two_valued_enum" ? t.kind === "enum" && t.values.length === 2 : k === t.kind));
      if (!ok) {
        ctx.report("E0320", m.decl, targetArg.value.span, `${sig.name} cannot predict \`${target}\`, ${aColumn(t)}`, {
          label: `declared ${describeColumnType(t)} in dataset \`${m.dataset.decl.name}\``,
          help: TASK_HELP[m.task] ?? sig.doc,
        });
      }
      const dsLabel = m.dataset.label && refName(m.dataset.label);
      // an unknown label is E0210 already
      if (dsLabel && dsLabel !== target && m.task !== "recommendation" && m.dataset.columns.has(dsLabel)) {
        ctx.report("E0321", m.decl, targetArg.value.span, `the task's target \`${target}\` is not the dataset's label \`${dsLabel}\``, {
          help: `predict \`${dsLabel}\`, or change \`label\` in dataset \`${m.dataset.decl.name}\``,
        });
      }
    }
  },
};
