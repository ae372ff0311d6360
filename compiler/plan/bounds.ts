/**
 * The right side of a gate or guard as a plan bound (spec/plan.md#bounds): a
 * number, or `ALIAS.metric + offset` relative to the model version behind an
 * alias (`champion.auc - 0.02`). Constant arithmetic is folded: `0.7 + 0.1`.
 */
import type * as A from "../language/ast.js";
import { printExpr } from "../language/printer.js";
import { numericValue } from "../check/values.js";
import { PlanError } from "./plan-error.js";

export type Bound = { kind: "value"; value: number } | { kind: "alias"; alias: string; metric: string; offset: number; model?: string };

/** scale · ref + offset, ref absent for a constant. */
interface Affine {
  ref?: { alias: string; metric: string; model?: string };
  scale: number;
  offset: number;
}

const ALIASES = new Set(["champion", "challenger"]);

function refMetric(r: A.RefExpr): string {
  const last = r.path[r.path.length - 1]!.name;
  return r.alias ? `${last}@${r.alias.name}` : last;
}

function affine(e: A.Expr, where: string): Affine {
  const fail = (why: string): never => {
    throw new PlanError(`cannot plan the bound \`${printExpr(e)}\` of ${where}: ${why}`);
  };
  const n = numericValue(e);
  if (n !== undefined) return { scale: 0, offset: n };
  switch (e.kind) {
    case "ref": {
      // another model's version: `legacy@champion.auc`
      if (e.member && e.alias && ALIASES.has(e.alias.name) && e.path.length === 1 && e.member.length === 1) {
        return { ref: { alias: e.alias.name, metric: e.member[0]!.name, model: e.path[0]!.name }, scale: 1, offset: 0 };
      }
      if (e.path.length !== 2 || !ALIASES.has(e.path[0]!.name)) {
        return fail("a bound is a number or relative to an alias, such as champion.auc - 0.01");
      }
      return { ref: { alias: e.path[0]!.name, metric: refMetric(e) }, scale: 1, offset: 0 };
    }
    case "unary": {
      if (e.op !== "-") return fail("`not` is no number");
      const a = affine(e.operand, where);
      return { ref: a.ref, scale: -a.scale, offset: -a.offset };
    }
    case "binary": {
      const l = affine(e.left, where);
      const r = affine(e.right, where);
      switch (e.op) {
        case "+":
        case "-": {
          const sign = e.op === "-" ? -1 : 1;
          if (l.ref && r.ref) return fail("it names two metrics");
          return { ref: l.ref ?? r.ref, scale: l.ref ? l.scale : sign * r.scale, offset: l.offset + sign * r.offset };
        }
        case "*":
          if (l.ref && r.ref) return fail("it multiplies two metrics");
          return l.ref ? { ref: l.ref, scale: l.scale * r.offset, offset: l.offset * r.offset } : { ref: r.ref, scale: r.scale * l.offset, offset: r.offset * l.offset };
        case "/":
          if (r.ref) return fail("it divides by a metric");
          if (r.offset === 0) return fail("it divides by zero");
          return { ref: l.ref, scale: l.scale / r.offset, offset: l.offset / r.offset };
        default:
          return fail(`\`${e.op}\` is no arithmetic`);
      }
    }
    default:
      return fail("a bound is a number or relative to an alias, such as champion.auc - 0.01");
  }
}

export function lowerBound(e: A.Expr, where: string): Bound {
  const a = affine(e, where);
  if (!a.ref || a.scale === 0) return { kind: "value", value: a.offset };
  if (a.scale !== 1) {
    throw new PlanError(`cannot plan the bound \`${printExpr(e)}\` of ${where}: a relative bound is the alias's metric plus or minus a number, such as champion.auc - 0.01`);
  }
  return { kind: "alias", alias: a.ref.alias, metric: a.ref.metric, offset: a.offset, ...(a.ref.model ? { model: a.ref.model } : {}) };
}

/** A number the plan needs (a threshold, a window): constant arithmetic folded. */
export function constantValue(e: A.Expr, where: string): number {
  const a = affine(e, where);
  if (a.ref && a.scale !== 0) throw new PlanError(`cannot plan \`${printExpr(e)}\` in ${where}: a number is needed here`);
  return a.offset;
}
