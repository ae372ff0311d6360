import type { Rule } from "../context.js";

/**
 * A spec starts with `mlspec 1`; other versions are not understood
 * (spec/language.md#version-header).
 */
export const headerVersion: Rule = {
  name: "header-version",
  codes: ["W0101", "E0102"],
  section: "spec/language.md#version-header",
  check(ctx) {
    for (const file of ctx.sem.program.files) {
      if (!file.version) {
        // `mlspec` or its number garbled: the syntax error on line 1 says so already
        const garbled = ctx.sem.program.diagnostics.items.some((d) => d.source === file.source && d.code.startsWith("E000") && d.source.position(d.span.start).line === 1);
        if (file === ctx.sem.program.main && !garbled) {
          ctx.warn("W0101", file.source, { start: 0, end: 0 }, "missing version header", {
            help: "start the file with `mlspec 1` so that later language versions can read it unchanged",
          });
        }
      } else if (file.version.value !== 1) {
        ctx.report("E0102", file.source, file.version.span, `unsupported language version ${file.version.raw}`, {
          label: "this compiler understands version 1",
          help: "write `mlspec 1`",
        });
      }
    }
  },
};
