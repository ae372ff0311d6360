import * as path from "node:path";
import type { Rule } from "../context.js";
import { boundaryHelp, boundaryMessage, escapeOf } from "../project-boundary.js";
import { signedCalls } from "../calls.js";
import { bindCall } from "../semantic.js";

/**
 * Data and model paths stay inside the project directory, links followed: a
 * spec never reads outside it unless the user allowed a directory
 * (spec/language.md#paths).
 */
export const dataPaths: Rule = {
  name: "data-paths",
  codes: ["E0111"],
  section: "spec/language.md#dataset",
  check(ctx) {
    const scope = ctx.sem.program.readScope;
    for (const c of signedCalls(ctx.sem)) {
      if ((c.family !== "source" && c.family !== "import format") || !c.params || c.call.kind !== "call") continue;
      const a = bindCall(c.call, c.params).args.get("path");
      if (a?.value.kind !== "string") continue;
      const file = ctx.sem.program.paths.get(c.decl.file)!;
      const escape = escapeOf(scope, path.dirname(file), a.value.value);
      if (escape) {
        ctx.report("E0111", c.decl, a.value.span, boundaryMessage(escape, `\`${a.value.value}\``), {
          help: boundaryHelp(escape, "copy the file into the project and write its path relative to this spec file"),
        });
      }
    }
  },
};
