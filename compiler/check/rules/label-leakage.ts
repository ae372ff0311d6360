import type { Rule } from "../context.js";
import { refName } from "../values.js";

/**
 * A model's features never read its target column: the label is not there at
 * prediction time, and a model trained on it learns nothing it can use
 * (spec/language.md#features). Ids of a recommendation task are inputs, not
 * targets, so only `target` counts.
 */
export const labelLeakage: Rule = {
  name: "label-leakage",
  codes: ["E0312"],
  section: "spec/language.md#features",
  check(ctx) {
    for (const m of ctx.sem.models.values()) {
      const fs = m.features;
      const targetArg = m.taskColumns.get("target");
      const target = targetArg && refName(targetArg.value);
      if (!fs || !target || !fs.dataset?.columns.has(target)) continue;
      for (const f of fs.features) {
        // a name that is a column reads the column, even where a feature has that name too
        const input = f.inputs.find((i) => i.name === target);
        if (!input) continue;
        ctx.report("E0312", fs.decl, input.span, `feature \`${f.name.name}\` is computed from \`${target}\`, the target of model \`${m.decl.name}\``, {
          label: "the label itself",
          help: "a model cannot read its own label when it predicts: remove this feature, or predict another column",
        });
      }
    }
  },
};
