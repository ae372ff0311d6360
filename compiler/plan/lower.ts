/**
 * Checked program → execution plan (spec/plan.md). Runs only on programs without
 * errors, so it may assume every name resolves; defaults come from the signatures.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import type * as A from "../language/ast.js";
import { studyParams } from "../../stdlib/samplers/shared/study-params.js";
import type { ColumnType, ParamSig } from "../../stdlib/signature.js";
import { type BoundCall, bindCall, calleeName, type DatasetInfo, type FeaturesInfo, type ModelInfo, pathName, type Semantic } from "../check/semantic.js";
import { blockSettings, settingCalls } from "../check/settings-signatures.js";
import { type Json, numericValue, refName, toJson } from "../check/values.js";
import { printExpr } from "../language/printer.js";
import { gateModels, isBeatsBaseline, metricKey, metricParts } from "../check/metric-refs.js";
import { constantValue, lowerBound } from "./bounds.js";
import { PlanError } from "./plan-error.js";
import { predicateOf } from "./zod-predicate.js";
import { PLAN_VERSION, PlanSchema, type ColumnContract, type FeatureDef, type GateSpec, type MonitorPlan, type Plan, type RolloutPlan, type SearchParam, type ServePlan, type SourceSpec, type Step, type TaskSpec } from "./schema.js";

/** Parameters every sampler takes: the plan names them itself; the rest are the sampler's own. */
const STUDY_PARAMS = new Set(studyParams.map((p) => p.name));

/** Named arguments with defaults filled in, in signature order. */
export function argValues(bound: BoundCall, params: ParamSig[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const p of params) {
    const a = bound.args.get(p.name);
    if (a) out[p.name] = toJson(a.value);
    else if (p.default !== undefined) out[p.name] = p.default as Json;
  }
  return out;
}

function callValues(call: A.CallExpr | undefined, params: ParamSig[], skip = 0): Record<string, Json> {
  if (!call) return argValues({ call: undefined as never, args: new Map(), extra: [], unknown: [], repeated: [] }, params);
  return argValues(bindCall(call, params, { skipPositional: skip }), params);
}

function settingValue(s: { assigns: Map<string, Extract<A.Stmt, { kind: "assign" }>> } | undefined, key: string, table: string): Json {
  const st = s?.assigns.get(key);
  if (st) return toJson(st.value);
  return (blockSettings[table]?.[key]?.default ?? null) as Json;
}

class Lowering {
  private readonly steps: Step[] = [];
  /** Models served by a serve block that a rollout rolls out. */
  private readonly rolledOut: Set<ModelInfo>;
  private readonly projectRoot: string;

  constructor(private readonly sem: Semantic) {
    this.projectRoot = sem.program.projectRoot;
    this.rolledOut = new Set([...sem.rollouts.values()].map((r) => r.serve?.model).filter((m): m is ModelInfo => m !== undefined));
  }

  /** A data path, relative to the project directory, with forward slashes. */
  private projectPath(decl: { file: A.SpecFile }, p: string): string {
    const file = this.sem.program.paths.get(decl.file)!;
    return path.relative(this.projectRoot, path.resolve(path.dirname(file), p)).split(path.sep).join("/");
  }

  private source(decl: { file: A.SpecFile }, call: A.CallExpr): SourceSpec {
    const fmt = calleeName(call) as SourceSpec["format"];
    const v = callValues(call, this.sem.builtins.sources.get(fmt)!.params);
    const src: SourceSpec = { format: fmt, path: this.projectPath(decl, String(v.path)) };
    if (fmt === "csv") {
      src.delimiter = v.delimiter as string;
      src.header = v.header as boolean;
    }
    return src;
  }

  private contract(ds: DatasetInfo): { columns: ColumnContract[]; rows?: { min?: number; max?: number }; quarantined?: { maxFraction: number; strict: boolean } } {
    const columns: ColumnContract[] = [];
    for (const col of ds.columns.values()) {
      const c: ColumnContract = { name: col.name, type: col.type!, nulls: { allowed: false } };
      for (const con of col.stmt.constraints) {
        const w = con.word.name;
        if (w === "unique") c.unique = true;
        else if (w === "nulls" && con.value) {
          const v = numericValue(con.value)!;
          c.nulls = { allowed: true, maxFraction: v };
        } else if ((w === "range" || w === "mean" || w === "std") && con.value?.kind === "range") {
          c[w] = { min: numericValue(con.value.low), max: numericValue(con.value.high) };
        }
      }
      columns.push(c);
    }
    let rows: { min?: number; max?: number } | undefined;
    let quarantined: { maxFraction: number; strict: boolean } | undefined;
    for (const cond of ds.contract?.conditions ?? []) {
      if (pathName(cond.left) === "quarantined") {
        quarantined = { maxFraction: numericValue(cond.right)!, strict: cond.op === "<" };
        continue;
      }
      if (pathName(cond.left) !== "rows") continue;
      const v = numericValue(cond.right)!;
      rows ??= {};
      if (cond.op === ">=") rows.min = v;
      else if (cond.op === ">") rows.min = v + 1;
      else if (cond.op === "<=") rows.max = v;
      else if (cond.op === "<") rows.max = v - 1;
    }
    return { columns, ...(rows ? { rows } : {}), ...(quarantined ? { quarantined } : {}) };
  }

  private dataset(ds: DatasetInfo): void {
    const name = ds.decl.name;
    const label = ds.label && refName(ds.label);
    this.steps.push({
      id: `validate:${name}`,
      kind: "validate",
      dependsOn: [],
      params: { dataset: name, source: this.source(ds.decl, ds.source!), contract: this.contract(ds), ...(label ? { label } : {}) },
    });
    this.steps.push({ id: `profile:${name}`, kind: "profile", dependsOn: [`validate:${name}`], params: { dataset: name } });
    const v = callValues(ds.split, this.sem.builtins.splits.get("holdout")!.params);
    const method = v.group ? "group" : v.order_by ? "time" : v.stratify ? "stratified" : "random";
    const column = (v.group ?? v.order_by ?? v.stratify) as string | undefined;
    this.steps.push({
      id: `split:${name}`,
      kind: "split",
      dependsOn: [`validate:${name}`],
      params: { dataset: name, split: { method, test: v.test as number, validation: v.validation as number, seed: v.seed as number, ...(column ? { column } : {}) } },
    });
  }

  private columnsOf(ds: DatasetInfo): Array<{ name: string; type: ColumnType }> {
    return [...ds.columns.values()].map((c) => ({ name: c.name, type: c.type! }));
  }

  private featureDefs(fs: FeaturesInfo): FeatureDef[] {
    const byName = new Map(fs.features.map((f) => [f.name.name, f]));
    const own = (f: FeaturesInfo["features"][number]) =>
      f.stages.map((st) => {
        const sig = this.sem.builtins.transforms.get(st.fn.name)!;
        const call = st.node.kind === "call" ? st.node : undefined;
        return { fn: st.fn.name, args: callValues(call, sig.params, st.inputCount) as Record<string, Json> };
      });
    // a feature built on a feature inlines that feature's pipeline: the chain of
    // bases is followed with a loop, and each base's definition is made once
    const done = new Map<string, FeatureDef>();
    const base = (name: string, from: string) => {
      const first = byName.get(name)!.inputs[0]?.name;
      return first && first !== from && byName.has(first) && !fs.dataset?.columns.has(first) ? first : undefined;
    };
    const resolve = (name: string): FeatureDef => {
      const chain = [name];
      const seen = new Set(chain);
      for (let b = base(name, name); b !== undefined && !done.has(b) && !seen.has(b); b = base(b, b)) {
        chain.push(b);
        seen.add(b);
      }
      for (let i = chain.length - 1; i >= 0; i--) {
        const n = chain[i]!;
        const f = byName.get(n)!;
        const b = base(n, n);
        const under = b !== undefined && b !== n ? done.get(b) : undefined;
        const def: FeatureDef = under ? { name: n, inputs: under.inputs, stages: [...under.stages, ...own(f)] } : { name: n, inputs: f.inputs.map((x) => x.name), stages: own(f) };
        done.set(n, def);
      }
      return done.get(name)!;
    };
    return fs.features.map((f) => done.get(f.name.name) ?? resolve(f.name.name));
  }

  private features(fs: FeaturesInfo): void {
    const ds = fs.dataset!;
    this.steps.push({
      id: `fit_features:${fs.decl.name}`,
      kind: "fit_features",
      dependsOn: [`split:${ds.decl.name}`],
      params: { features: fs.decl.name, dataset: ds.decl.name, columns: this.columnsOf(ds), definitions: this.featureDefs(fs) },
    });
  }

  /**
   * `inputs = columns(ds, except = [...])` or `inputs = ds`: every column but the
   * task's; numbers and bools pass through, enums are one-hot encoded, strings and
   * timestamps are left out (they need an explicit encoding).
   */
  private implicitFeatures(m: ModelInfo, labelCols: string[]): string {
    const ds = m.dataset!;
    const name = `${m.decl.name}.columns`;
    const call = m.inputsExpr?.kind === "call" ? m.inputsExpr : undefined;
    const v = call ? callValues(call, settingCalls.columns!) : {};
    const except = new Set([...((v.except as string[] | undefined) ?? []), ...labelCols]);
    const definitions: FeatureDef[] = [];
    for (const col of ds.columns.values()) {
      if (except.has(col.name) || !col.type) continue;
      const k = col.type.kind;
      if (k === "int" || k === "float" || k === "bool") definitions.push({ name: col.name, inputs: [col.name], stages: [] });
      else if (k === "enum") definitions.push({ name: col.name, inputs: [col.name], stages: [{ fn: "onehot", args: {} }] });
    }
    this.steps.push({
      id: `fit_features:${name}`,
      kind: "fit_features",
      dependsOn: [`split:${ds.decl.name}`],
      params: { features: name, dataset: ds.decl.name, columns: this.columnsOf(ds), definitions },
    });
    return name;
  }

  private task(m: ModelInfo): TaskSpec {
    const col = (k: string) => {
      const a = m.taskColumns.get(k);
      return a ? refName(a.value) : undefined;
    };
    const target = col("target")!;
    const t = m.dataset?.columns.get(target)?.type;
    const spec: TaskSpec = { kind: m.task!, target };
    if (m.task === "binary") spec.classes = t?.kind === "enum" ? t.values : [false, true];
    else if (m.task === "multiclass" && t?.kind === "enum") spec.classes = t.values;
    if (m.task === "recommendation") {
      spec.user = col("user");
      spec.item = col("item");
    }
    return spec;
  }

  private gates(m: ModelInfo): GateSpec[] {
    const out: GateSpec[] = [];
    for (const req of m.settings.requires) {
      if (isBeatsBaseline(req.expr)) {
        // the first metric, strictly better than the baseline's in its direction
        const first = m.metrics[0]!;
        const metric = metricKey(first);
        const op = this.sem.builtins.metrics.get(metricParts(first).name)?.direction === "minimize" ? "<" : ">";
        out.push({ metric, split: "test", op, bound: { kind: "baseline" }, text: "beats_baseline" });
        continue;
      }
      const e = req.expr as Extract<A.Expr, { kind: "binary" }>;
      const left = e.left as A.RefExpr;
      const split = left.path.length > 1 && left.path[0]!.name === "val" ? "validation" : "test";
      const metric = metricKey(left);
      const op = e.op as GateSpec["op"];
      const lowered = lowerBound(e.right, `the gate \`require ${printExpr(e)}\` of model \`${m.decl.name}\``);
      // `churn@champion.auc` in model churn is `champion.auc`
      const bound = lowered.kind === "alias" && lowered.model === m.decl.name ? { kind: lowered.kind, alias: lowered.alias, metric: lowered.metric, offset: lowered.offset } : lowered;
      out.push({ metric, split, op, bound, text: printExpr(e) });
    }
    return out;
  }

  private model(m: ModelInfo, searchesOf: Map<string, string[]>): void {
    const name = m.decl.name;
    const task = this.task(m);
    const labelCols = [task.target, task.user, task.item].filter((x): x is string => x !== undefined);
    const features = m.features ? m.features.decl.name : this.implicitFeatures(m, labelCols);
    const featureStep = `fit_features:${features}`;
    const metrics = m.metrics.map((r) => metricKey(r));
    let trainStep: string;
    if (m.importCall) {
      const search = searchesOf.get(name)?.[0];
      if (search) throw new PlanError(`search \`${search}\` tunes model \`${name}\`, which is imported, not trained`);
      const fmt = calleeName(m.importCall) as "onnx" | "xgboost";
      const v = callValues(m.importCall, this.sem.builtins.importFormats.get(fmt)!.params);
      trainStep = `import_model:${name}`;
      this.steps.push({ id: trainStep, kind: "import_model", dependsOn: [featureStep], params: { model: name, task, features, format: fmt, path: this.projectPath(m.decl, String(v.path)), metrics } });
    } else {
      const archName = calleeName(m.arch!);
      const optCall = m.train?.assigns.get("optimizer")?.value;
      const optName = optCall && optCall.kind === "call" ? calleeName(optCall) : optCall?.kind === "ref" ? refName(optCall)! : "adam";
      const optimizer = { kind: optName, params: callValues(optCall?.kind === "call" ? optCall : undefined, this.sem.builtins.optimizers.get(optName)!.params) };
      const es = m.train?.calls.find((c) => calleeName(c.call) === "early_stop");
      let earlyStop: Extract<Step, { kind: "train" }>["params"]["train"]["earlyStop"];
      if (es) {
        const v = callValues(es.call, settingCalls.early_stop!);
        const ref = bindCall(es.call, settingCalls.early_stop!).args.get("metric")!.value as A.RefExpr;
        const { qualifier } = metricParts(ref);
        const metric = metricKey(ref);
        const sig = this.sem.builtins.metrics.get(metricParts(ref).name);
        earlyStop = {
          metric,
          split: qualifier === "train" ? "train" : "validation",
          patience: v.patience as number,
          minDelta: v.min_delta as number,
          mode: metric === "loss" || sig?.direction === "minimize" ? "min" : "max",
        };
      }
      const train = {
        optimizer,
        epochs: settingValue(m.train, "epochs", "train") as number,
        batchSize: settingValue(m.train, "batch", "train") as number,
        seed: settingValue(m.train, "seed", "train") as number,
        ...(earlyStop ? { earlyStop } : {}),
      };
      const arch = { kind: archName, params: callValues(m.arch, this.sem.builtins.archs.get(archName)!.params) };
      this.steps.push({ id: `train:${name}`, kind: "train", dependsOn: [featureStep], params: { model: name, task, features, arch, train, metrics } });
      // a search trains its trials from this base configuration, and its best
      // trial is the version evaluated and registered
      const searches = searchesOf.get(name) ?? [];
      if (searches.length > 1) {
        throw new PlanError(`model \`${name}\` has ${searches.length} search blocks (${searches.join(", ")}); a model is tuned by one search`);
      }
      for (const s of searches) this.searchStep(s, name, [`train:${name}`]);
      trainStep = searches.length > 0 ? `search:${searches[0]}` : `train:${name}`;
    }
    this.steps.push({ id: `evaluate:${name}`, kind: "evaluate", dependsOn: [trainStep], params: { model: name, metrics, splits: ["validation", "test"] } });
    const gates = this.gates(m);
    // a gate on another model's version waits for that model's version of this run
    const compared = [...new Set(gates.flatMap((g) => (g.bound.kind === "alias" && g.bound.model ? [`register:${g.bound.model}`] : [])))];
    this.steps.push({ id: `gate:${name}`, kind: "gate", dependsOn: [`evaluate:${name}`, ...compared], params: { model: name, gates } });
    this.steps.push({ id: `export:${name}`, kind: "export", dependsOn: [`gate:${name}`], params: { model: name, format: "onnx" } });
    const rolledOut = this.rolledOut.has(m);
    this.steps.push({
      id: `register:${name}`,
      kind: "register",
      dependsOn: [`export:${name}`],
      // with a rollout block a new version waits as challenger; otherwise it takes over
      params: { model: name, alias: rolledOut ? "challenger" : "champion", aliasWhenNone: "champion" },
    });
  }

  private searchStep(searchName: string, model: string, dependsOn: string[]): void {
    const s = this.sem.searches.get(searchName)!;
    const space: SearchParam[] = [];
    for (const smp of s.settings.samples) {
      const p = pathName(smp.target);
      const dist = smp.dist as A.CallExpr;
      const kind = calleeName(dist) as SearchParam["dist"]["kind"];
      let d: SearchParam["dist"];
      if (kind === "choice") {
        d = { kind, options: dist.args.map((a) => toJson(a.value)) };
      } else {
        const v = callValues(dist, this.sem.builtins.distributions.get(kind)!.params);
        d = kind === "int" ? { kind, low: v.low as number, high: v.high as number, step: v.step as number, log: v.log as boolean } : { kind, low: v.low as number, high: v.high as number };
      }
      const param: SearchParam = { path: p, dist: d };
      if (smp.when?.kind === "binary") param.condition = { path: printExpr(smp.when.left), equals: toJson(smp.when.right) };
      space.push(param);
    }
    const samplerCall = s.settings.assigns.get("sampler")!.value;
    const samplerName = samplerCall.kind === "call" ? calleeName(samplerCall) : refName(samplerCall)!;
    const samplerParams = this.sem.builtins.samplers.get(samplerName)!.params;
    const sv = callValues(samplerCall.kind === "call" ? samplerCall : undefined, samplerParams);
    // the sampler's own parameters follow the study's, under their spec names
    const own = samplerParams.filter((p) => !STUDY_PARAMS.has(p.name) && sv[p.name] !== undefined);
    const sampler = {
      kind: samplerName,
      ...(sv.trials !== undefined ? { trials: sv.trials as number } : {}),
      parallel: sv.parallel as number,
      seed: sv.seed as number,
      ...(sv.timeout !== undefined ? { timeoutMs: sv.timeout as number } : {}),
      ...Object.fromEntries(own.map((p) => [p.name, sv[p.name]!])),
    };
    const obj = s.settings.assigns.get("objective")!.value as Extract<A.Expr, { kind: "objective" }>;
    const pruneCall = s.settings.assigns.get("prune")?.value;
    let pruner: { kind: string; params: Record<string, Json> } | undefined;
    if (pruneCall) {
      const pn = pruneCall.kind === "call" ? calleeName(pruneCall) : refName(pruneCall)!;
      pruner = { kind: pn, params: callValues(pruneCall.kind === "call" ? pruneCall : undefined, this.sem.builtins.pruners.get(pn)!.params) };
    }
    this.steps.push({
      id: `search:${searchName}`,
      kind: "search",
      dependsOn,
      params: { search: searchName, model, space, sampler, objective: { direction: obj.direction, metric: metricKey(obj.target), split: "validation" }, ...(pruner ? { pruner } : {}) },
    });
  }

  private condition(st: Extract<A.Stmt, { kind: "condition" }>, where: string) {
    const metric = pathName(st.left);
    const base = { metric, op: st.op, text: `${metric} ${st.op} ${printExpr(st.right)}` };
    const bound = lowerBound(st.right, `\`${base.text}\` in ${where}`);
    if (bound.kind === "value") return { ...base, value: bound.value };
    const { kind: _, ...relative } = bound;
    return { ...base, relative };
  }

  private modelRef(e: A.Expr | undefined) {
    if (e?.kind !== "ref") return undefined;
    return { model: e.path[0]!.name, alias: e.alias!.name };
  }

  private serve(name: string): ServePlan {
    const sv = this.sem.serves.get(name)!;
    const http = sv.settings.calls.find((c) => calleeName(c.call) === "http");
    const batching = sv.settings.calls.find((c) => calleeName(c.call) === "batching");
    const hv = callValues(http?.call, settingCalls.http!);
    const plan: ServePlan = {
      name,
      model: this.modelRef(sv.settings.assigns.get("model")?.value)!,
      http: { port: hv.port as number, host: hv.host as string, bodyLimit: hv.body_limit as number },
      timeoutMs: settingValue(sv.settings, "timeout", "serve") as number,
      slo: (sv.settings.nested.get("slo")?.body ?? []).filter((s): s is Extract<A.Stmt, { kind: "condition" }> => s.kind === "condition").map((s) => this.condition(s, `serve \`${name}\``)),
    };
    const fb = this.modelRef(sv.settings.assigns.get("fallback")?.value);
    if (fb) plan.fallback = fb;
    if (batching) {
      const bv = callValues(batching.call, settingCalls.batching!);
      plan.batching = { maxBatch: bv.max_batch as number, maxWaitMs: bv.max_wait as number };
    }
    if (sv.model?.dataset) plan.dataset = sv.model.dataset.decl.name;
    if (settingValue(sv.settings, "allow_arm_header", "serve") === true) plan.allowArmHeader = true;
    return plan;
  }

  private rollout(name: string): RolloutPlan {
    const r = this.sem.rollouts.get(name)!;
    const c = r.settings.calls.find((x) => this.sem.builtins.rolloutStrategies.has(calleeName(x.call)))!;
    const kind = calleeName(c.call);
    const sig = this.sem.builtins.rolloutStrategies.get(kind)!;
    // the candidate defaults to the served model's challenger
    const served = r.serve?.model?.decl.name;
    const defaults = new Map(sig.params.filter((p) => p.name === "model" && served).map((p) => [p.name, { ...p, default: `${served}@challenger` }]));
    // bound to the signature, as the checker bound it; only the defaults differ
    const params = argValues(bindCall(c.call, sig.params), sig.params.map((p) => defaults.get(p.name) ?? p));
    return {
      name,
      serve: r.decl.block.relation!.target.name,
      strategy: { kind, params },
      guards: (r.settings.nested.get("guard")?.body ?? []).filter((s): s is Extract<A.Stmt, { kind: "condition" }> => s.kind === "condition").map((s) => this.condition(s, `rollout \`${name}\``)),
      onFail: settingValue(r.settings, "on_fail", "rollout") as "rollback" | "pause",
      onSuccess: settingValue(r.settings, "on_success", "rollout") as "promote" | "hold",
    };
  }

  private monitor(name: string): MonitorPlan {
    const mon = this.sem.monitors.get(name)!;
    const plan: MonitorPlan = { name, serve: mon.decl.block.relation!.target.name, scheduleMs: settingValue(mon.settings, "schedule", "monitor") as number, drift: [], performance: [], alerts: [] };
    for (const c of mon.settings.calls) {
      const fn = calleeName(c.call);
      if (fn === "drift") {
        const named = new Map(c.call.args.filter((a) => a.name).map((a) => [a.name!.name, a.value]));
        const prediction = c.call.args.some((a) => !a.name && a.value.kind === "ref" && a.value.path[0]!.name === "prediction");
        const pArg = c.call.args.find((a) => !a.name && a.value.kind === "binary" && a.value.left.kind === "ref" && a.value.left.path[0]!.name === "p_value");
        const cols = named.get("features");
        const where = `drift(...) of monitor \`${name}\``;
        const pValue = pArg ? constantValue((pArg.value as Extract<A.Expr, { kind: "binary" }>).right, where) : named.has("p_value") ? constantValue(named.get("p_value")!, where) : undefined;
        const threshold = named.has("threshold") ? constantValue(named.get("threshold")!, where) : undefined;
        plan.drift.push({
          target: prediction ? "prediction" : "features",
          columns: cols?.kind === "list" ? cols.items.map((i) => refName(i)!) : "all",
          test: named.get("test") ? refName(named.get("test")!)! : "auto",
          ...(threshold !== undefined ? { threshold } : {}),
          ...(pValue !== undefined ? { pValue } : {}),
          windowMs: named.has("window") ? constantValue(named.get("window")!, where) : 3_600_000,
          ...(named.has("min_samples") ? { minSamples: constantValue(named.get("min_samples")!, where) } : {}),
          ...(named.get("correction") ? { correction: refName(named.get("correction")!) as "bonferroni" | "fdr" | "none" } : {}),
          ...(named.has("share") ? { share: constantValue(named.get("share")!, where) } : {}),
        });
      } else if (fn === "performance") {
        const cond = c.call.args.find((a) => !a.name && a.value.kind === "binary")!.value as Extract<A.Expr, { kind: "binary" }>;
        const named = new Map(c.call.args.filter((a) => a.name).map((a) => [a.name!.name, a.value]));
        const labels = named.get("labels");
        plan.performance.push({
          metric: metricKey(cond.left as A.RefExpr),
          op: cond.op as "<" | "<=" | ">" | ">=",
          value: constantValue(cond.right, `performance(...) of monitor \`${name}\``),
          windowMs: named.has("window") ? constantValue(named.get("window")!, `performance(...) of monitor \`${name}\``) : 86_400_000,
          ...(labels?.kind === "call" ? { labels: this.source(mon.decl, labels) } : {}),
          ...(named.get("key") ? { key: refName(named.get("key")!)! } : {}),
          ...(named.has("min_samples") ? { minSamples: constantValue(named.get("min_samples")!, `performance(...) of monitor \`${name}\``) } : {}),
        });
      } else if (fn === "alert") {
        plan.alerts.push({ kind: "alert", params: callValues(c.call, settingCalls.alert!) });
      }
    }
    const rt = mon.settings.retrains[0];
    if (rt) {
      const atMost = rt.clauses.find((c) => c.kind === "at_most") as Extract<A.RetrainClause, { kind: "at_most" }> | undefined;
      const using = rt.clauses.find((c) => c.kind === "using") as Extract<A.RetrainClause, { kind: "using" }> | undefined;
      plan.retrain = {
        when: printExpr(rt.when),
        ...(atMost ? { maxRuns: numericValue(atMost.count)!, perMs: numericValue(atMost.per)! } : {}),
        ...(using ? { using: refName(using.target)! } : {}),
      };
    }
    return plan;
  }

  lower(): Omit<Plan, "specHash"> {
    const sem = this.sem;
    const searchesOf = new Map<string, string[]>();
    for (const [name, s] of sem.searches) {
      if (!s.model) continue;
      const list = searchesOf.get(s.model.decl.name) ?? [];
      list.push(name);
      searchesOf.set(s.model.decl.name, list);
    }
    // a spec without models is a data contract: every dataset is validated
    const usedDatasets = new Set<string>();
    for (const m of sem.models.values()) if (m.dataset) usedDatasets.add(m.dataset.decl.name);
    for (const fs of sem.features.values()) if (fs.dataset) usedDatasets.add(fs.dataset.decl.name);
    for (const ds of sem.datasets.values()) if (usedDatasets.has(ds.decl.name) || sem.models.size === 0) this.dataset(ds);
    const usedFeatures = new Set([...sem.models.values()].map((m) => m.features?.decl.name).filter(Boolean));
    for (const fs of sem.features.values()) if (usedFeatures.has(fs.decl.name)) this.features(fs);
    for (const m of gateOrder(sem)) this.model(m, searchesOf);
    const main = sem.program.main;
    const mainPath = sem.program.paths.get(main)!;
    return {
      planVersion: PLAN_VERSION,
      spec: {
        file: path.basename(mainPath),
        imports: sem.program.files.filter((f) => f !== main).map((f) => path.relative(this.projectRoot, sem.program.paths.get(f)!).split(path.sep).join("/")),
      },
      steps: this.steps,
      serves: [...sem.serves.keys()].map((n) => this.serve(n)),
      rollouts: [...sem.rollouts.keys()].map((n) => this.rollout(n)),
      monitors: [...sem.monitors.keys()].map((n) => this.monitor(n)),
    };
  }
}

/**
 * Models in declaration order, except that a model whose gates compare with
 * another model's version (`legacy@champion.auc`) comes after that model, so
 * the plan's steps stay in dependency order (the checker refuses circles).
 */
function gateOrder(sem: Semantic): ModelInfo[] {
  const out: ModelInfo[] = [];
  const placed = new Set<ModelInfo>();
  const place = (m: ModelInfo, path: Set<ModelInfo>) => {
    if (placed.has(m) || path.has(m)) return;
    path.add(m);
    for (const g of gateModels(m)) {
      const other = sem.models.get(g.name);
      if (other) place(other, path);
    }
    placed.add(m);
    out.push(m);
  };
  for (const m of sem.models.values()) place(m, new Set());
  return out;
}

/** Stable JSON: keys in insertion order, which the lowering fixes; two-space indent. */
export function serializePlan(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + "\n";
}

/** PlanSchema as a predicate, built on first use. */
let isPlan: ((value: unknown) => boolean) | undefined;

/**
 * The plan of a program that checked clean. specHash is the sha256 of the plan
 * without it (compact JSON, the same key order), so specs that mean the same,
 * however formatted or commented, share a hash. The result is validated against
 * the plan schema: a value the checker let through but a plan cannot hold is a
 * PlanError, not a bad plan.
 */
export function buildPlan(sem: Semantic): Plan {
  const body = new Lowering(sem).lower();
  const specHash = createHash("sha256").update(JSON.stringify(body)).digest("hex");
  const { planVersion, ...rest } = body;
  const plan = { planVersion, specHash, ...rest };
  // the predicate checks without safeParse's copy; safeParse words what is wrong
  isPlan ??= predicateOf(PlanSchema);
  if (isPlan(plan)) return plan;
  const checked = PlanSchema.safeParse(plan);
  if (!checked.success) {
    const issues = checked.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new PlanError(`the plan of ${sem.program.main.source.name} is invalid: ${issues.join("; ")}`);
  }
  return plan;
}
