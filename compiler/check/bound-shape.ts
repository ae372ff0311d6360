/**
 * Which expressions a plan can hold as a bound (spec/language.md#gates): a number,
 * folded from constant arithmetic (`0.7 + 0.05`), or where allowed one alias's
 * metric plus or minus a number (`champion.auc - 0.02`). The planner lowers
 * exactly these; the checker rejects the rest with a diagnostic instead.
 */
import type * as A from "../language/ast.js";
import { numericValue } from "./values.js";

const ALIASES = new Set(["champion", "challenger"]);

/** scale · (alias metric) + offset; `metric` absent for a constant. */
interface Affine {
  metric: boolean;
  scale: number;
  offset: number;
}

type Shape = { ok: true; value: Affine } | { ok: false; why: string };

function affine(e: A.Expr): Shape {
  const n = numericValue(e);
  if (n !== undefined) return { ok: true, value: { metric: false, scale: 0, offset: n } };
  switch (e.kind) {
    case "ref":
      if (e.path.length === 2 && ALIASES.has(e.path[0]!.name)) return { ok: true, value: { metric: true, scale: 1, offset: 0 } };
      // another model's: `legacy@champion.auc`
      if (e.member && e.alias && ALIASES.has(e.alias.name)) return { ok: true, value: { metric: true, scale: 1, offset: 0 } };
      return { ok: false, why: `\`${e.path.map((p) => p.name).join(".")}\` is not a number, nor a metric of champion or challenger` };
    case "unary": {
      if (e.op !== "-") return { ok: false, why: "`not` gives no number" };
      const a = affine(e.operand);
      return a.ok ? { ok: true, value: { metric: a.value.metric, scale: -a.value.scale, offset: -a.value.offset } } : a;
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
          if (a.metric && b.metric) return { ok: false, why: "it names two metrics" };
          return { ok: true, value: { metric: a.metric || b.metric, scale: a.metric ? a.scale : sign * b.scale, offset: a.offset + sign * b.offset } };
        }
        case "*":
          if (a.metric && b.metric) return { ok: false, why: "it multiplies two metrics" };
          return { ok: true, value: a.metric ? { metric: true, scale: a.scale * b.offset, offset: a.offset * b.offset } : { metric: b.metric, scale: b.scale * a.offset, offset: b.offset * a.offset } };
        case "/":
          if (b.metric) return { ok: false, why: "it divides by a metric" };
          if (b.offset === 0) return { ok: false, why: "it divides by zero" };
          return { ok: true, value: { metric: a.metric, scale: a.scale / b.offset, offset: a.offset / b.offset } };
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
  const { metric, scale } = a.value;
  if (!metric || scale === 0) return undefined;
  if (!opts.relative) return "a number is needed here, not a metric";
  if (scale !== 1) return "a relative bound is the alias's metric plus or minus a number, such as champion.auc - 0.01";
  return undefined;
}
