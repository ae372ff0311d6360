import type { Expr } from "../../language/ast.js";
import type { Rule } from "../context.js";
import type { Decl } from "../program.js";
import { fits } from "../arg-types.js";
import { servingMetrics } from "../settings-signatures.js";
import { didYouMean } from "../../../text/did-you-mean.js";
import { checkBound, checkMetricRefs } from "./gates.js";
import { producedMetrics } from "./model-metrics.js";

/**
 * SLOs and guards name measurements someone produces: the server's latency
 * percentiles and error rates (in their units), or metrics the served model
 * computes, optionally relative to `champion.` (spec/language.md#serve,
 * spec/language.md#rollout).
 */
export const guards: Rule = {
  name: "guards",
  codes: ["E0604", "E0301", "E0401", "E0204", "E0322", "E0323", "E0324"],
  section: "spec/language.md#rollout",
  check(ctx) {
    const checkCondition = (decl: Decl, cond: { left: { parts: { name: string }[]; span: Expr["span"] }; right: Expr }, where: string, model: import("../semantic.js").ModelInfo | undefined, allowModel: boolean) => {
      const name = cond.left.parts.map((p) => p.name).join(".");
      const unit = servingMetrics[name];
      if (unit) {
        const f = fits(cond.right, unit);
        if (!f.ok) ctx.report(f.code, decl, f.span, `\`${name}\` is ${unit === "duration" ? "a duration" : "a percentage"}: ${f.message}`, { help: f.help });
        return;
      }
      const metric = cond.left.parts[cond.left.parts.length - 1]!.name;
      const isMetric = metric === "loss" || ctx.sem.builtins.metrics.has(metric);
      // the served model unresolved (reported): its metrics cannot be checked
      if (allowModel && !model && isMetric) return;
      if (allowModel && model && isMetric) {
        const ref = { kind: "ref" as const, path: cond.left.parts as never, span: cond.left.span };
        const before = ctx.diagnostics.items.length;
        checkMetricRefs(ctx, decl, model, ref, where, { allowQualifiers: ["champion", "challenger"] });
        checkMetricRefs(ctx, decl, model, cond.right, where, { allowQualifiers: ["champion", "challenger"] });
        if (ctx.diagnostics.items.length === before) checkBound(ctx, decl, cond.right, where);
        return;
      }
      if (!allowModel && isMetric) {
        ctx.report("E0604", decl, cond.left.span, `${where} uses \`${name}\`, a model metric; an SLO bounds what the server measures`, {
          help: `bound model quality in a rollout guard or a monitor's performance(...) rule; SLO measurements are ${Object.keys(servingMetrics).map((k) => `\`${k}\``).join(", ")}`,
        });
        return;
      }
      const candidates = [...Object.keys(servingMetrics), ...(allowModel && model ? producedMetrics(model) : [])];
      ctx.report("E0604", decl, cond.left.span, `${where} uses \`${name}\`, which nothing measures`, {
        help: didYouMean(name, candidates, `serving measurements are ${Object.keys(servingMetrics).map((k) => `\`${k}\``).join(", ")}${allowModel ? "; a guard may also name a metric the served model computes" : ""}`),
      });
    };
    for (const sv of ctx.sem.serves.values()) {
      const slo = sv.settings.nested.get("slo");
      for (const st of slo?.body ?? []) {
        if (st.kind === "condition") checkCondition(sv.decl, st, "this SLO", sv.model, false);
      }
    }
    for (const r of ctx.sem.rollouts.values()) {
      const guard = r.settings.nested.get("guard");
      for (const st of guard?.body ?? []) {
        if (st.kind === "condition") checkCondition(r.decl, st, "this guard", r.serve?.model, true);
      }
    }
  },
};
