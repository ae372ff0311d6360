import type * as A from "../../language/ast.js";
import type { Rule } from "../context.js";
import { bindCall, calleeName } from "../semantic.js";
import { literalKind, numericValue, refName } from "../values.js";

function mentionsChampion(e: A.Expr): boolean {
  if (e.kind === "ref") return e.path[0]?.name === "champion";
  if (e.kind === "binary") return mentionsChampion(e.left) || mentionsChampion(e.right);
  if (e.kind === "unary") return mentionsChampion(e.operand);
  return false;
}

/**
 * Strategy arguments that make a rollout unable to decide (spec/rollouts.md):
 * a bandit over fewer than two distinct arms (E1001), a split that compares
 * nothing — ab traffic of 0% or 100%, a shadow sample of 0% (E1002) — and a
 * guard relative to the champion in a bandit, whose arms have no champion
 * among them to compare with (E1003).
 */
export const rolloutArguments: Rule = {
  name: "rollout-arguments",
  codes: ["E1001", "E1002", "E1003"],
  section: "spec/rollouts.md#strategies",
  check(ctx) {
    for (const r of ctx.sem.rollouts.values()) {
      for (const c of r.settings.calls) {
        const kind = calleeName(c.call);
        const sig = ctx.sem.builtins.rolloutStrategies.get(kind);
        if (!sig) continue;
        const args = bindCall(c.call, sig.params).args;
        if (kind === "bandit") {
          const arms = args.get("arms")?.value;
          if (arms?.kind === "list" && arms.items.every((i) => refName(i) !== undefined)) {
            const distinct = new Set(arms.items.map((i) => refName(i)));
            if (distinct.size < 2) {
              ctx.report("E1001", r.decl, arms.span, `a bandit needs at least two different arms, got ${distinct.size === 0 ? "none" : `only ${[...distinct][0]}`}`, {
                help: "list two or more model versions, e.g. arms = [churn_mlp@champion, churn_mlp@challenger]",
              });
            }
          }
          for (const st of r.settings.nested.get("guard")?.body ?? []) {
            if (st.kind === "condition" && mentionsChampion(st.right)) {
              ctx.report("E1003", r.decl, st.right.span, "a bandit's guard cannot compare with the champion: every arm is judged on its own", {
                help: "bound each arm absolutely, e.g. auc >= 0.75",
              });
            }
          }
        }
        const split = kind === "ab" ? args.get("traffic") : kind === "shadow" ? args.get("sample") : undefined;
        const value = split?.value;
        if (value && literalKind(value) === "percent") {
          const share = numericValue(value)!;
          if (share <= 0 || (kind === "ab" && share >= 1)) {
            const what = kind === "ab" ? "traffic" : "sample";
            ctx.report("E1002", r.decl, value.span, `${kind} ${what} = ${share <= 0 ? "0%" : "100%"} leaves nothing to compare`, {
              help: kind === "ab" ? "send the candidate a share strictly between 0% and 100%, e.g. traffic = 50%" : "mirror a share above 0%, e.g. sample = 10%",
            });
          }
        }
      }
    }
  },
};
