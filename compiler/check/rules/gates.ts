import type { Expr, RefExpr } from "../../language/ast.js";
import type { CheckContext, Rule } from "../context.js";
import type { Decl } from "../program.js";
import type { ModelInfo } from "../semantic.js";
import { hasError } from "../values.js";
import { boundProblem } from "../bound-shape.js";
import { printExpr } from "../../language/printer.js";
import { gateModels, isBeatsBaseline, metricParts } from "../metric-refs.js";
import { checkMetricForTask, producedMetrics, SPLITS } from "./model-metrics.js";
import { resolveBlock } from "./known-references.js";

const ALIASES_OK = ["champion", "challenger"];

/** Every metric a model-side expression names must be one the model produces (or, `other@alias.metric` in a gate, the other model). */
export function checkMetricRefs(ctx: CheckContext, decl: Decl, m: ModelInfo, e: Expr, where: string, opts: { allowQualifiers: string[]; otherModels?: boolean }): void {
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
    if (r.member) {
      checkOtherModelRef(ctx, decl, m, r, where, opts.otherModels === true);
      return;
    }
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

/**
 * `legacy@champion.auc` in a gate: the version of model `legacy` behind the
 * alias, compared on the same test split, so the model must exist in the spec,
 * list the metric, and be evaluated on the same dataset.
 */
function checkOtherModelRef(ctx: CheckContext, decl: Decl, m: ModelInfo, r: RefExpr, where: string, allowed: boolean): void {
  if (!allowed) {
    ctx.report("E0323", decl, r.span, `${where} cannot use another model's metrics (\`${printExpr(r)}\`)`, {
      help: "a model's `require` gates can compare with another model's version, e.g. `require auc >= legacy@champion.auc - 0.01`",
    });
    return;
  }
  const alias = r.alias!;
  const metric = r.member!.map((p) => p.name).join(".");
  if (r.path.length !== 1 || !ALIASES_OK.includes(alias.name) || r.member!.length !== 1) {
    ctx.report("E0324", decl, r.span, `${where} cannot compare with \`${printExpr(r)}\``, {
      help: "another model's metric is written MODEL@champion.METRIC or MODEL@challenger.METRIC, e.g. `legacy@champion.auc`",
    });
    return;
  }
  const other = resolveBlock(ctx, decl, r.path[0]!, ["model"], "a gate's model");
  if (!other) return;
  const info = ctx.sem.models.get(other.name);
  if (!info || info.decl.block.recovered) return;
  const produced = producedMetrics(info);
  if (!produced.includes(metric)) {
    ctx.report("E0323", decl, r.member![0]!.span, `${where} uses \`${metric}\` of model \`${other.name}\`, which that model does not compute`, {
      help: `add \`${metric}\` to model \`${other.name}\`'s metrics: \`metrics = [${[...produced.filter((p) => p !== "loss"), metric].join(", ")}]\``,
    });
    return;
  }
  if (info !== m && info.dataset && m.dataset && info.dataset !== m.dataset) {
    ctx.report("E0326", decl, r.path[0]!.span, `${where} compares with model \`${other.name}\`, which is evaluated on dataset \`${info.dataset.decl.name}\`, not \`${m.dataset.decl.name}\``, {
      help: "two models' metrics compare only on the same test split: give both models inputs from the same dataset",
    });
  }
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

/** Gates that compare models in a circle cannot be evaluated: each model's gate waits for the other's version. */
function checkGateCycle(ctx: CheckContext, m: ModelInfo): void {
  const order = [...ctx.sem.models.keys()];
  for (const { name, ref } of gateModels(m)) {
    // one message a circle: at the comparison that goes back to an earlier model
    if (order.indexOf(name) > order.indexOf(m.decl.name)) continue;
    const seen = new Set<string>();
    const stack = [name];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n === m.decl.name) {
        ctx.report("E0327", m.decl, ref.path[0]!.span, `model \`${m.decl.name}\`'s gate compares with \`${name}\`, whose gates compare back with \`${m.decl.name}\``, {
          help: "one model of the two is gated against the other, not both: drop one of the comparisons",
        });
        return;
      }
      if (seen.has(n)) continue;
      seen.add(n);
      const other = ctx.sem.models.get(n);
      if (other) stack.push(...gateModels(other).map((g) => g.name));
    }
  }
}

/**
 * `require` gates compare a metric the model produces with a number or with the
 * champion's value; early stopping watches a produced validation metric
 * (spec/language.md#gates).
 */
export const gates: Rule = {
  name: "gates",
  codes: ["E0323", "E0324", "E0204", "E0301", "E0322", "E0202", "E0203", "E0326", "E0327", "E1201"],
  section: "spec/language.md#gates",
  check(ctx) {
    for (const m of ctx.sem.models.values()) {
      for (const req of m.settings.requires) {
        const e = req.expr;
        if (hasError(e)) continue;
        if (isBeatsBaseline(e)) {
          if (m.metrics.length === 0) {
            ctx.report("E1201", m.decl, e.span, `\`require beats_baseline\` compares the model's first metric with its baseline's, and model \`${m.decl.name}\` lists no metrics`, {
              help: "list the metric to compare first: `metrics = [auc, accuracy]`",
            });
          }
          continue;
        }
        if (e.kind !== "binary" || !["<", "<=", ">", ">="].includes(e.op)) {
          ctx.report("E0324", m.decl, e.span, "a gate compares a metric with a bound", { help: "write `require auc >= 0.80` or `require auc >= champion.auc - 0.01`" });
          continue;
        }
        if (e.left.kind !== "ref" || e.left.member) {
          ctx.report("E0324", m.decl, e.left.span, "a gate's left side is a metric", { help: "write `require auc >= 0.80`" });
          continue;
        }
        const before = ctx.diagnostics.items.length;
        checkMetricRefs(ctx, m.decl, m, e, "this gate", { allowQualifiers: ["test", "val", ...ALIASES_OK], otherModels: true });
        if (ctx.diagnostics.items.length === before) checkBound(ctx, m.decl, e.right, "this gate");
      }
      checkGateCycle(ctx, m);
      for (const c of m.train?.calls ?? []) {
        const first = c.call.args.find((a) => !a.name || a.name.name === "metric");
        // never `test.`: stopping on the test split would leak it into training
        if (first?.value.kind === "ref") checkMetricRefs(ctx, m.decl, m, first.value, "early stopping", { allowQualifiers: ["val", "train"] });
      }
    }
  },
};
