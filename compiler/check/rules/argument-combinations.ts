import type { Rule } from "../context.js";
import { signedCalls } from "../calls.js";
import { bindCall } from "../semantic.js";
import { numericValue } from "../values.js";

/**
 * Arguments of a split or an optimizer that depend on each other, which a
 * signature alone cannot say (spec/language.md#split, spec/language.md#training):
 * a holdout split leaves rows to train on; Nesterov momentum needs momentum. The
 * data layer and the trainer would reject these when they run; the checker says
 * so first. (Several split keys are fine: `group` wins, then `order_by`, then
 * `stratify`, as the spec says.)
 */
export const argumentCombinations: Rule = {
  name: "argument-combinations",
  codes: ["E0209", "E0302"],
  section: "spec/language.md#split",
  check(ctx) {
    for (const c of signedCalls(ctx.sem)) {
      if (!c.params || c.call.kind !== "call") continue;
      const holdout = c.family === "split" && c.name === "holdout";
      if (!holdout && !(c.family === "optimizer" && c.name === "sgd")) continue;
      const args = bindCall(c.call, c.params).args;
      if (holdout) {
        const test = args.get("test");
        const validation = args.get("validation");
        const t = test ? numericValue(test.value) : 0.2;
        const v = validation ? numericValue(validation.value) : 0.1;
        if (t !== undefined && v !== undefined && t + v >= 1 && (test || validation)) {
          const at = (validation ?? test)!;
          ctx.report("E0302", c.decl, at.value.span, `test (${Math.round(t * 100)}%) and validation (${Math.round(v * 100)}%) leave no rows to train on`, {
            help: "keep test + validation well below 100%, e.g. test = 20%, validation = 10%",
          });
        }
      } else if (c.family === "optimizer" && c.name === "sgd") {
        const nesterov = args.get("nesterov");
        const momentum = args.get("momentum");
        if (nesterov?.value.kind === "bool" && nesterov.value.value && (!momentum || numericValue(momentum.value) === 0)) {
          ctx.report("E0209", c.decl, nesterov.span, "Nesterov momentum needs `momentum` above 0", { help: "write sgd(lr = 0.01, momentum = 0.9, nesterov = true)" });
        }
      }
    }
  },
};
