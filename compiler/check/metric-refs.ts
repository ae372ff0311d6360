/**
 * What a metric reference names, read once for the rules and the planner:
 * `auc`, `val.auc`, `champion.auc`, `ndcg@10`, and another model's `legacy@champion.auc`.
 */
import type { Expr, RefExpr } from "../language/ast.js";
import type { ModelInfo } from "./semantic.js";

/** A metric reference's base name (without @k), its qualifier and its cut-off. */
export function metricParts(r: RefExpr): { qualifier?: string; name: string; k?: string } {
  const last = r.path[r.path.length - 1]!.name;
  return { qualifier: r.path.length > 1 ? r.path[0]!.name : undefined, name: last, k: r.alias?.name };
}

/** The metric as the plan and the runtime name it: `auc`, `ndcg@10`. */
export function metricKey(r: RefExpr): string {
  const { name, k } = metricParts(r);
  return k ? `${name}@${k}` : name;
}

/** The other models a model's gates compare with (`legacy@champion.auc`), by name. */
export function gateModels(m: ModelInfo): Array<{ name: string; ref: RefExpr }> {
  const out: Array<{ name: string; ref: RefExpr }> = [];
  const visit = (x: Expr): void => {
    if (x.kind === "ref" && x.member && x.path.length === 1 && x.path[0]!.name !== m.decl.name) out.push({ name: x.path[0]!.name, ref: x });
    else if (x.kind === "binary") (visit(x.left), visit(x.right));
    else if (x.kind === "unary") visit(x.operand);
  };
  for (const req of m.settings.requires) visit(req.expr);
  return out;
}

/** `require beats_baseline`: the model's first metric against its task's trivial baseline (spec/language.md#baselines). */
export function isBeatsBaseline(e: Expr): boolean {
  return e.kind === "ref" && e.path.length === 1 && e.path[0]!.name === "beats_baseline" && !e.alias && !e.member;
}
