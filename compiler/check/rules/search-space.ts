import type { Expr, RefExpr } from "../../language/ast.js";
import { printExpr } from "../../language/printer.js";
import type { ParamType } from "../../../stdlib/signature.js";
import type { Rule } from "../context.js";
import { describeType, fits } from "../arg-types.js";
import { hyperparameters } from "../hyperparameters.js";
import { calleeName, pathName } from "../semantic.js";
import { didYouMean } from "../../../text/did-you-mean.js";
import { hasError, numericValue } from "../values.js";
import { checkMetricRefs } from "./gates.js";

function numericKind(t: ParamType): "int" | "float" | undefined {
  return t === "int" ? "int" : t === "float" ? "float" : undefined;
}

/**
 * Each sampled path names a hyperparameter of the model; its distribution can
 * produce that parameter's type (no int from loguniform, no list from uniform);
 * bounds are ordered and inside the parameter's range; a condition names another
 * sampled choice; the objective is a validation metric the model produces
 * (spec/language.md#search).
 */
export const searchSpace: Rule = {
  name: "search-space",
  codes: ["E0501", "E0502", "E0503", "E0504", "E0505", "E0506", "E0204", "E0301", "E0322", "E0323"],
  section: "spec/language.md#search",
  check(ctx) {
    const tunedBy = new Map<string, string>();
    for (const s of ctx.sem.searches.values()) {
      const m = s.model;
      // a model cut short by a syntax error may have lost its arch or metrics
      if (!m || m.decl.block.recovered) continue;
      const target = s.decl.block.relation!.target;
      const first = tunedBy.get(m.decl.name);
      if (first) {
        ctx.report("E0506", s.decl, target.span, `model \`${m.decl.name}\` is already tuned by search \`${first}\``, {
          help: "a model is tuned by one search: merge the two search blocks into one",
        });
        continue;
      }
      tunedBy.set(m.decl.name, s.decl.name);
      if (m.importCall && !m.arch) {
        ctx.report("E0501", s.decl, target.span, `model \`${m.decl.name}\` is imported, not trained: it has no hyperparameters to tune`, {
          help: "search a model that has an `arch`",
        });
        continue;
      }
      const space = hyperparameters(m, ctx.sem.builtins);
      const sampled = new Map<string, Expr>();
      for (const smp of s.settings.samples) {
        const path = pathName(smp.target);
        const param = space.get(path);
        if (!param) {
          ctx.report("E0501", s.decl, smp.target.span, `\`${path}\` is not a hyperparameter of model \`${m.decl.name}\``, {
            help: didYouMean(path, space.keys(), "tunable paths are {list}"),
          });
          continue;
        }
        if (sampled.has(path)) {
          ctx.report("E0505", s.decl, smp.target.span, `\`${path}\` is sampled twice`, { help: "keep one distribution per parameter" });
          continue;
        }
        sampled.set(path, smp.dist);
        if (hasError(smp.dist)) continue;
        if (smp.dist.kind !== "call") {
          ctx.report("E0502", s.decl, smp.dist.span, "a search parameter is drawn from a distribution", {
            help: "write uniform(a, b), loguniform(a, b), int(a, b) or choice(x, y, ...)",
          });
          continue;
        }
        const dist = calleeName(smp.dist);
        const sig = ctx.sem.builtins.distributions.get(dist);
        if (!sig) continue; // unknown-builtin reports it
        const want = numericKind(param.type);
        if (dist === "choice") {
          if (smp.dist.args.length === 0) {
            ctx.report("E0503", s.decl, smp.dist.span, "choice needs at least one option", { help: "write choice(a, b, ...)" });
          }
          for (const opt of smp.dist.args) {
            const f = fits(opt.value, param.type);
            if (!f.ok) {
              ctx.report("E0502", s.decl, opt.value.span, `option of \`${path}\`: ${f.message}`, { help: `\`${path}\` takes ${describeType(param.type)}` });
            }
          }
          continue;
        }
        const produces = sig.produces;
        if (!want || (want === "int" && !produces.includes("int")) || (want === "float" && !produces.includes("float") && !produces.includes("int"))) {
          ctx.report("E0502", s.decl, smp.dist.callee.span, `${dist} cannot produce \`${path}\`, which takes ${describeType(param.type)}`, {
            help: want === "int" ? `draw an int: int(low, high) or int(low, high, log = true), or choice(...)` : `use choice(...) for ${describeType(param.type)}`,
          });
          continue;
        }
        const positional = smp.dist.args.filter((a) => !a.name);
        const named = new Map(smp.dist.args.filter((a) => a.name).map((a) => [a.name!.name, a]));
        const low = numericValue((named.get("low") ?? positional[0])?.value ?? { kind: "error", span: smp.dist.span });
        const high = numericValue((named.get("high") ?? positional[1])?.value ?? { kind: "error", span: smp.dist.span });
        if (low !== undefined && high !== undefined) {
          if (low >= high) {
            ctx.report("E0503", s.decl, smp.dist.span, `empty range: low ${low} is not below high ${high}`, { help: "write the lower bound first" });
          } else if (dist === "loguniform" && low <= 0) {
            ctx.report("E0503", s.decl, smp.dist.span, "loguniform needs a positive lower bound", { help: "use a small positive number such as 1e-5" });
          } else if ((param.min !== undefined && low < param.min) || (param.max !== undefined && high > param.max)) {
            ctx.report("E0503", s.decl, smp.dist.span, `\`${path}\` must stay within ${param.min ?? "-∞"}..${param.max ?? "∞"}`, { help: param.doc });
          }
        }
      }
      for (const smp of s.settings.samples) {
        const w = smp.when;
        if (!w || hasError(w)) continue;
        const ok = w.kind === "binary" && w.op === "==" && w.left.kind === "ref" && sampled.has(w.left.path.map((p) => p.name).join("."));
        if (!ok) {
          ctx.report("E0504", s.decl, w.span, "a condition compares another sampled choice with one of its options", {
            help: "write `train.optimizer.momentum ~ uniform(0, 0.9) when train.optimizer == sgd`",
          });
          continue;
        }
        // the compared value must be one the choice can draw, or the parameter is never sampled
        const on = sampled.get(pathName({ parts: (w.left as RefExpr).path, span: w.left.span }))!;
        if (on.kind === "call" && calleeName(on) === "choice") {
          const options = on.args.map((a) => printExpr(a.value));
          const value = printExpr(w.right);
          if (!options.includes(value)) {
            ctx.report("E0504", s.decl, w.right.span, `\`${value}\` is not an option of \`${printExpr(w.left)}\``, {
              help: didYouMean(value, options, `its options are {list}`),
            });
          }
        }
      }
      const objective = s.settings.assigns.get("objective")?.value;
      if (objective && hasError(objective)) {
        // a syntax error, reported already
      } else if (objective && objective.kind !== "objective") {
        ctx.report("E0504", s.decl, objective.span, "the objective is `maximize METRIC` or `minimize METRIC`", { help: "write `objective = maximize val.auc`" });
      } else if (objective?.kind === "objective") {
        const before = ctx.diagnostics.items.length;
        checkMetricRefs(ctx, s.decl, m, objective, "the objective", { allowQualifiers: ["val"] });
        const metric = objective.target.path[objective.target.path.length - 1]!.name;
        const better = metric === "loss" ? "minimize" : ctx.sem.builtins.metrics.get(metric)?.direction;
        if (ctx.diagnostics.items.length === before && better && better !== objective.direction) {
          ctx.report("E0504", s.decl, objective.span, `\`${objective.direction} ${printExpr(objective.target)}\` would pick the worst trial: ${metric} is better when ${better === "minimize" ? "lower" : "higher"}`, {
            help: `write \`objective = ${better} ${printExpr(objective.target)}\``,
          });
        }
      }
    }
  },
};
