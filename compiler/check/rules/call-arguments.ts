import type { Rule } from "../context.js";
import { fits, nonPositiveDuration, outOfBounds } from "../arg-types.js";
import { signedCalls } from "../calls.js";
import { bindCall } from "../semantic.js";
import { didYouMean } from "../../../text/did-you-mean.js";

/**
 * Arguments match the signature: known names, no repeats, required ones present,
 * values of the declared type and unit, inside the declared bounds
 * (spec/language.md#calls, spec/language.md#types-and-units).
 */
export const callArguments: Rule = {
  name: "call-arguments",
  codes: ["E0205", "E0206", "E0207", "E0208", "E0301", "E0401", "E0302", "E0332"],
  section: "spec/language.md#calls",
  check(ctx) {
    for (const c of signedCalls(ctx.sem)) {
      if (!c.params || c.call.kind !== "call") continue;
      const b = bindCall(c.call, c.params, { skipPositional: c.skipPositional });
      for (const a of b.unknown) {
        ctx.report("E0205", c.decl, a.name!.span, `${c.family} \`${c.name}\` has no parameter \`${a.name!.name}\``, {
          help: didYouMean(a.name!.name, c.params.map((p) => p.name), `its parameters are {list}`),
        });
      }
      for (const a of b.repeated) {
        const which = a.name?.name ?? c.params[c.call.args.filter((x) => !x.name).indexOf(a) + c.skipPositional]?.name ?? "?";
        ctx.report("E0207", c.decl, a.span, `\`${which}\` of ${c.family} \`${c.name}\` is given twice`, {
          help: a.name ? "it is given earlier, by name or by position: keep one of them" : "keep one of them",
        });
      }
      for (const a of b.extra) {
        ctx.report("E0208", c.decl, a.span, `too many arguments to ${c.family} \`${c.name}\``, {
          help: c.params.length === 0 ? "it takes no arguments" : `its parameters are ${c.params.map((p) => `\`${p.name}\``).join(", ")}; remove the extra argument`,
        });
      }
      for (const p of c.params) {
        const a = b.args.get(p.name);
        if (!a) {
          if (!p.optional && p.default === undefined && !(c.family === "rollout strategy" && p.name === "model")) {
            ctx.report("E0206", c.decl, c.nameSpan, `${c.family} \`${c.name}\` needs \`${p.name}\``, {
              help: `add \`${p.name} = ...\`: ${p.doc}`,
            });
          }
          continue;
        }
        // impute's value has its input column's type: transform-arguments checks it
        if (c.family === "transform" && c.name === "impute" && p.name === "value") continue;
        const f = fits(a.value, p.type);
        if (!f.ok) {
          ctx.report(f.code, c.decl, f.span, `\`${p.name}\` of ${c.name}: ${f.message}`, { help: f.help });
          continue;
        }
        const empty = nonPositiveDuration(a.value, p.type, p.min);
        if (empty) {
          ctx.report("E0332", c.decl, a.value.span, `\`${p.name}\` of ${c.name} ${empty}`, { help: `\`${p.name}\`: ${p.doc}; write e.g. 250ms, 30s or 10m` });
          continue;
        }
        const bounds = outOfBounds(a.value, p.min, p.max);
        if (bounds) ctx.report("E0302", c.decl, a.value.span, `\`${p.name}\` of ${c.name} ${bounds}`, { help: `\`${p.name}\`: ${p.doc}` });
      }
    }
  },
};
