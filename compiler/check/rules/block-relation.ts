import type { BlockKind } from "../../language/ast.js";
import type { Rule } from "../context.js";

const EXPECTED: Record<BlockKind, { word?: "from" | "for"; what?: string }> = {
  dataset: {},
  model: {},
  serve: {},
  features: { word: "from", what: "a dataset" },
  search: { word: "for", what: "a model" },
  rollout: { word: "for", what: "a serve block" },
  monitor: { word: "for", what: "a serve block" },
};

/**
 * `features X from DATASET`, `search X for MODEL`, `rollout|monitor X for SERVE`;
 * other blocks take no relation (spec/language.md#blocks).
 */
export const blockRelation: Rule = {
  name: "block-relation",
  codes: ["E0103"],
  section: "spec/language.md#blocks",
  check(ctx) {
    for (const decl of ctx.sem.program.decls.values()) {
      const b = decl.block;
      const want = EXPECTED[b.kind];
      if (want.word && !b.relation) {
        ctx.report("E0103", decl, b.name.span, `${b.kind} \`${b.name.name}\` needs \`${want.word}\` and ${want.what}`, {
          help: `write \`${b.kind} ${b.name.name} ${want.word} NAME { ... }\``,
        });
      } else if (b.relation && b.relation.word !== want.word) {
        ctx.report("E0103", decl, b.relation.span, want.word ? `${b.kind} blocks use \`${want.word}\`, not \`${b.relation.word}\`` : `a ${b.kind} block takes no \`${b.relation.word}\``, {
          help: want.word ? `write \`${b.kind} ${b.name.name} ${want.word} ${b.relation.target.name}\`` : `remove \`${b.relation.word} ${b.relation.target.name}\``,
        });
      }
    }
  },
};
