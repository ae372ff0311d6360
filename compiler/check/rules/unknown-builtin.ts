import type { Rule } from "../context.js";
import { signedCalls } from "../calls.js";
import { didYouMean } from "../../../text/did-you-mean.js";

/**
 * A call names a built-in of the family its position asks for: a transform in a
 * feature, an architecture after `arch =`, … (spec/language.md#built-ins).
 */
export const unknownBuiltin: Rule = {
  name: "unknown-builtin",
  codes: ["E0204"],
  section: "spec/language.md#built-ins",
  check(ctx) {
    for (const c of signedCalls(ctx.sem)) {
      if (c.params) continue;
      ctx.report("E0204", c.decl, c.nameSpan, `unknown ${c.family} \`${c.name}\``, {
        label: `not a ${c.family}`,
        help: didYouMean(c.name, c.known, `${c.family === "architecture" ? "architectures" : `${c.family}s`}: {list}`),
      });
    }
  },
};
