/**
 * How blocks lower to plan steps (spec/plan.md): one case per rule of the
 * lowering, and the specs a plan cannot express, which are PlanErrors.
 */
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/index.js";
import { programFromText } from "../../compiler/check/program.js";
import { buildPlan } from "../../compiler/plan/lower.js";
import { PlanError } from "../../compiler/plan/plan-error.js";
import type { Plan, StepOf } from "../../compiler/plan/schema.js";
import { dagProblems, planText, schemaProblems } from "./plan-checks.js";

const DATASET = `mlspec 1
dataset d {
  source = csv("data/d.csv")
  label  = y
  contract {
    id : string unique
    x  : float range 0..10 nulls <= 5%
    n  : int
    c  : enum("a", "b")
    t  : timestamp
    y  : bool
    rows > 9
  }
}
features f from d {
  xz = standardize(x)
  xl = log1p(x)
  xlc = xl |> clip(0, 2)
  co = onehot(c)
}
`;
const MODEL = `model m {
  task    = binary_classification(target = y)
  inputs  = f
  arch    = mlp(hidden = [8])
  metrics = [auc, accuracy]
}
`;

function plan(text: string): Plan {
  const r = planText(text);
  expect(r.errors).toEqual([]);
  expect(schemaProblems(JSON.parse(JSON.stringify(r.plan)))).toEqual([]);
  expect(dagProblems(r.plan!)).toEqual([]);
  return r.plan!;
}

function step<K extends StepOf<any>["kind"]>(p: Plan, id: string): StepOf<K> {
  const s = p.steps.find((x) => x.id === id);
  expect(s, `no step ${id}`).toBeDefined();
  return s as StepOf<K>;
}

/** The checker rejects the spec, or planning fails with a PlanError matching `message`; never a bad plan. */
function expectUnplannable(text: string, message: RegExp): void {
  const checked = checkProgram(programFromText(text));
  if (checked.hasErrors) return;
  let error: unknown;
  try {
    buildPlan(checked.sem);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PlanError);
  expect((error as Error).message).toMatch(message);
}

describe("datasets", () => {
  it("lower to validate, profile and split with the contract written out", () => {
    const p = plan(DATASET + MODEL);
    expect(p.steps.slice(0, 3).map((s) => `${s.id} <- ${s.dependsOn.join(",")}`)).toEqual(["validate:d <- ", "profile:d <- validate:d", "split:d <- validate:d"]);
    const v = step<"validate">(p, "validate:d").params;
    expect(v.source).toEqual({ format: "csv", path: "data/d.csv", delimiter: ",", header: true });
    expect(v.contract.rows).toEqual({ min: 10 });
    expect(v.contract.columns.find((c) => c.name === "x")).toEqual({ name: "x", type: { kind: "float" }, nulls: { allowed: true, maxFraction: 0.05 }, range: { min: 0, max: 10 } });
    expect(v.contract.columns.find((c) => c.name === "id")!.unique).toBe(true);
    expect(step<"split">(p, "split:d").params.split).toEqual({ method: "random", test: 0.2, validation: 0.1, seed: 0 });
  });

  it("pick the split method: group, else order_by, else stratify, else random", () => {
    const methodOf = (args: string) => step<"split">(plan(DATASET.replace('label  = y', `label  = y\n  split = holdout(${args})`) + MODEL), "split:d").params.split;
    expect(methodOf("group = id, order_by = t, stratify = y")).toMatchObject({ method: "group", column: "id" });
    expect(methodOf("order_by = t, stratify = y")).toMatchObject({ method: "time", column: "t" });
    expect(methodOf("stratify = y, test = 30%, seed = 4")).toEqual({ method: "stratified", test: 0.3, validation: 0.1, seed: 4, column: "y" });
  });

  it("are all validated when the spec has no model (a data contract)", () => {
    const p = plan(`mlspec 1
dataset a { source = csv("a.csv")  contract { x : int } }
dataset b { source = jsonl("b.jsonl")  contract { y : string } }
`);
    expect(p.steps.map((s) => s.id)).toEqual(["validate:a", "profile:a", "split:a", "validate:b", "profile:b", "split:b"]);
    expect(step<"validate">(p, "validate:b").params.source).toEqual({ format: "jsonl", path: "b.jsonl" });
  });
});

describe("features", () => {
  it("write every transform argument and inline features built on features", () => {
    const defs = step<"fit_features">(plan(DATASET + MODEL), "fit_features:f").params.definitions;
    expect(defs).toEqual([
      { name: "xz", inputs: ["x"], stages: [{ fn: "standardize", args: {} }] },
      { name: "xl", inputs: ["x"], stages: [{ fn: "log1p", args: {} }] },
      { name: "xlc", inputs: ["x"], stages: [{ fn: "log1p", args: {} }, { fn: "clip", args: { low: 0, high: 2 } }] },
      { name: "co", inputs: ["c"], stages: [{ fn: "onehot", args: {} }] },
    ]);
  });

  it("come from the dataset's columns for `inputs = DATASET` and `columns(...)`", () => {
    for (const inputs of ["d", "columns(d)", "columns(d, except = [n])"]) {
      const p = plan(DATASET.replace(/features f[\s\S]*$/, "") + MODEL.replace("inputs  = f", `inputs  = ${inputs}`));
      const fit = step<"fit_features">(p, "fit_features:m.columns");
      expect(fit.dependsOn).toEqual(["split:d"]);
      // numbers and bools pass through, enums are one-hot encoded, strings, timestamps and the label are left out
      const expected = [
        { name: "x", inputs: ["x"], stages: [] },
        ...(inputs.includes("except") ? [] : [{ name: "n", inputs: ["n"], stages: [] }]),
        { name: "c", inputs: ["c"], stages: [{ fn: "onehot", args: {} }] },
      ];
      expect(fit.params.definitions).toEqual(expected);
      expect(step<"train">(p, "train:m").params.features).toBe("m.columns");
    }
  });
});

describe("models", () => {
  it("lower to train, evaluate, gate, export and register with every default written", () => {
    const p = plan(DATASET + MODEL);
    expect(p.steps.slice(4).map((s) => s.id)).toEqual(["train:m", "evaluate:m", "gate:m", "export:m", "register:m"]);
    const t = step<"train">(p, "train:m").params;
    expect(t.task).toEqual({ kind: "binary", target: "y", classes: [false, true] });
    expect(t.arch).toEqual({ kind: "mlp", params: { hidden: [8], activation: "relu", dropout: 0, l2: 0 } });
    expect(t.train).toEqual({ optimizer: { kind: "adam", params: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } }, epochs: 10, batchSize: 256, seed: 0 });
    expect(step<"register">(p, "register:m").params).toEqual({ model: "m", alias: "champion", aliasWhenNone: "champion" });
  });

  it("fold constant bounds and offsets of gates", () => {
    const p = plan(DATASET + MODEL.replace("metrics", "require auc >= 0.5 + 0.25\n  require val.accuracy > champion.accuracy - 0.01 - 0.01\n  require auc >= challenger.auc\n  metrics"));
    expect(step<"gate">(p, "gate:m").params.gates).toEqual([
      { metric: "auc", split: "test", op: ">=", bound: { kind: "value", value: 0.75 }, text: "auc >= 0.5 + 0.25" },
      { metric: "accuracy", split: "validation", op: ">", bound: { kind: "alias", alias: "champion", metric: "accuracy", offset: -0.02 }, text: "val.accuracy > champion.accuracy - 0.01 - 0.01" },
      { metric: "auc", split: "test", op: ">=", bound: { kind: "alias", alias: "challenger", metric: "auc", offset: 0 }, text: "auc >= challenger.auc" },
    ]);
  });

  it("gate on another model's version after that model's register step, that model planned first", () => {
    const challenger = MODEL.replace("model m {", "model m2 {").replace("metrics", "require auc >= m@champion.auc - 0.01\n  require accuracy >= m2@champion.accuracy\n  metrics");
    // m2 is declared first but compares with m: m's steps come first
    const p = plan(DATASET + challenger + MODEL);
    const ids = p.steps.map((s) => s.id);
    expect(ids.indexOf("register:m")).toBeLessThan(ids.indexOf("train:m2"));
    const g = step<"gate">(p, "gate:m2");
    expect(g.dependsOn).toEqual(["evaluate:m2", "register:m"]);
    expect(g.params.gates.map((x) => x.bound)).toEqual([
      { kind: "alias", alias: "champion", metric: "auc", offset: -0.01, model: "m" },
      // the model's own version: no `model`
      { kind: "alias", alias: "champion", metric: "accuracy", offset: 0 },
    ]);
    expect(step<"gate">(p, "gate:m").dependsOn).toEqual(["evaluate:m"]);
  });

  it("register as challenger when a rollout rolls out their serve block", () => {
    const p = plan(`${DATASET}${MODEL}serve api { model = m@champion }\nrollout r for api { canary(steps = [50%, 100%], interval = 10m) }\n`);
    expect(step<"register">(p, "register:m").params.alias).toBe("challenger");
  });

  it("train through their search, whose base configuration is the train step", () => {
    const p = plan(`${DATASET}${MODEL}search s for m {
  arch.dropout ~ uniform(0, 0.5)
  train.optimizer ~ choice(adam, sgd)
  train.optimizer.momentum ~ uniform(0, 0.9) when train.optimizer == sgd
  train.epochs ~ int(5, 50, step = 5)
  sampler = grid(points = 3)
  objective = maximize val.auc
  prune = asha
}
`);
    const s = step<"search">(p, "search:s");
    expect(s.dependsOn).toEqual(["train:m"]);
    expect(step<"evaluate">(p, "evaluate:m").dependsOn).toEqual(["search:s"]);
    expect(s.params.space).toEqual([
      { path: "arch.dropout", dist: { kind: "uniform", low: 0, high: 0.5 } },
      { path: "train.optimizer", dist: { kind: "choice", options: ["adam", "sgd"] } },
      { path: "train.optimizer.momentum", dist: { kind: "uniform", low: 0, high: 0.9 }, condition: { path: "train.optimizer", equals: "sgd" } },
      { path: "train.epochs", dist: { kind: "int", low: 5, high: 50, step: 5, log: false } },
    ]);
    expect(s.params.sampler).toEqual({ kind: "grid", parallel: 1, seed: 0, points: 3 });
    expect(s.params.objective).toEqual({ direction: "maximize", metric: "auc", split: "validation" });
    expect(s.params.pruner).toEqual({ kind: "asha", params: { min_resource: 1, reduction: 3 } });
  });
});

describe("serve, rollout and monitor sections", () => {
  const text = `${DATASET}${MODEL}serve api {
  model = m@champion
  fallback = m@2
  batching(max_batch = 8, max_wait = 3ms)
  timeout = 2s
  slo { p99_latency < 40ms  error_rate < 0.5% }
}
rollout r1 for api {
  canary(steps = [10%, 100%], interval = 1h)
  guard { auc >= champion.auc - 0.02 }
}
rollout r2 for api { shadow(sample = 50%, duration = 1d)  on_fail = pause }
monitor w for api {
  drift(features = [x, c], test = psi, threshold = 0.25, window = 30m, min_samples = 100)
  drift(prediction, test = ks, p_value < 0.05)
  performance(auc >= 0.7, window = 2d, labels = csv("data/fb.csv"), key = id, min_samples = 50)
  alert(channel = file, target = "alerts.log")
  retrain when drift or performance, at most 2 per 12h, using m
  schedule = 1m
}
`;
  const p = plan(text);

  it("normalise units: durations in ms, percents as fractions", () => {
    expect(p.serves).toEqual([
      {
        name: "api",
        model: { model: "m", alias: "champion" },
        http: { port: 8080, host: "127.0.0.1", bodyLimit: 1048576 },
        timeoutMs: 2000,
        slo: [
          { metric: "p99_latency", op: "<", text: "p99_latency < 40ms", value: 40 },
          { metric: "error_rate", op: "<", text: "error_rate < 0.5%", value: 0.005 },
        ],
        fallback: { model: "m", alias: "2" },
        batching: { maxBatch: 8, maxWaitMs: 3 },
        dataset: "d",
      },
    ]);
  });

  it("give a rollout's candidate the served model's challenger by default", () => {
    expect(p.rollouts.map((r) => r.strategy)).toEqual([
      { kind: "canary", params: { steps: [0.1, 1], interval: 3_600_000, model: "m@challenger", min_samples: 100 } },
      { kind: "shadow", params: { model: "m@challenger", sample: 0.5, duration: 86_400_000, min_samples: 100 } },
    ]);
    expect(p.rollouts[0]!.guards).toEqual([{ metric: "auc", op: ">=", text: "auc >= champion.auc - 0.02", relative: { alias: "champion", metric: "auc", offset: -0.02 } }]);
    expect(p.rollouts[1]!.onFail).toBe("pause");
  });

  it("lower every monitor rule", () => {
    expect(p.monitors).toEqual([
      {
        name: "w",
        serve: "api",
        scheduleMs: 60_000,
        drift: [
          { target: "features", columns: ["x", "c"], test: "psi", threshold: 0.25, windowMs: 1_800_000, minSamples: 100 },
          { target: "prediction", columns: "all", test: "ks", pValue: 0.05, windowMs: 3_600_000 },
        ],
        performance: [{ metric: "auc", op: ">=", value: 0.7, windowMs: 172_800_000, labels: { format: "csv", path: "data/fb.csv", delimiter: ",", header: true }, key: "id", minSamples: 50 }],
        alerts: [{ kind: "alert", params: { channel: "file", target: "alerts.log" } }],
        retrain: { when: "drift or performance", maxRuns: 2, perMs: 43_200_000, using: "m" },
      },
    ]);
  });
});

describe("what a plan cannot express is rejected by the checker or a PlanError", () => {
  it("a bound that scales a metric", () => {
    expectUnplannable(DATASET + MODEL.replace("metrics", "require auc >= champion.auc * 0.95\n  metrics"), /cannot plan the bound `champion.auc \* 0.95`/);
  });

  it("a bound that names another metric of the model", () => {
    expectUnplannable(DATASET + MODEL.replace("metrics", "require auc >= accuracy\n  metrics"), /cannot plan the bound `accuracy`/);
  });

  it("two searches for one model", () => {
    const search = (n: string) => `search ${n} for m { arch.dropout ~ uniform(0, 0.5)  sampler = random(trials = 2)  objective = maximize val.auc }\n`;
    expectUnplannable(DATASET + MODEL + search("s1") + search("s2"), /model `m` has 2 search blocks \(s1, s2\)/);
  });
});
