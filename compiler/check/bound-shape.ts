/**
 * Which expressions a plan can hold as a bound (spec/language.md#gates): a number,
 * folded from constant arithmetic (`0.7 + 0.05`), or where allowed one alias's
 * metric plus or minus a number (`champion.auc - 0.02`). The one fold of bound
 * arithmetic: the checker reports what does not fold (boundProblem), the planner
 * takes the folded value (foldedBound, foldedConstant) of what checked clean.
 */
import type * as A from "../language/ast.js";
import { numericValue } from "./values.js";

const ALIASES = new Set(["champion", "challenger"]);

/** The metric of the version behind an alias: `champion.auc`, or another model's, `legacy@champion.auc`. */
export interface AliasMetric {
  alias: string;
  metric: string;
  model?: string;
}

/** A folded bound: a number, or an alias's metric plus an offset. */
export type FoldedBound = { kind: "value"; value: number } | ({ kind: "alias" } & AliasMetric & { offset: number });

/** scale · (alias metric) + offset; `ref` absent for a constant. */
interface Affine {
  ref?: AliasMetric;
  scale: number;
  offset: number;
}

type Shape = { ok: true; value: Affine } | { ok: false; why: string };

function aliasMetric(e: A.RefExpr): AliasMetric | undefined {
  if (e.path.length === 2 && ALIASES.has(e.path[0]!.name)) {
    const last = e.path[1]!.name;
    return { alias: e.path[0]!.name, metric: e.alias ? `${last}@${e.alias.name}` : last };
  }
  // another model's: `legacy@champion.auc` (its shape is checked by the gates rule)
  if (e.member && e.alias && ALIASES.has(e.alias.name)) return { alias: e.alias.name, metric: e.member[0]!.name, model: e.path[0]!.name };
  return undefined;
}

/** Folded once per expression: the rules ask, then the planner. */
const folded = new WeakMap<A.Expr, Shape>();

function affine(e: A.Expr): Shape {
  const known = folded.get(e);
  if (known) return known;
  const shape = fold(e);
  folded.set(e, shape);
  return shape;
}

function fold(e: A.Expr): Shape {
  const n = numericValue(e);
  if (n !== undefined) return { ok: true, value: { scale: 0, offset: n } };
  switch (e.kind) {
    case "ref": {
      const ref = aliasMetric(e);
      if (ref) return { ok: true, value: { ref, scale: 1, offset: 0 } };
      return { ok: false, why: `\`${e.path.map((p) => p.name).join(".")}\` is not a number, nor a metric of champion or challenger` };
    }
    case "unary": {
      if (e.op !== "-") return { ok: false, why: "`not` gives no number" };
      const a = affine(e.operand);
      return a.ok ? { ok: true, value: { ref: a.value.ref, scale: -a.value.scale, offset: -a.value.offset } } : a;
    }
    case "binary": {
      const l = affine(e.left);
      if (!l.ok) return l;
      const r = affine(e.right);
      if (!r.ok) return r;
      const [a, b] = [l.value, r.value];
      switch (e.op) {
        case "+":
        case "-": {
          const sign = e.op === "-" ? -1 : 1;
          if (a.ref && b.ref) return { ok: false, why: "it names two metrics" };
          return { ok: true, value: { ref: a.ref ?? b.ref, scale: a.ref ? a.scale : sign * b.scale, offset: a.offset + sign * b.offset } };
        }
        case "*":
          if (a.ref && b.ref) return { ok: false, why: "it multiplies two metrics" };
          return { ok: true, value: a.ref ? { ref: a.ref, scale: a.scale * b.offset, offset: a.offset * b.offset } : { ref: b.ref, scale: b.scale * a.offset, offset: b.offset * a.offset } };
        case "/":
          if (b.ref) return { ok: false, why: "it divides by a metric" };
          if (b.offset === 0) return { ok: false, why: "it divides by zero" };
          return { ok: true, value: { ref: a.ref, scale: a.scale / b.offset, offset: a.offset / b.offset } };
        default:
          return { ok: false, why: `\`${e.op}\` gives no number` };
      }
    }
    default:
      return { ok: false, why: "it is not a number" };
  }
}

/**
 * Why an expression cannot be a bound, or undefined when it can. `relative`:
 * may it follow an alias's metric (gates and guards), or must it be a constant
 * (thresholds, windows, performance bounds)?
 */
export function boundProblem(e: A.Expr, opts: { relative: boolean }): string | undefined {
  const a = affine(e);
  if (!a.ok) return a.why;
  const { ref, scale } = a.value;
  if (!ref || scale === 0) return undefined;
  if (!opts.relative) return "a number is needed here, not a metric";
  if (scale !== 1) return "a relative bound is the alias's metric plus or minus a number, such as champion.auc - 0.01";
  return undefined;
}

/** The folded bound of an expression boundProblem accepts with `relative`; otherwise the reason it does not fold. */
export function foldedBound(e: A.Expr): { ok: true; bound: FoldedBound } | { ok: false; why: string } {
  const why = boundProblem(e, { relative: true });
  if (why !== undefined) return { ok: false, why };
  const { ref, scale, offset } = (affine(e) as Extract<Shape, { ok: true }>).value;
  if (!ref || scale === 0) return { ok: true, bound: { kind: "value", value: offset } };
  return { ok: true, bound: { kind: "alias", alias: ref.alias, metric: ref.metric, offset, ...(ref.model ? { model: ref.model } : {}) } };
}

/** The folded number of an expression boundProblem accepts without `relative`; otherwise the reason. */
export function foldedConstant(e: A.Expr): { ok: true; value: number } | { ok: false; why: string } {
  const why = boundProblem(e, { relative: false });
  if (why !== undefined) return { ok: false, why };
  return { ok: true, value: (affine(e) as Extract<Shape, { ok: true }>).value.offset };
}
