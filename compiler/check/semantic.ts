/**
 * The meaning of each block, derived once from the AST and shared by the rules and
 * the planner. Derivation is lenient: anything missing or wrong is left undefined
 * here and reported by the rule that owns it.
 */
import type * as A from "../language/ast.js";
import type { Span } from "../language/source.js";
import type { ColumnType, ParamSig, TaskKind } from "../../stdlib/signature.js";
import { builtins as defaultBuiltins, type Builtins } from "../../stdlib/index.js";
import type { Decl, Program } from "./program.js";
import { dotted, refName } from "./values.js";

/** Statements of a block body grouped by what they are. */
export interface Settings {
  assigns: Map<string, Extract<A.Stmt, { kind: "assign" }>>;
  /** Assignments to a key already set, for the duplicate-setting rule. */
  repeated: Array<Extract<A.Stmt, { kind: "assign" }>>;
  calls: Array<Extract<A.Stmt, { kind: "call" }>>;
  nested: Map<string, Extract<A.Stmt, { kind: "nested" }>>;
  conditions: Array<Extract<A.Stmt, { kind: "condition" }>>;
  columns: Array<Extract<A.Stmt, { kind: "column" }>>;
  samples: Array<Extract<A.Stmt, { kind: "sample" }>>;
  requires: Array<Extract<A.Stmt, { kind: "require" }>>;
  retrains: Array<Extract<A.Stmt, { kind: "retrain" }>>;
}

/** Settings already grouped, by body: the analysis and the rules ask for the same bodies. Read only. */
const grouped = new WeakMap<A.Stmt[], Settings>();

export function settingsOf(body: A.Stmt[]): Settings {
  const known = grouped.get(body);
  if (known) return known;
  const s: Settings = { assigns: new Map(), repeated: [], calls: [], nested: new Map(), conditions: [], columns: [], samples: [], requires: [], retrains: [] };
  grouped.set(body, s);
  for (const st of body) {
    switch (st.kind) {
      case "assign": {
        const key = pathName(st.target);
        if (s.assigns.has(key)) s.repeated.push(st);
        else s.assigns.set(key, st);
        break;
      }
      case "call":
        s.calls.push(st);
        break;
      case "nested":
        s.nested.set(pathName(st.name), st);
        break;
      case "condition":
        s.conditions.push(st);
        break;
      case "column":
        s.columns.push(st);
        break;
      case "sample":
        s.samples.push(st);
        break;
      case "require":
        s.requires.push(st);
        break;
      case "retrain":
        s.retrains.push(st);
        break;
    }
  }
  return s;
}

export function pathName(p: A.Path): string {
  return dotted(p.parts);
}

export function calleeName(c: A.CallExpr): string {
  return dotted(c.callee.path);
}

/** A call's arguments matched to a signature's parameters. */
export interface BoundCall {
  readonly call: A.CallExpr;
  readonly args: ReadonlyMap<string, A.Arg>;
  /** Positional arguments beyond the parameters. */
  readonly extra: readonly A.Arg[];
  /** Named arguments that are no parameter. */
  readonly unknown: readonly A.Arg[];
  /** Named twice, or given positionally and by name. */
  readonly repeated: readonly A.Arg[];
}

/** The empty list of a binding without extra, unknown or repeated arguments (most of them). */
const NO_ARGS: readonly A.Arg[] = Object.freeze([]);
const add = (list: readonly A.Arg[], a: A.Arg): readonly A.Arg[] => (list === NO_ARGS ? [a] : [...list, a]);

/** Bindings made, by call: the rules bind a call, then the planner reads the same binding. */
const bindings = new WeakMap<A.CallExpr, { params: ParamSig[]; skip: number; bound: BoundCall }>();

/** A call bound to a signature once per program: the same call and parameters give the same binding. */
export function bindCall(call: A.CallExpr, params: ParamSig[], opts: { skipPositional?: number } = {}): BoundCall {
  const skip = opts.skipPositional ?? 0;
  const known = bindings.get(call);
  if (known && known.params === params && known.skip === skip) return known.bound;
  const bound = bindArgs(call, params, skip);
  bindings.set(call, { params, skip, bound });
  return bound;
}

function bindArgs(call: A.CallExpr, params: ParamSig[], skipPositional: number): BoundCall {
  const args = new Map<string, A.Arg>();
  let extra = NO_ARGS;
  let unknown = NO_ARGS;
  let repeated = NO_ARGS;
  let position = 0;
  let skip = skipPositional;
  for (const a of call.args) {
    if (a.name) {
      const name = a.name.name;
      if (!params.some((p) => p.name === name)) unknown = add(unknown, a);
      else if (args.has(name)) repeated = add(repeated, a);
      else args.set(name, a);
      continue;
    }
    if (skip > 0) {
      skip--;
      continue;
    }
    const p = params[position++];
    if (!p) extra = add(extra, a);
    else if (args.has(p.name)) repeated = add(repeated, a);
    else args.set(p.name, a);
  }
  return { call, args, extra, unknown, repeated };
}

export interface ColumnInfo {
  name: string;
  type?: ColumnType;
  stmt: Extract<A.Stmt, { kind: "column" }>;
}

export interface DatasetInfo {
  decl: Decl;
  settings: Settings;
  contract?: Settings;
  columns: Map<string, ColumnInfo>;
  source?: A.CallExpr;
  label?: A.Expr;
  split?: A.CallExpr;
}

export interface FeatureStage {
  fn: A.Ident;
  /** The call node, or a bare name (`|> log1p`). */
  node: A.CallExpr | A.RefExpr;
  args: A.Arg[];
  /** How many leading positional args are inputs rather than parameters. */
  inputCount: number;
}

export interface FeatureInfo {
  name: A.Ident;
  stmt: Extract<A.Stmt, { kind: "assign" }>;
  /** Names given as inputs of the first stage: columns or earlier features. */
  inputs: Array<{ name: string; span: Span }>;
  stages: FeatureStage[];
  /** A malformed expression (a literal, an operator): reported by the features rule. */
  malformed?: A.Expr;
}

export interface FeaturesInfo {
  decl: Decl;
  dataset?: DatasetInfo;
  features: FeatureInfo[];
}

export interface ModelInfo {
  decl: Decl;
  settings: Settings;
  train?: Settings;
  taskCall?: A.CallExpr;
  task?: TaskKind;
  /** Column names by task parameter (target, user, item). */
  taskColumns: ReadonlyMap<string, A.Arg>;
  inputsExpr?: A.Expr;
  /** The feature block or dataset behind `inputs`. */
  features?: FeaturesInfo;
  dataset?: DatasetInfo;
  arch?: A.CallExpr;
  importCall?: A.CallExpr;
  metrics: A.RefExpr[];
}

export interface Semantic {
  program: Program;
  /** The built-ins the program is checked against (default: stdlib's). */
  builtins: Builtins;
  datasets: Map<string, DatasetInfo>;
  features: Map<string, FeaturesInfo>;
  models: Map<string, ModelInfo>;
  searches: Map<string, { decl: Decl; settings: Settings; model?: ModelInfo }>;
  serves: Map<string, { decl: Decl; settings: Settings; model?: ModelInfo; fallback?: ModelInfo }>;
  rollouts: Map<string, { decl: Decl; settings: Settings; serve?: Semantic["serves"] extends Map<string, infer S> ? S : never }>;
  monitors: Map<string, { decl: Decl; settings: Settings; serve?: Semantic["serves"] extends Map<string, infer S> ? S : never }>;
}

export function columnTypeOf(stmt: Extract<A.Stmt, { kind: "column" }>): ColumnType | undefined {
  const t = stmt.type.name.name;
  switch (t) {
    case "int":
    case "float":
    case "bool":
    case "string":
    case "timestamp":
      return { kind: t };
    case "enum": {
      const values: string[] = [];
      for (const a of stmt.type.args) {
        if (a.value.kind === "string") values.push(a.value.value);
        else if (a.value.kind === "list") for (const v of a.value.items) if (v.kind === "string") values.push(v.value);
      }
      return { kind: "enum", values };
    }
    default:
      return undefined;
  }
}

/**
 * A bare name where a call belongs (`source = csv`, `task = regression`) is that
 * call without arguments: what it lacks is then reported (E0206), and an unknown
 * name too (E0204).
 */
function asCall(e: A.Expr | undefined): A.Expr | undefined {
  return e?.kind === "ref" && !e.alias ? { kind: "call", callee: e, args: [], span: e.span } : e;
}

function datasetInfo(decl: Decl): DatasetInfo {
  const settings = settingsOf(decl.block.body);
  const contractStmt = settings.nested.get("contract");
  const contract = contractStmt ? settingsOf(contractStmt.body) : undefined;
  const columns = new Map<string, ColumnInfo>();
  for (const c of contract?.columns ?? []) {
    const name = pathName(c.name);
    if (!columns.has(name)) columns.set(name, { name, type: columnTypeOf(c), stmt: c });
  }
  const src = asCall(settings.assigns.get("source")?.value);
  const split = asCall(settings.assigns.get("split")?.value);
  return {
    decl,
    settings,
    contract,
    columns,
    source: src?.kind === "call" ? src : undefined,
    label: settings.assigns.get("label")?.value,
    split: split?.kind === "call" ? split : undefined,
  };
}

/** Flattens `a |> f(x) |> g` into stages; the first stage's leading args are inputs. */
function featureInfo(stmt: Extract<A.Stmt, { kind: "assign" }>, builtins: Builtins): FeatureInfo {
  const name = stmt.target.parts[0]!;
  const chain: Array<A.CallExpr | A.RefExpr> = [];
  let e: A.Expr = stmt.value;
  while (e.kind === "pipe") {
    chain.unshift(e.stage);
    e = e.input;
  }
  const info: FeatureInfo = { name, stmt, inputs: [], stages: [] };
  if (e.kind === "ref" && !e.alias && e.path.length === 1) {
    // a bare column as the pipeline's input: `monthly |> log1p`
    info.inputs.push({ name: e.path[0]!.name, span: e.span });
  } else if (e.kind === "call") {
    chain.unshift(e);
  } else {
    info.malformed = e;
    return info;
  }
  chain.forEach((node, i) => {
    const fnRef = node.kind === "call" ? node.callee : node;
    const fn = fnRef.path[fnRef.path.length - 1]!;
    const args = node.kind === "call" ? node.args : [];
    const sig = builtins.transforms.get(fn.name);
    let inputCount = 0;
    if (i === 0 && info.inputs.length === 0) {
      // first stage: its leading positional names are the inputs
      const arity = sig?.arity ?? 1;
      for (const a of args) {
        if (a.name || a.value.kind !== "ref" || a.value.path.length !== 1 || a.value.alias) break;
        if (arity === 1 && inputCount === 1) break;
        info.inputs.push({ name: a.value.path[0]!.name, span: a.value.span });
        inputCount++;
      }
    }
    info.stages.push({ fn, node, args, inputCount });
  });
  return info;
}

export function analyze(program: Program, builtins: Builtins = defaultBuiltins): Semantic {
  const sem: Semantic = {
    program,
    builtins,
    datasets: new Map(),
    features: new Map(),
    models: new Map(),
    searches: new Map(),
    serves: new Map(),
    rollouts: new Map(),
    monitors: new Map(),
  };
  const decls = [...program.decls.values()];
  for (const d of decls.filter((d) => d.kind === "dataset")) sem.datasets.set(d.name, datasetInfo(d));
  for (const d of decls.filter((d) => d.kind === "features")) {
    const settings = settingsOf(d.block.body);
    sem.features.set(d.name, {
      decl: d,
      dataset: d.block.relation ? sem.datasets.get(d.block.relation.target.name) : undefined,
      features: [...settings.assigns.values(), ...settings.repeated].filter((s) => s.target.parts.length === 1).map((stmt) => featureInfo(stmt, builtins)),
    });
  }
  for (const d of decls.filter((d) => d.kind === "model")) sem.models.set(d.name, modelInfo(d, sem));
  const targetOf = <T>(d: Decl, table: Map<string, T>): T | undefined => (d.block.relation ? table.get(d.block.relation.target.name) : undefined);
  for (const d of decls.filter((d) => d.kind === "search")) {
    sem.searches.set(d.name, { decl: d, settings: settingsOf(d.block.body), model: targetOf(d, sem.models) });
  }
  for (const d of decls.filter((d) => d.kind === "serve")) {
    const settings = settingsOf(d.block.body);
    const modelOf = (key: string) => {
      const v = settings.assigns.get(key)?.value;
      return v?.kind === "ref" ? sem.models.get(v.path[0]!.name) : undefined;
    };
    sem.serves.set(d.name, { decl: d, settings, model: modelOf("model"), fallback: modelOf("fallback") });
  }
  for (const d of decls.filter((d) => d.kind === "rollout")) {
    sem.rollouts.set(d.name, { decl: d, settings: settingsOf(d.block.body), serve: targetOf(d, sem.serves) });
  }
  for (const d of decls.filter((d) => d.kind === "monitor")) {
    sem.monitors.set(d.name, { decl: d, settings: settingsOf(d.block.body), serve: targetOf(d, sem.serves) });
  }
  return sem;
}

function modelInfo(decl: Decl, sem: Semantic): ModelInfo {
  const settings = settingsOf(decl.block.body);
  const trainStmt = settings.nested.get("train");
  const info: ModelInfo = { decl, settings, train: trainStmt ? settingsOf(trainStmt.body) : undefined, taskColumns: new Map(), metrics: [] };
  const task = asCall(settings.assigns.get("task")?.value);
  if (task?.kind === "call") {
    info.taskCall = task;
    const sig = sem.builtins.tasks.get(calleeName(task));
    if (sig) {
      info.task = sig.task;
      info.taskColumns = bindCall(task, sig.params).args;
    }
  }
  const inputs = settings.assigns.get("inputs")?.value;
  info.inputsExpr = inputs;
  if (inputs?.kind === "ref" && inputs.path.length === 1) {
    info.features = sem.features.get(inputs.path[0]!.name);
    info.dataset = info.features?.dataset ?? sem.datasets.get(inputs.path[0]!.name);
  } else if (inputs?.kind === "call" && calleeName(inputs) === "columns") {
    const first = inputs.args.find((a) => !a.name);
    const ds = first && refName(first.value);
    if (ds) info.dataset = sem.datasets.get(ds);
  }
  const arch = settings.assigns.get("arch")?.value;
  if (arch?.kind === "call") info.arch = arch;
  else if (arch?.kind === "ref") info.arch = { kind: "call", callee: arch, args: [], span: arch.span };
  const imp = asCall(settings.assigns.get("import")?.value);
  if (imp?.kind === "call") info.importCall = imp;
  const metrics = settings.assigns.get("metrics")?.value;
  if (metrics?.kind === "list") info.metrics = metrics.items.filter((m): m is A.RefExpr => m.kind === "ref");
  else if (metrics?.kind === "ref") info.metrics = [metrics];
  return info;
}

/** Which columns a model's task names: its label plus ids for recommendation. */
export function labelColumns(m: ModelInfo): string[] {
  return [...m.taskColumns.values()].map((a) => refName(a.value)).filter((n): n is string => n !== undefined);
}
