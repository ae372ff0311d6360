import type { Expr } from "../../language/ast.js";
import type { CheckContext, Rule } from "../context.js";
import type { Decl } from "../program.js";
import { signedCalls } from "../calls.js";
import { bindCall, type DatasetInfo } from "../semantic.js";
import { didYouMean } from "../../../text/did-you-mean.js";

/** A dataset's column names as one array, so that its did-you-mean index is built once. */
const columnNames = new WeakMap<DatasetInfo, string[]>();
function columnsOf(ds: DatasetInfo): string[] {
  let names = columnNames.get(ds);
  if (!names) columnNames.set(ds, (names = [...ds.columns.keys()]));
  return names;
}

export function checkColumnRef(ctx: CheckContext, decl: Decl, ds: DatasetInfo, e: Expr, extra: string[] = []): void {
  if (e.kind !== "ref" || e.path.length !== 1 || e.alias) return;
  // a dataset cut short by a syntax error may have lost its contract; one without
  // a contract is E0106, and each column named against it would repeat that
  if (ds.decl.block.recovered || !ds.contract) return;
  const name = e.path[0]!.name;
  if (ds.columns.has(name) || extra.includes(name)) return;
  ctx.report("E0210", decl, e.span, `unknown column \`${name}\` in dataset \`${ds.decl.name}\``, {
    label: `not a column of \`${ds.decl.name}\``,
    help: didYouMean(name, extra.length === 0 ? columnsOf(ds) : [...columnsOf(ds), ...extra], `its columns are {list}`),
  });
}

/**
 * Column names resolve against the contract of the dataset in scope: labels, split
 * keys, feature inputs, task targets, `columns(except = ...)` (spec/language.md#names).
 */
export const unknownColumn: Rule = {
  name: "unknown-column",
  codes: ["E0210"],
  section: "spec/language.md#names",
  check(ctx) {
    for (const ds of ctx.sem.datasets.values()) {
      const label = ds.label;
      if (label) checkColumnRef(ctx, ds.decl, ds, label);
    }
    for (const c of signedCalls(ctx.sem)) {
      if (!c.params || !c.dataset || c.call.kind !== "call") continue;
      const b = bindCall(c.call, c.params, { skipPositional: c.skipPositional });
      for (const p of c.params) {
        const isColumn = p.type === "column" || (typeof p.type === "object" && "list" in p.type && p.type.list === "column");
        if (!isColumn) continue;
        if (c.family === "rollout strategy" && p.name !== "sticky_by") continue; // outcomes come from feedback, not the dataset
        const a = b.args.get(p.name);
        if (!a) continue;
        for (const v of a.value.kind === "list" ? a.value.items : [a.value]) checkColumnRef(ctx, c.decl, c.dataset, v);
      }
    }
    for (const fs of ctx.sem.features.values()) {
      if (!fs.dataset || fs.dataset.decl.block.recovered || !fs.dataset.contract) continue;
      const features = new Set(fs.features.map((f) => f.name.name));
      // one candidate list for the whole block (its index is built once): the columns, then the features
      let candidates: string[] | undefined;
      for (const f of fs.features) {
        for (const input of f.inputs) {
          if (fs.dataset.columns.has(input.name) || features.has(input.name)) continue;
          candidates ??= [...columnsOf(fs.dataset), ...features];
          ctx.report("E0210", fs.decl, input.span, `unknown column \`${input.name}\` in dataset \`${fs.dataset.decl.name}\``, {
            label: `not a column of \`${fs.dataset.decl.name}\``,
            help: didYouMean(input.name, candidates, `its columns and features are {list}`),
          });
        }
      }
    }
  },
};
