/**
 * Every call in a program at a position that gives it a signature: `source = csv(...)`
 * is a source, a feature stage is a transform, `arch = mlp(...)` an architecture…
 * Rules walk this list rather than re-deriving positions.
 */
import type * as A from "../language/ast.js";
import type { ParamSig } from "../../stdlib/signature.js";
import type { Decl } from "./program.js";
import { type DatasetInfo, type Semantic, calleeName } from "./semantic.js";
import { dotted } from "./values.js";
import { settingCalls } from "./settings-signatures.js";

export type CallFamily =
  | "source"
  | "split"
  | "transform"
  | "task"
  | "architecture"
  | "optimizer"
  | "import format"
  | "distribution"
  | "sampler"
  | "pruner"
  | "rollout strategy"
  | "setting";

export interface SignedCall {
  decl: Decl;
  call: A.CallExpr | A.RefExpr;
  family: CallFamily;
  name: string;
  nameSpan: A.Ident["span"];
  /** Known names of this family, for did-you-mean. */
  known: Iterable<string>;
  /** Undefined when the name is unknown. */
  params?: ParamSig[];
  /** Leading positional args that are inputs, not parameters (feature stages). */
  skipPositional: number;
  /** Columns that `column` parameters resolve against. */
  dataset?: DatasetInfo;
}

function fromTable(table: ReadonlyMap<string, { params: ParamSig[] }>, name: string): ParamSig[] | undefined {
  return table.get(name)?.params;
}

/** Several rules walk the calls; derive them once per program. */
const cache = new WeakMap<Semantic, SignedCall[]>();

export function signedCalls(sem: Semantic): SignedCall[] {
  const { builtins } = sem;
  const hit = cache.get(sem);
  if (hit) return hit;
  const out: SignedCall[] = [];
  cache.set(sem, out);
  const add = (decl: Decl, expr: A.Expr | undefined, family: CallFamily, table: ReadonlyMap<string, { params: ParamSig[] }>, dataset?: DatasetInfo) => {
    if (!expr || (expr.kind !== "call" && expr.kind !== "ref")) return;
    const ref = expr.kind === "call" ? expr.callee : expr;
    const name = dotted(ref.path);
    out.push({ decl, call: expr, family, name, nameSpan: ref.span, known: table.keys(), params: fromTable(table, name), skipPositional: 0, dataset });
  };
  const settings = new Map(Object.entries(settingCalls).map(([k, params]) => [k, { params }]));

  for (const ds of sem.datasets.values()) {
    // a bare `source = csv` is the call without arguments (semantic.ts), so a missing path is reported
    add(ds.decl, ds.source, "source", builtins.sources);
    add(ds.decl, ds.split, "split", builtins.splits, ds);
  }
  for (const fs of sem.features.values()) {
    for (const f of fs.features) {
      for (const st of f.stages) {
        const sig = builtins.transforms.get(st.fn.name);
        out.push({
          decl: fs.decl,
          call: st.node,
          family: "transform",
          name: st.fn.name,
          nameSpan: st.fn.span,
          known: builtins.transforms.keys(),
          params: sig?.params,
          skipPositional: st.inputCount,
          dataset: fs.dataset,
        });
      }
    }
  }
  for (const m of sem.models.values()) {
    add(m.decl, m.taskCall, "task", builtins.tasks, m.dataset);
    add(m.decl, m.arch, "architecture", builtins.archs);
    add(m.decl, m.importCall, "import format", builtins.importFormats);
    add(m.decl, m.train?.assigns.get("optimizer")?.value, "optimizer", builtins.optimizers);
    // unknown calls in a block are known-statements' to report (E0105), once
    for (const c of m.train?.calls ?? []) if (settings.has(calleeName(c.call))) add(m.decl, c.call, "setting", settings);
    if (m.inputsExpr?.kind === "call") add(m.decl, m.inputsExpr, "setting", settings, m.dataset);
  }
  for (const s of sem.searches.values()) {
    add(s.decl, s.settings.assigns.get("sampler")?.value, "sampler", builtins.samplers);
    add(s.decl, s.settings.assigns.get("prune")?.value, "pruner", builtins.pruners);
    for (const smp of s.settings.samples) {
      // choice is variadic: its options are checked by the search rule
      if (smp.dist.kind === "call" && calleeName(smp.dist) === "choice") continue;
      add(s.decl, smp.dist, "distribution", builtins.distributions);
    }
  }
  for (const sv of sem.serves.values()) {
    for (const c of sv.settings.calls) if (settings.has(calleeName(c.call))) add(sv.decl, c.call, "setting", settings);
  }
  for (const r of sem.rollouts.values()) {
    const ds = r.serve?.model?.dataset;
    for (const c of r.settings.calls) if (builtins.rolloutStrategies.has(calleeName(c.call))) add(r.decl, c.call, "rollout strategy", builtins.rolloutStrategies, ds);
  }
  for (const mon of sem.monitors.values()) {
    for (const c of mon.settings.calls) {
      if (calleeName(c.call) === "alert") add(mon.decl, c.call, "setting", settings);
      for (const a of c.call.args) {
        if (a.name?.name === "labels") add(mon.decl, a.value, "source", builtins.sources);
      }
    }
  }
  return out;
}
