import type { Arg, Expr } from "../../language/ast.js";
import type { Rule } from "../context.js";
import { aColumn } from "../context.js";
import { bindCall } from "../semantic.js";
import { fits } from "../arg-types.js";
import { numericValue } from "../values.js";
import { printExpr } from "../../language/printer.js";

/**
 * Arguments of a transform that depend on each other or on its input, which a
 * signature alone cannot say (spec/language.md#features): bucketize takes
 * `boundaries` or `bins`, increasing edges; impute's `value` goes with
 * `strategy = constant` and has its column's type, and only numbers have a mean or
 * median; clip's `low` is not above its `high`. The runtime would reject each of
 * these when fitting; the checker says so before anything runs.
 */
export const transformArguments: Rule = {
  name: "transform-arguments",
  codes: ["E0209", "E0302", "E0301", "E0310"],
  section: "spec/language.md#features",
  check(ctx) {
    for (const fs of ctx.sem.features.values()) {
      for (const f of fs.features) {
        f.stages.forEach((st, i) => {
          const sig = ctx.sem.builtins.transforms.get(st.fn.name);
          if (!sig || st.node.kind !== "call") return;
          const args = bindCall(st.node, sig.params, { skipPositional: st.inputCount }).args;
          const arg = (name: string): Arg | undefined => args.get(name);
          const num = (e: Expr | undefined) => (e ? numericValue(e) : undefined);
          switch (sig.name) {
            case "bucketize": {
              const boundaries = arg("boundaries");
              const bins = arg("bins");
              if (!boundaries && !bins) {
                ctx.report("E0209", fs.decl, st.fn.span, "`bucketize` needs `boundaries` or `bins`", {
                  help: "write bucketize(x, boundaries = [10, 50, 100]) for fixed edges, or bucketize(x, bins = 4) for edges at training quantiles",
                });
              } else if (boundaries && bins) {
                const later = boundaries.span.start > bins.span.start ? boundaries : bins;
                ctx.report("E0209", fs.decl, later.span, "`bucketize` takes `boundaries` or `bins`, not both", { help: "keep one of them" });
              } else if (boundaries?.value.kind === "list") {
                const edges = boundaries.value.items.map((e) => numericValue(e));
                if (boundaries.value.items.length === 0) {
                  ctx.report("E0302", fs.decl, boundaries.value.span, "`boundaries` of bucketize names no edge", { help: "list at least one edge, e.g. [10, 50, 100]" });
                }
                for (let k = 1; k < edges.length; k++) {
                  const [a, b] = [edges[k - 1], edges[k]];
                  if (a !== undefined && b !== undefined && !(b > a)) {
                    ctx.report("E0302", fs.decl, boundaries.value.items[k]!.span, `\`boundaries\` of bucketize must increase: ${b} follows ${a}`, { help: "list the edges from low to high, each once" });
                    break;
                  }
                }
              }
              return;
            }
            case "impute": {
              const strategy = arg("strategy");
              const value = arg("value");
              const name = strategy?.value.kind === "ref" ? strategy.value.path[0]!.name : undefined;
              if (name === "constant" && !value) {
                ctx.report("E0209", fs.decl, strategy!.span, "`strategy = constant` needs a `value`", { help: "write impute(x, strategy = constant, value = 0)" });
              } else if (value && name !== "constant") {
                ctx.report("E0209", fs.decl, value.span, "`value` is used only with `strategy = constant`", { help: "add strategy = constant, or remove value" });
              }
              // what flows in: the column for a first stage; numbers after a numeric transform
              const column = i === 0 ? f.inputs[0] && fs.dataset?.columns.get(f.inputs[0].name)?.type : undefined;
              const categorical = column ? column.kind === "string" || column.kind === "enum" : i > 0 ? false : undefined;
              if (categorical === undefined) return;
              if (categorical && (name === "mean" || name === "median")) {
                ctx.report("E0310", fs.decl, strategy!.value.span, `strategy ${name} needs numbers, but impute takes ${aColumn(column!)} here`, {
                  help: "use strategy = mode or strategy = constant for strings",
                });
              }
              if (value) {
                const want = categorical ? "string" : "float";
                const fit = fits(value.value, want);
                if (!fit.ok) ctx.report(fit.code, fs.decl, fit.span, `\`value\` of impute: ${fit.message}`, { help: categorical ? 'a string column is filled with a string, e.g. value = "unknown"' : fit.help });
              }
              return;
            }
            case "clip": {
              const low = num(arg("low")?.value);
              const high = num(arg("high")?.value);
              if (low !== undefined && high !== undefined && low > high) {
                ctx.report("E0302", fs.decl, arg("low")!.value.span, `\`low\` of clip (${printExpr(arg("low")!.value)}) is above \`high\` (${printExpr(arg("high")!.value)})`, {
                  help: "write the smaller bound first: clip(x, low, high)",
                });
              }
              return;
            }
          }
        });
      }
    }
  },
};
