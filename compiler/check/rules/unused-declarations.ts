import type { Rule } from "../context.js";
import { refName } from "../values.js";

/**
 * A dataset or features block that nothing uses is probably a mistake: a warning,
 * not an error (spec/language.md#names). A spec with no model at all is a data
 * contract to validate, so its datasets are not "unused".
 */
export const unusedDeclarations: Rule = {
  name: "unused-declarations",
  codes: ["W0001"],
  section: "spec/language.md#names",
  check(ctx) {
    const used = new Set<string>();
    for (const d of ctx.sem.program.decls.values()) if (d.block.relation) used.add(d.block.relation.target.name);
    for (const m of ctx.sem.models.values()) {
      if (m.features) used.add(m.features.decl.name);
      if (m.dataset) used.add(m.dataset.decl.name);
    }
    // a model is used by being trained (`mlspec run` trains every model), so only data blocks can dangle
    for (const sv of ctx.sem.serves.values()) {
      for (const k of ["model", "fallback"]) {
        const v = sv.settings.assigns.get(k)?.value;
        const n = v && refName(v);
        if (n) used.add(n.split("@")[0]!);
      }
    }
    // a misspelt reference (`features f from customer`) is reported as unknown; the
    // block it meant is not "unused" on top of that
    const unresolved: string[] = [];
    for (const d of ctx.sem.program.decls.values()) if (d.block.relation) unresolved.push(d.block.relation.target.name);
    for (const m of ctx.sem.models.values()) {
      const inputs = m.inputsExpr;
      if (inputs?.kind === "ref" && inputs.path.length === 1) unresolved.push(inputs.path[0]!.name);
      if (inputs?.kind === "call") {
        const first = inputs.args.find((a) => !a.name);
        const n = first && refName(first.value);
        if (n) unresolved.push(n);
      }
    }
    // any unresolved reference (E0202) might have meant any block: no guessing;
    // nor while a model or features block cut short by a syntax error may have lost its references
    if (unresolved.some((n) => !ctx.sem.program.decls.has(n))) return;
    if (ctx.sem.program.files.some((f) => f.blocks.some((b) => b.recovered && (b.kind === "model" || b.kind === "features")))) return;
    const hasModels = ctx.sem.models.size > 0;
    for (const d of ctx.sem.program.decls.values()) {
      if (d.kind !== "dataset" && d.kind !== "features") continue;
      if (d.kind === "dataset" && !hasModels) continue;
      if (used.has(d.name)) continue;
      // declarations imported from another file are there to be shared
      if (d.file !== ctx.sem.program.main) continue;
      ctx.warn("W0001", d, d.block.name.span, `${d.kind} \`${d.name}\` is never used`, {
        help: d.kind === "dataset" ? "use it in `features ... from` or a model's `inputs`, or remove it" : "use it as a model's `inputs`, or remove it",
      });
    }
  },
};
