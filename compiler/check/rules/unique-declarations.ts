import type { Rule } from "../context.js";

/**
 * Block names are unique across a program and its imports (spec/language.md#names).
 */
export const uniqueDeclarations: Rule = {
  name: "unique-declarations",
  codes: ["E0201"],
  section: "spec/language.md#names",
  check(ctx) {
    for (const { decl, first } of ctx.sem.program.duplicates) {
      ctx.report("E0201", decl, decl.block.name.span, `\`${decl.name}\` is declared twice`, {
        label: `already declared as a ${first.kind}`,
        labels: [{ source: first.file.source, span: first.block.name.span, message: `first declared here` }],
        help: "block names share one namespace across a spec and its imports: rename one of them",
      });
    }
  },
};
