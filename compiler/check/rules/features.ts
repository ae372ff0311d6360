import type { ColumnKind, FeatureValue, TransformSig } from "../../../stdlib/signature.js";
import type { Builtins } from "../../../stdlib/index.js";
import type { Rule } from "../context.js";
import { aColumn, describeColumnType } from "../context.js";
import type { FeaturesInfo } from "../semantic.js";
import { hasError } from "../values.js";

/** What flows between pipeline stages, as far as the checker can tell. */
type Flow = { kind: "column"; column: ColumnKind; label: string } | { kind: "numeric" } | { kind: "index" } | { kind: "unknown" };

function accepts(sig: TransformSig, flow: Flow): boolean {
  if (flow.kind === "unknown") return true;
  if (sig.accepts.includes("any")) return true;
  if (flow.kind === "numeric") return sig.accepts.includes("numeric") || sig.accepts.includes("float");
  if (flow.kind === "index") return sig.accepts.includes("int");
  const k = flow.column;
  if ((k === "int" || k === "float") && sig.accepts.includes("numeric")) return true;
  return sig.accepts.includes(k);
}

function after(out: FeatureValue, input: Flow): Flow {
  if (out.kind === "numeric") return { kind: "numeric" };
  if (out.kind === "index") return { kind: "index" };
  return input;
}

function flowWords(f: Flow): string {
  switch (f.kind) {
    case "column":
      return /^[aeiou]/.test(f.label) ? `an ${f.label} column` : `a ${f.label} column`;
    case "numeric":
      return "numbers (the previous stage's output)";
    case "index":
      return "an id index (the previous stage's output)";
    default:
      return "an unknown input";
  }
}

/** The flow a feature produces, for features built on earlier features. */
function outputs(fs: FeaturesInfo, builtins: Builtins): Map<string, Flow> {
  const out = new Map<string, Flow>();
  for (const f of fs.features) {
    let flow: Flow = { kind: "unknown" };
    const first = f.inputs[0] && fs.dataset?.columns.get(f.inputs[0].name);
    if (first?.type) flow = { kind: "column", column: first.type.kind, label: describeColumnType(first.type) };
    for (const st of f.stages) {
      const sig = builtins.transforms.get(st.fn.name);
      flow = sig ? after(sig.output, flow) : { kind: "unknown" };
    }
    if (f.stages.length === 0 && flow.kind === "column" && (flow.column === "int" || flow.column === "float" || flow.column === "bool")) flow = { kind: "numeric" };
    out.set(f.name.name, flow);
  }
  return out;
}

/**
 * Each feature is a pipeline of transforms over columns; every stage accepts what
 * flows into it (a standardize of an enum is an error); feature names are unique;
 * features built on features form no cycle (spec/language.md#features).
 */
export const features: Rule = {
  name: "features",
  codes: ["E0310", "E0212", "E0701", "E0311"],
  section: "spec/language.md#features",
  check(ctx) {
    for (const fs of ctx.sem.features.values()) {
      const names = new Map<string, number>();
      const flows = outputs(fs, ctx.sem.builtins);
      const byName = new Map(fs.features.map((f) => [f.name.name, f]));
      for (const f of fs.features) {
        if (names.has(f.name.name)) {
          ctx.report("E0212", fs.decl, f.name.span, `feature \`${f.name.name}\` is defined twice`, { help: "rename one of them" });
        }
        names.set(f.name.name, f.stmt.span.start);
        if (f.malformed && hasError(f.malformed)) continue;
        if (f.malformed) {
          ctx.report("E0311", fs.decl, f.malformed.span, `feature \`${f.name.name}\` is not a column or a transform of one`, {
            help: "write a column, a transform call such as standardize(tenure), or a pipeline: log1p(monthly) |> clip(0, 12)",
          });
          continue;
        }
        const sig0 = f.stages[0] && ctx.sem.builtins.transforms.get(f.stages[0].fn.name);
        if (f.stages[0] && sig0 && f.inputs.length === 0 && !(f.stages[0].node.kind === "call" && f.stages[0].node.args.length > 0 && f.stages[0].inputCount > 0)) {
          ctx.report("E0311", fs.decl, f.stages[0].fn.span, `\`${f.stages[0].fn.name}\` in feature \`${f.name.name}\` has no input column`, {
            help: `name the column first: ${f.stages[0].fn.name}(COLUMN${sig0.params.length > 0 ? ", ..." : ""})`,
          });
          continue;
        }
        if (sig0 && sig0.arity === "many" && f.inputs.length < 2) {
          ctx.report("E0311", fs.decl, f.stages[0]!.fn.span, `\`${sig0.name}\` combines two or more columns`, { help: `write ${sig0.name}(a, b, ...)` });
        }
        // type flow through the stages
        const input = f.inputs[0];
        let flow: Flow = { kind: "unknown" };
        if (input) {
          const col = fs.dataset?.columns.get(input.name);
          if (col?.type) flow = { kind: "column", column: col.type.kind, label: describeColumnType(col.type) };
          else if (flows.has(input.name) && input.name !== f.name.name) flow = flows.get(input.name)!;
        }
        for (const input2 of f.inputs.slice(1)) {
          const col = fs.dataset?.columns.get(input2.name);
          if (col?.type && sig0 && !accepts(sig0, { kind: "column", column: col.type.kind, label: describeColumnType(col.type) })) {
            ctx.report("E0310", fs.decl, input2.span, `\`${sig0.name}\` cannot take ${aColumn(col.type)}`, {
              help: `${sig0.name} accepts ${sig0.accepts.join(", ")} columns`,
            });
          }
        }
        if (f.stages.length === 0 && flow.kind === "column" && !["int", "float", "bool"].includes(flow.column)) {
          ctx.report("E0310", fs.decl, f.stmt.value.span, `feature \`${f.name.name}\` passes ${/^[aeiou]/.test(flow.label) ? "an" : "a"} ${flow.label} column through untransformed`, {
            help: "a model takes numbers: encode it with onehot(...), hash(...) or embed_index(...)",
          });
        }
        for (const st of f.stages) {
          const sig = ctx.sem.builtins.transforms.get(st.fn.name);
          if (!sig) {
            flow = { kind: "unknown" };
            continue;
          }
          if (!accepts(sig, flow)) {
            ctx.report("E0310", fs.decl, st.fn.span, `\`${sig.name}\` cannot take ${flowWords(flow)}`, {
              label: `${sig.name} takes ${sig.accepts.join(", ")}`,
              help:
                flow.kind === "column" && (flow.column === "enum" || flow.column === "string")
                  ? `encode it first: onehot(${input?.name ?? "column"}) or embed_index(${input?.name ?? "column"})`
                  : `${sig.name} accepts ${sig.accepts.join(", ")} values`,
            });
            flow = { kind: "unknown" };
            continue;
          }
          flow = after(sig.output, flow);
        }
      }
      // cycles among features that use features: a depth-first walk with its own
      // stack, so that a chain of 100,000 features needs no deep recursion, and each
      // feature is visited once
      const state = new Map<string, "visiting" | "done">();
      const reported = new Set<string>();
      const uses = (name: string) => (byName.get(name)?.inputs ?? []).filter((i) => byName.has(i.name) && !fs.dataset?.columns.has(i.name)).map((i) => i.name);
      for (const f of fs.features) {
        if (state.has(f.name.name)) continue;
        // the path from the root, and where each feature on it stands
        const trail: Array<{ name: string; next: string[]; at: number }> = [];
        const onTrail = new Map<string, number>();
        const enter = (name: string) => {
          state.set(name, "visiting");
          onTrail.set(name, trail.length);
          trail.push({ name, next: uses(name), at: 0 });
        };
        enter(f.name.name);
        while (trail.length > 0) {
          const top = trail[trail.length - 1]!;
          const next = top.next[top.at++];
          if (next === undefined) {
            state.set(top.name, "done");
            onTrail.delete(top.name);
            trail.pop();
            continue;
          }
          if (state.get(next) === "done") continue;
          if (state.get(next) === "visiting") {
            if (!reported.has(next)) {
              const cycle = [...trail.slice(onTrail.get(next)!).map((t) => t.name), next];
              cycle.forEach((n) => reported.add(n));
              ctx.report("E0701", fs.decl, byName.get(next)!.name.span, `features depend on each other in a cycle: ${cycle.join(" → ")}`, {
                help: "a feature may use only columns and other features that do not depend on it",
              });
            }
            continue;
          }
          enter(next);
        }
      }
    }
  },
};
