import type { Expr } from "../../language/ast.js";
import type { Rule } from "../context.js";
import { fits, nonPositiveDuration } from "../arg-types.js";
import { calleeName } from "../semantic.js";
import { didYouMean } from "../../../text/did-you-mean.js";
import { hasError, literalKind, numericValue } from "../values.js";
import { checkMetricRefs } from "./gates.js";
import { boundProblem } from "../bound-shape.js";

const DRIFT_ARGS = ["features", "test", "threshold", "window", "p_value", "min_samples", "correction", "share"];
const CORRECTIONS = ["bonferroni", "fdr", "none"];
/** Metrics CBPE can estimate from predicted probabilities alone (no labels). */
const ESTIMABLE = ["accuracy", "precision", "recall", "f1", "auc"];
const PERF_ARGS = ["window", "labels", "min_samples", "key"];

/**
 * Monitoring rules watch things that exist: drift on the served model's input
 * columns or its prediction, with a test that fits the column kind and a threshold
 * of the kind the test yields; performance on a metric the model computes; retraining
 * triggered by this monitor's signals, using a search or model of the served model
 * (spec/language.md#monitor).
 */
export const monitor: Rule = {
  name: "monitor",
  codes: ["E0605", "E0606", "E0607", "E0204", "E0205", "E0210", "E0301", "E0322", "E0323", "E0401", "E0332", "E1101", "E1102", "E1103", "E1104", "E1105", "E1106", "E1108"],
  section: "spec/language.md#monitor",
  check(ctx) {
    for (const mon of ctx.sem.monitors.values()) {
      /** A window or period: a duration longer than zero. */
      const checkPeriod = (e: Expr, what: string) => {
        const f = fits(e, "duration");
        if (!f.ok) return ctx.report(f.code, mon.decl, f.span, `\`${what}\`: ${f.message}`, { help: f.help });
        const empty = nonPositiveDuration(e, "duration");
        if (empty) ctx.report("E0332", mon.decl, e.span, `\`${what}\` ${empty}`, { help: "a monitoring window or period is a duration such as 1h or 1d" });
      };
      /** A number the plan holds as is: a literal of the right kind, or constant arithmetic. */
      const checkConstant = (e: Expr, what: string, kind: "float" | "int") => {
        if (literalKind(e) === "expr") {
          const why = boundProblem(e, { relative: false });
          if (why) ctx.report("E0605", mon.decl, e.span, `${what} must be a number: ${why}`, { help: kind === "int" ? "write a whole number such as 500" : "write a number such as 0.2" });
          return;
        }
        const f = fits(e, kind);
        if (!f.ok) ctx.report(f.code, mon.decl, f.span, `${what}: ${f.message}`, { help: f.help });
      };
      /** A count of rows: a whole number of at least 1. */
      const checkMinSamples = (e: Expr) => {
        const before = ctx.diagnostics.items.length;
        checkConstant(e, "min_samples", "int");
        const v = numericValue(e);
        if (ctx.diagnostics.items.length === before && v !== undefined && v < 1) {
          ctx.report("E1104", mon.decl, e.span, `\`min_samples\` is ${v}; a window needs at least one row to be judged`, { help: "write min_samples = 100 (the default), or leave it out" });
        }
      };
      const model = mon.serve?.model;
      const ds = model?.dataset?.decl.block.recovered ? undefined : model?.dataset;
      const signals = new Set<string>();
      for (const c of mon.settings.calls) {
        const name = calleeName(c.call);
        if (name === "drift") {
          signals.add("drift");
          let testName = "auto";
          const cols: Expr[] = [];
          for (const a of c.call.args) {
            const key = a.name?.name;
            if (hasError(a.value)) continue;
            if (!key) {
              if (a.value.kind === "ref" && a.value.path.length === 1 && a.value.path[0]!.name === "prediction") continue;
              else if (a.value.kind === "binary" && a.value.left.kind === "ref" && a.value.left.path[0]!.name === "p_value") continue;
              else {
                ctx.report("E0605", mon.decl, a.span, "drift watches `prediction`, or `features = all` / `features = [a, b]`", {
                  help: "write drift(prediction, test = ks, p_value < 0.01) or drift(features = all, test = psi, threshold = 0.2)",
                });
              }
              continue;
            }
            if (!DRIFT_ARGS.includes(key)) {
              ctx.report("E0205", mon.decl, a.name!.span, `drift has no parameter \`${key}\``, { help: didYouMean(key, DRIFT_ARGS, "its parameters are {list}") });
            } else if (key === "test" && a.value.kind === "ref") {
              testName = a.value.path[0]!.name;
              if (!ctx.sem.builtins.driftTests.has(testName)) {
                ctx.report("E0204", mon.decl, a.value.span, `unknown drift test \`${testName}\``, { help: didYouMean(testName, ctx.sem.builtins.driftTests.keys(), "drift tests are {list}") });
              }
            } else if (key === "features") {
              if (a.value.kind === "list") cols.push(...a.value.items);
              else if (!(a.value.kind === "ref" && a.value.path[0]!.name === "all")) {
                ctx.report("E0605", mon.decl, a.value.span, "`features` is `all` or a list of columns", { help: "write features = all or features = [tenure, monthly]" });
              }
            } else if (key === "test") {
              ctx.report("E0301", mon.decl, a.value.span, "`test` is the name of a drift test", { help: `write test = psi; drift tests are ${[...ctx.sem.builtins.driftTests.keys()].join(", ")}` });
            } else if (key === "window") {
              checkPeriod(a.value, "window");
            } else if (key === "threshold" || key === "p_value") {
              checkConstant(a.value, key, "float");
            } else if (key === "min_samples") {
              checkMinSamples(a.value);
            } else if (key === "correction") {
              const v = a.value;
              const name = v.kind === "ref" && v.path.length === 1 ? v.path[0]!.name : undefined;
              if (!name || !CORRECTIONS.includes(name)) {
                ctx.report("E1101", mon.decl, v.span, name ? `unknown correction \`${name}\`` : "`correction` is bonferroni, fdr or none", {
                  help: name ? didYouMean(name, CORRECTIONS, "corrections are {list}") : "write correction = fdr (Benjamini–Hochberg), bonferroni (the default) or none",
                });
              }
            } else if (key === "share") {
              const v = numericValue(a.value);
              const k = literalKind(a.value);
              if (v === undefined || (k !== "float" && k !== "percent" && k !== "int") || v <= 0 || v >= 1) {
                ctx.report("E1102", mon.decl, a.value.span, "`share` is the fraction of drifted columns above which the dataset drifted, between 0 and 1", {
                  help: "write share = 0.5 (the default) or share = 30%",
                });
              }
            }
          }
          // `p_value < 0.01`: an upper bound on a number
          for (const a of c.call.args) {
            if (a.name || a.value.kind !== "binary" || a.value.left.kind !== "ref" || a.value.left.path[0]!.name !== "p_value" || hasError(a.value)) continue;
            if (a.value.op !== "<" && a.value.op !== "<=") {
              ctx.report("E0605", mon.decl, a.value.span, "`p_value` takes an upper bound", { help: "write p_value < 0.01: drift is flagged when the p-value falls below it" });
            } else checkConstant(a.value.right, "p_value", "float");
          }
          const test = ctx.sem.builtins.driftTests.get(testName);
          const correctionArg = c.call.args.find((a) => a.name?.name === "correction");
          if (test && test.yields === "distance" && correctionArg) {
            ctx.report("E1103", mon.decl, correctionArg.span, `${testName} yields a distance, and only p-values are corrected across columns`, {
              help: "leave `correction` out, or use a p-value test (ks, chi2) or test = auto",
            });
          }
          const hasThreshold = c.call.args.some((a) => a.name?.name === "threshold");
          const hasP = c.call.args.some((a) => (a.value.kind === "binary" && a.value.left.kind === "ref" && a.value.left.path[0]!.name === "p_value") || a.name?.name === "p_value");
          const thresholdArg = c.call.args.find((a) => a.name?.name === "threshold");
          const pArg = c.call.args.find((a) => (a.value.kind === "binary" && a.value.left.kind === "ref" && a.value.left.path[0]!.name === "p_value") || a.name?.name === "p_value");
          if (test && test.yields === "p_value" && hasThreshold) {
            ctx.report("E0606", mon.decl, thresholdArg!.span, `${testName} yields a p-value, not a distance`, { help: "write `p_value < 0.01` instead of a threshold, or use psi or js for a distance" });
          } else if (test && test.yields === "distance" && hasP) {
            ctx.report("E0606", mon.decl, pArg!.span, `${testName} yields a distance, not a p-value`, { help: "write `threshold = 0.2` instead of a p-value, or use ks or chi2 for a p-value" });
          }
          // (a dataset without a contract is E0106, not one E0210 per column)
          if (ds?.contract) {
            for (const col of cols) {
              if (col.kind !== "ref" || col.path.length !== 1) continue;
              const n = col.path[0]!.name;
              const info = ds.columns.get(n);
              if (!info) {
                ctx.report("E0210", mon.decl, col.span, `unknown column \`${n}\` in dataset \`${ds.decl.name}\``, {
                  help: didYouMean(n, ds.columns.keys(), "its columns are {list}"),
                });
              } else if (test && info.type) {
                const numeric = info.type.kind === "int" || info.type.kind === "float";
                if (!test.accepts.includes(numeric ? "numeric" : "categorical")) {
                  ctx.report("E0606", mon.decl, col.span, `${testName} cannot compare the ${info.type.kind} column \`${n}\``, {
                    help: `${testName} compares ${test.accepts.join(" and ")} columns; psi works for both`,
                  });
                }
              }
            }
          }
        } else if (name === "performance") {
          signals.add("performance");
          const perfHelp = 'write performance(auc >= 0.78, window = 1d, labels = csv("feedback.csv"))';
          for (const a of c.call.args) {
            if (hasError(a.value)) continue;
            if (!a.name) {
              const v = a.value;
              if (v.kind !== "binary" || v.left.kind !== "ref" || !["<", "<=", ">", ">="].includes(v.op)) {
                ctx.report("E0605", mon.decl, a.span, "performance takes a metric bound such as auc >= 0.78", { help: perfHelp });
                continue;
              }
              const before = ctx.diagnostics.items.length;
              if (model) checkMetricRefs(ctx, mon.decl, model, v.left, "this performance rule", { allowQualifiers: [] });
              if (ctx.diagnostics.items.length === before) checkConstant(v.right, "the bound", "float");
            } else if (!PERF_ARGS.includes(a.name.name)) {
              ctx.report("E0205", mon.decl, a.name.span, `performance has no parameter \`${a.name.name}\``, { help: didYouMean(a.name.name, PERF_ARGS, "its parameters are {list}") });
            } else if (a.name.name === "window") {
              checkPeriod(a.value, "window");
            } else if (a.name.name === "min_samples") {
              checkMinSamples(a.value);
            } else if (a.name.name === "key") {
              const f = fits(a.value, "column");
              if (!f.ok) ctx.report(f.code, mon.decl, f.span, `\`key\`: ${f.message}`, { help: "name the column that joins a prediction to its label, e.g. key = customer_id" });
              else if (ds?.contract && a.value.kind === "ref" && a.value.path.length === 1 && !ds.columns.has(a.value.path[0]!.name)) {
                const n = a.value.path[0]!.name;
                ctx.report("E1106", mon.decl, a.value.span, `\`key\` \`${n}\` is not a column of dataset \`${ds.decl.name}\`: the prediction log holds only the request's columns`, {
                  help: didYouMean(n, [...ds.columns.keys()], "its columns are {list}"),
                });
              }
            } else if (a.name.name === "labels" && a.value.kind !== "call") {
              ctx.report("E0301", mon.decl, a.value.span, "`labels` is a data source", { help: 'write labels = csv("data/feedback.csv")' });
            }
          }
          const bound = c.call.args.find((a) => !a.name);
          if (!bound) {
            ctx.report("E0605", mon.decl, c.call.callee.span, "performance needs a metric bound such as auc >= 0.78", { help: perfHelp });
          }
          const hasLabels = c.call.args.some((a) => a.name?.name === "labels");
          const metricRef = bound?.value.kind === "binary" && bound.value.left.kind === "ref" && !bound.value.left.member ? bound.value.left : undefined;
          const metricName = metricRef?.path.length === 1 ? metricRef.path[0]!.name : undefined;
          if (!hasLabels && model && metricName && model.task && (!(model.task === "binary" || model.task === "multiclass") || !ESTIMABLE.includes(metricName))) {
            const why = model.task === "binary" || model.task === "multiclass" ? `${metricName} cannot be estimated from predicted probabilities` : `estimates without labels are for classifiers, and \`${model.decl.name}\` is a ${model.task} model`;
            ctx.report("E1105", mon.decl, c.call.callee.span, `performance(${metricName} …) without \`labels\`: ${why}`, {
              help: `give labels = csv("feedback.csv") with the key and the target, or judge one of ${ESTIMABLE.join(", ")} (estimated by CBPE)`,
            });
          }
        }
      }
      for (const rt of mon.settings.retrains) {
        if (hasError(rt.when)) continue;
        const visit = (e: Expr) => {
          if (e.kind === "binary" && (e.op === "or" || e.op === "and")) {
            visit(e.left);
            visit(e.right);
          } else if (e.kind === "ref" && e.path.length === 1 && (e.path[0]!.name === "drift" || e.path[0]!.name === "performance")) {
            if (!signals.has(e.path[0]!.name)) {
              ctx.report("E0607", mon.decl, e.span, `retraining waits on \`${e.path[0]!.name}\`, but this monitor has no ${e.path[0]!.name}(...) rule`, {
                help: `add a ${e.path[0]!.name}(...) rule to monitor \`${mon.decl.name}\``,
              });
            }
          } else if (e.kind !== "error") {
            ctx.report("E0607", mon.decl, e.span, "retraining is triggered by `drift`, `performance`, or both joined with or/and", { help: "write `retrain when drift or performance`" });
          }
        };
        visit(rt.when);
        for (const cl of rt.clauses) {
          if (cl.kind === "unknown") {
            ctx.report("E0607", mon.decl, cl.span, "unknown retrain clause", { help: "clauses are `at most N per DURATION` and `using SEARCH`" });
          } else if (cl.kind === "at_most") {
            checkPeriod(cl.per, "per");
            const g = fits(cl.count, "int");
            if (!g.ok) ctx.report(g.code, mon.decl, g.span, `\`at most\`: ${g.message}`, { help: g.help });
            else if ((numericValue(cl.count) ?? 1) < 1) {
              ctx.report("E1108", mon.decl, cl.count.span, `\`at most ${numericValue(cl.count)}\` never retrains`, { help: "write at most 1 per 1d, or leave the retrain rule out" });
            }
          } else if (cl.kind === "using" && cl.target.kind === "ref" && model) {
            const target = cl.target.path[0]!.name;
            const search = ctx.sem.searches.get(target);
            const usedModel = search ? search.model : ctx.sem.models.get(target);
            if (usedModel && usedModel !== model) {
              const what = search ? `search \`${target}\` tunes model \`${usedModel.decl.name}\`` : `\`${target}\` is another model`;
              ctx.report("E0607", mon.decl, cl.target.span, `${what}, not the served model \`${model.decl.name}\``, {
                help: `use a search or model block for \`${model.decl.name}\``,
              });
            }
          }
        }
      }
    }
  },
};
