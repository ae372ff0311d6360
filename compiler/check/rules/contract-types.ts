import type { ColumnKind } from "../../../stdlib/signature.js";
import type { Rule } from "../context.js";
import { describeColumnType } from "../context.js";
import { hasError, literalKind, numericValue } from "../values.js";
import { CONSTRAINT_WORDS } from "../../language/parser.js";
import { pathName } from "../semantic.js";
import { didYouMean } from "../../../text/did-you-mean.js";

const TYPES = ["int", "float", "bool", "string", "enum", "timestamp"];
const NUMERIC: ColumnKind[] = ["int", "float"];

/**
 * Contract columns have a known type; constraints fit it (a range on a number,
 * not on a string); an enum lists its values; row rules compare `rows` with a count
 * (spec/language.md#contract).
 */
export const contractTypes: Rule = {
  name: "contract-types",
  codes: ["E0106", "E0211", "E0303", "E0304", "E0305", "E1202", "E1203"],
  section: "spec/language.md#contract",
  check(ctx) {
    for (const ds of ctx.sem.datasets.values()) {
      if (!ds.contract && !ds.decl.block.recovered) {
        ctx.report("E0106", ds.decl, ds.decl.block.name.span, `dataset \`${ds.decl.name}\` has no contract`, {
          help: "add `contract { column : type ... }` listing every column the model may use",
        });
        continue;
      }
      if (!ds.contract) continue;
      const seen = new Map<string, number>();
      for (const col of ds.contract.columns) {
        const name = pathName(col.name);
        if (seen.has(name)) {
          ctx.report("E0211", ds.decl, col.name.span, `column \`${name}\` is declared twice in the contract`, { help: "keep one declaration" });
        }
        seen.set(name, col.span.start);
        const info = ds.columns.get(name);
        const t = col.type.name.name;
        if (!TYPES.includes(t)) {
          ctx.report("E0303", ds.decl, col.type.name.span, `unknown column type \`${t}\``, {
            help: didYouMean(t, TYPES, "column types are {list}"),
          });
          continue;
        }
        if (t === "enum" && (info?.type?.kind !== "enum" || info.type.values.length === 0 || col.type.args.some((a) => a.value.kind !== "string" && a.value.kind !== "list"))) {
          ctx.report("E0304", ds.decl, col.type.span, "an enum lists its values as strings", { help: 'write enum("basic", "pro", "enterprise")' });
          continue;
        }
        if (t !== "enum" && col.type.args.length > 0) {
          ctx.report("E0304", ds.decl, col.type.span, `type \`${t}\` takes no arguments`, { help: `write \`${t}\`` });
        }
        const kind = info?.type?.kind;
        for (const c of col.constraints) {
          const word = c.word.name;
          if (c.value && hasError(c.value)) continue;
          if (!CONSTRAINT_WORDS.has(word)) continue;
          const mismatch = (what: string) =>
            ctx.report("E0305", ds.decl, c.span, `\`${word}\` does not apply to a ${info?.type ? describeColumnType(info.type) : t} column`, { help: what });
          if ((word === "range" || word === "mean" || word === "std") && kind && !NUMERIC.includes(kind)) {
            mismatch(`\`${word}\` bounds numbers; declare the column int or float, or drop the constraint`);
          } else if (word === "range" || word === "mean" || word === "std") {
            if (c.value?.kind !== "range" || numericValue(c.value.low) === undefined || numericValue(c.value.high) === undefined || c.op) {
              ctx.report("E0304", ds.decl, c.span, `\`${word}\` takes a range of numbers`, { help: `write \`${word} 0..120\`` });
            } else if (numericValue(c.value.low)! > numericValue(c.value.high)!) {
              ctx.report("E0304", ds.decl, c.value.span, `empty range: ${numericValue(c.value.low)} is above ${numericValue(c.value.high)}`, { help: "write the lower bound first" });
            }
          } else if (word === "nulls") {
            if (!c.op || !c.value || literalKind(c.value) !== "percent" || (c.op !== "<=" && c.op !== "<")) {
              ctx.report("E0304", ds.decl, c.span, "`nulls` takes an upper bound as a percentage", { help: "write `nulls <= 1%`" });
            }
          } else if (word === "unique" && c.value) {
            ctx.report("E0304", ds.decl, c.span, "`unique` takes no value", { help: "write `unique`" });
          }
        }
      }
      let quarantineBound: (typeof ds.contract.conditions)[number] | undefined;
      for (const cond of ds.contract.conditions) {
        if (hasError(cond.right)) continue;
        const left = pathName(cond.left);
        if (left === "quarantined") {
          // the share of rows read that row rules may quarantine (spec/language.md#contract)
          if ((cond.op !== "<=" && cond.op !== "<") || literalKind(cond.right) !== "percent") {
            ctx.report("E1202", ds.decl, cond.span, "`quarantined` takes an upper bound as a percentage of the rows read", {
              help: "write `quarantined <= 1%`: above it the run stops with exit 4",
            });
          } else if (quarantineBound) {
            ctx.report("E1203", ds.decl, cond.span, "`quarantined` is bounded twice in this contract", {
              help: `keep one bound (the other is at line ${ds.decl.file.source.position(quarantineBound.span.start).line})`,
            });
          } else quarantineBound = cond;
        } else if (left !== "rows") {
          ctx.report("E0304", ds.decl, cond.left.span, `unknown dataset rule \`${left}\``, {
            help: "a contract's dataset rules are `rows >= N`, `rows <= N` and `quarantined <= p%`; put column constraints after the column's type",
          });
        } else if (literalKind(cond.right) !== "int" || (cond.op !== ">=" && cond.op !== "<=" && cond.op !== ">" && cond.op !== "<")) {
          ctx.report("E0304", ds.decl, cond.span, "`rows` is compared with a whole number", { help: "write `rows >= 500`" });
        }
      }
    }
  },
};
