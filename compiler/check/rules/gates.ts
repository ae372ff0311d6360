import type { Expr, RefExpr } from "../../language/ast.js";
import type { CheckContext, Rule } from "../context.js";
import type { Decl } from "../program.js";
import type { ModelInfo } from "../semantic.js";
import { hasError } from "../values.js";
import { boundProblem } from "../bound-shape.js";
import { printExpr } from "../../language/printer.js";
import { checkMetricForTask, metricParts, producedMetrics, SPLITS } from "./model-metrics.js";

const ALIASES_OK = ["champion", "challenger"];

/** Every metric a model-side expression names must be one the model produces. */
export function checkMetricRefs(ctx: CheckContext, decl: Decl, m: ModelInfo, e: Expr, where: string, opts: { allowQualifiers: string[] }): void {
  // a model cut short by a syntax error may have lost its metrics list
  if (m.decl.block.recovered) return;
  const visit = (x: Expr) => {
    switch (x.kind) {
      case "ref":
        checkOne(x);
        return;
      case "binary":
        visit(x.left);
        visit(x.right);
        return;
      case "unary":
        visit(x.operand);
        return;
      case "objective":
        checkOne(x.target);
        return;
      default:
        return;
    }
  };
  const checkOne = (r: RefExpr) => {
    const { qualifier, name } = metricParts(r);
    if (qualifier && !opts.allowQualifiers.includes(qualifier)) {
      const allowed = opts.allowQualifiers.length === 0 ? "write the metric without a qualifier" : `qualify a metric with ${opts.allowQualifiers.map((q) => `\`${q}.\``).join(", ")}`;
      const known = SPLITS.includes(qualifier) || ALIASES_OK.includes(qualifier);
      ctx.report("E0323", decl, r.path[0]!.span, known ? `${where} cannot use \`${qualifier}.\` metrics` : `unknown qualifier \`${qualifier}\` in ${where}`, {
        help: qualifier === "test" ? `the test split is kept for the final evaluation; ${allowed}` : allowed,
      });
      return;
    }
    if (!checkMetricForTask(ctx, decl, r, m.task, where)) return;
    const produced = producedMetrics(m);
    const key = name + (r.alias ? `@${r.alias.name}` : "");
    if (!produced.includes(key)) {
      ctx.report("E0323", decl, r.span, `${where} uses \`${key}\`, which model \`${m.decl.name}\` does not compute`, {
        help: `add \`${key}\` to the model's metrics: \`metrics = [${[...produced.filter((p) => p !== "loss"), key].join(", ")}]\``,
      });
    }
  };
  visit(e);
}

/** A gate's or guard's right side is a number, or an alias's metric plus or minus one. */
export function checkBound(ctx: CheckContext, decl: Decl, bound: Expr, where: string): void {
  // a syntax error left a hole in it (reported already); its span may be no place at all
  if (hasError(bound)) return;
  const why = boundProblem(bound, { relative: true });
  if (!why) return;
  ctx.report("E0324", decl, bound.span, `${where} cannot compare with \`${printExpr(bound)}\`: ${why}`, {
    help: "a bound is a number (`0.8`, `0.7 + 0.05`) or an alias's metric plus or minus a number (`champion.auc - 0.02`)",
  });
}

/**
 * `require` gates compare a metric the model produces with a number or with the
 * champion's value; early stopping watches a produced validation metric
 * (spec/language.md#gates).
 */
export const gates: Rule = {
  name: "gates",
  codes: ["E0323", "E0324", "E0204", "E0301", "E0322"],
  section: "spec/language.md#gates",
  check(ctx) {
    for (const m of ctx.sem.models.values()) {
      for (const req of m.settings.requires) {
        const e = req.expr;
        if (hasError(e)) continue;
        if (e.kind !== "binary" || !["<", "<=", ">", ">="].includes(e.op)) {
          ctx.report("E0324", m.decl, e.span, "a gate compares a metric with a bound", { help: "write `require auc >= 0.80` or `require auc >= champion.auc - 0.01`" });
          continue;
        }
        if (e.left.kind !== "ref") {
          ctx.report("E0324", m.decl, e.left.span, "a gate's left side is a metric", { help: "write `require auc >= 0.80`" });
          continue;
        }
        const before = ctx.diagnostics.items.length;
        checkMetricRefs(ctx, m.decl, m, e, "this gate", { allowQualifiers: ["test", "val", ...ALIASES_OK] });
        if (ctx.diagnostics.items.length === before) checkBound(ctx, m.decl, e.right, "this gate");
      }
      for (const c of m.train?.calls ?? []) {
        const first = c.call.args.find((a) => !a.name || a.name.name === "metric");
        // never `test.`: stopping on the test split would leak it into training
        if (first?.value.kind === "ref") checkMetricRefs(ctx, m.decl, m, first.value, "early stopping", { allowQualifiers: ["val", "train"] });
      }
    }
  },
};
