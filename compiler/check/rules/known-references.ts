import type { BlockKind, Ident, RefExpr } from "../../language/ast.js";
import type { CheckContext, Rule } from "../context.js";
import type { Decl } from "../program.js";
import { didYouMean } from "../../../text/did-you-mean.js";

/** Names of the blocks of some kinds, listed once per program (a spec may misname thousands). */
const namesByKinds = new WeakMap<CheckContext["sem"], Map<string, string[]>>();
function blockNames(ctx: CheckContext, want: BlockKind[]): string[] {
  let byKinds = namesByKinds.get(ctx.sem);
  if (!byKinds) namesByKinds.set(ctx.sem, (byKinds = new Map()));
  const key = want.join(",");
  let names = byKinds.get(key);
  if (!names) byKinds.set(key, (names = [...ctx.sem.program.decls.values()].filter((d) => want.includes(d.kind)).map((d) => d.name)));
  return names;
}

/** Looks a name up as a block of one of the wanted kinds. */
export function resolveBlock(ctx: CheckContext, from: Decl, name: Ident, want: BlockKind[], role: string): Decl | undefined {
  const found = ctx.sem.program.decls.get(name.name);
  if (found && want.includes(found.kind)) return found;
  // only a name that does not resolve needs the list of names it could have meant
  const candidates = blockNames(ctx, want);
  const wanted = want.join(" or ");
  if (!found) {
    // a block whose header a syntax error garbled may be the one meant (reported already)
    if (ctx.sem.program.files.some((f) => f.lostNames)) return undefined;
    ctx.report("E0202", from, name.span, `unknown ${wanted} \`${name.name}\``, {
      label: `no ${wanted} has this name`,
      help: didYouMean(name.name, candidates, `declared ${wanted} blocks: {list}`),
    });
    return undefined;
  }
  ctx.report("E0203", from, name.span, `\`${name.name}\` is a ${found.kind}, but ${role} must be a ${wanted}`, {
    help: didYouMean(name.name, candidates, `declared ${wanted} blocks: {list}`),
  });
  return undefined;
}

/**
 * Names of blocks resolve to a block of the right kind: `from`/`for` targets, model
 * references in serve and rollout blocks, `inputs`, and `using` (spec/language.md#names).
 */
export const knownReferences: Rule = {
  name: "known-references",
  codes: ["E0202", "E0203"],
  section: "spec/language.md#names",
  check(ctx) {
    const RELATION: Partial<Record<BlockKind, BlockKind>> = { features: "dataset", search: "model", rollout: "serve", monitor: "serve" };
    for (const decl of ctx.sem.program.decls.values()) {
      const want = RELATION[decl.kind];
      if (want && decl.block.relation) resolveBlock(ctx, decl, decl.block.relation.target, [want], `the target of ${decl.kind} \`${decl.name}\``);
    }
    const modelRef = (decl: Decl, ref: RefExpr | undefined) => {
      if (ref?.kind === "ref" && ref.path.length === 1) resolveBlock(ctx, decl, ref.path[0]!, ["model"], "a model reference");
    };
    for (const sv of ctx.sem.serves.values()) {
      for (const key of ["model", "fallback"]) {
        const v = sv.settings.assigns.get(key)?.value;
        if (v?.kind === "ref") modelRef(sv.decl, v);
      }
    }
    for (const r of ctx.sem.rollouts.values()) {
      for (const c of r.settings.calls) {
        for (const a of c.call.args) {
          const vals = a.value.kind === "list" ? a.value.items : [a.value];
          for (const v of vals) if (v.kind === "ref" && v.alias) modelRef(r.decl, v);
        }
      }
    }
    for (const m of ctx.sem.models.values()) {
      const inputs = m.inputsExpr;
      if (inputs?.kind === "ref" && inputs.path.length === 1) {
        resolveBlock(ctx, m.decl, inputs.path[0]!, ["features", "dataset"], "`inputs`");
      } else if (inputs?.kind === "call") {
        const first = inputs.args.find((a) => !a.name);
        if (first?.value.kind === "ref" && first.value.path.length === 1) resolveBlock(ctx, m.decl, first.value.path[0]!, ["dataset"], "the dataset of `columns(...)`");
      }
    }
    for (const mon of ctx.sem.monitors.values()) {
      for (const rt of mon.settings.retrains) {
        for (const c of rt.clauses) {
          if (c.kind === "using" && c.target.kind === "ref" && c.target.path.length === 1) {
            resolveBlock(ctx, mon.decl, c.target.path[0]!, ["search", "model"], "`using`");
          }
        }
      }
    }
  },
};
