import type { RefExpr } from "../../language/ast.js";
import type { TaskKind } from "../../../stdlib/signature.js";
import type { CheckContext, Rule } from "../context.js";
import type { Decl } from "../program.js";
import type { ModelInfo } from "../semantic.js";
import { metricParts } from "../metric-refs.js";
import { didYouMean } from "../../../text/did-you-mean.js";

export const SPLITS = ["train", "val", "test"];

const TASK_WORDS: Record<TaskKind, string> = {
  binary: "binary classification",
  multiclass: "multiclass classification",
  regression: "regression",
  recommendation: "recommendation",
};

/** Metric names a model produces: its `metrics` list, plus `loss` always. */
export function producedMetrics(m: ModelInfo): string[] {
  return ["loss", ...m.metrics.map((r) => r.path[r.path.length - 1]!.name + (r.alias ? `@${r.alias.name}` : ""))];
}

/** Reports a metric that is unknown, or that the task cannot produce. Returns true when fine. */
export function checkMetricForTask(ctx: CheckContext, decl: Decl, r: RefExpr, task: TaskKind | undefined, where: string): boolean {
  const { name, k } = metricParts(r);
  if (name === "loss") return true;
  const sig = ctx.sem.builtins.metrics.get(name);
  if (!sig) {
    ctx.report("E0204", decl, r.span, `unknown metric \`${name}\``, {
      help: didYouMean(name, [...ctx.sem.builtins.metrics.keys(), "loss"], "metrics are {list}"),
    });
    return false;
  }
  if (sig.takesK && k === undefined) {
    ctx.report("E0301", decl, r.span, `\`${name}\` needs a cut-off`, { help: `write ${name}@10` });
    return false;
  }
  if (task && !sig.tasks.includes(task)) {
    const fitting = [...ctx.sem.builtins.metrics.values()].filter((s) => s.tasks.includes(task)).map((s) => s.name);
    ctx.report("E0322", decl, r.span, `metric \`${name}\` does not fit ${TASK_WORDS[task]}`, {
      label: `${where}`,
      help: `${TASK_WORDS[task]} metrics are ${fitting.map((f) => `\`${f}\``).join(", ")}`,
    });
    return false;
  }
  return true;
}

/**
 * A model's metrics exist and fit its task (spec/language.md#model).
 */
export const modelMetrics: Rule = {
  name: "model-metrics",
  codes: ["E0204", "E0301", "E0322"],
  section: "spec/language.md#model",
  check(ctx) {
    for (const m of ctx.sem.models.values()) {
      for (const r of m.metrics) {
        if (r.path.length > 1) {
          ctx.report("E0301", m.decl, r.span, "list metrics without a split", { help: `write \`${r.path[r.path.length - 1]!.name}\`; it is computed on validation and test` });
          continue;
        }
        checkMetricForTask(ctx, m.decl, r, m.task, "listed in metrics");
      }
    }
  },
};
