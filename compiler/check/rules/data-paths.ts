import * as path from "node:path";
import type { Rule } from "../context.js";
import { signedCalls } from "../calls.js";
import { bindCall } from "../semantic.js";

/**
 * Data and model paths stay inside the project directory: a spec never reads
 * outside it (spec/language.md#dataset).
 */
export const dataPaths: Rule = {
  name: "data-paths",
  codes: ["E0111"],
  section: "spec/language.md#dataset",
  check(ctx) {
    const root = ctx.sem.program.projectRoot;
    for (const c of signedCalls(ctx.sem)) {
      if ((c.family !== "source" && c.family !== "import format") || !c.params || c.call.kind !== "call") continue;
      const a = bindCall(c.call, c.params).args.get("path");
      if (a?.value.kind !== "string") continue;
      const file = ctx.sem.program.paths.get(c.decl.file)!;
      const abs = path.resolve(path.dirname(file), a.value.value);
      const rel = path.relative(root, abs);
      if (rel.startsWith("..") || path.isAbsolute(rel)) {
        ctx.report("E0111", c.decl, a.value.span, `\`${a.value.value}\` is outside the project directory`, {
          help: "a spec reads only files inside its project directory (the main spec's directory); copy the file into the project, and write its path relative to this spec file",
        });
      }
    }
  },
};
