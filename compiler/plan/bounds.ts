/**
 * The right side of a gate or guard as a plan bound (spec/plan.md#bounds), and
 * the numbers a monitor needs. The checker folds the arithmetic
 * (compiler/check/bound-shape.ts); a bound it would have refused is a PlanError.
 */
import type * as A from "../language/ast.js";
import { printExpr } from "../language/printer.js";
import { type FoldedBound, foldedBound, foldedConstant } from "../check/bound-shape.js";
import { PlanError } from "./plan-error.js";

export type Bound = FoldedBound;

export function lowerBound(e: A.Expr, where: string): Bound {
  const f = foldedBound(e);
  if (!f.ok) throw new PlanError(`cannot plan the bound \`${printExpr(e)}\` of ${where}: ${f.why}`);
  return f.bound;
}

/** A number the plan needs (a threshold, a window). */
export function constantValue(e: A.Expr, where: string): number {
  const f = foldedConstant(e);
  if (!f.ok) throw new PlanError(`cannot plan \`${printExpr(e)}\` in ${where}: ${f.why}`);
  return f.value;
}
