/**
 * Real models for the serving tests and bench: a churn-like dataset made with a
 * seeded Rng, a feature pipeline fitted on it, a network with seeded random
 * weights, exported to ONNX and registered in a temporary workspace beside a
 * spec whose `serve` block the test chooses.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportOnnx } from "../../runtime/export/onnx.js";
import { fitPipeline, type FeatureDef, type FittedPipeline, type RawColumn, type RawData } from "../../runtime/features/pipeline.js";
import type { DenseLayer, Network } from "../../core/network.js";
import { Rng } from "../../core/rng.js";
import { openWorkspace, type Workspace } from "../../runtime/workspace/workspace.js";
import { OnnxGraphBuilder } from "../../runtime/export/onnx-graph.js";
import { serializeModel } from "../../runtime/export/onnx-model.js";

export const CHURN_COLUMNS: RawColumn[] = [
  { name: "customer_id", type: { kind: "string" } },
  { name: "tenure", type: { kind: "int" } },
  { name: "monthly", type: { kind: "float" } },
  { name: "plan", type: { kind: "enum", values: ["basic", "pro", "enterprise"] } },
  { name: "region", type: { kind: "enum", values: ["north", "south", "east", "west"] } },
  { name: "support_calls", type: { kind: "int" } },
  { name: "churned", type: { kind: "bool" } },
];

export const CHURN_FEATURES: FeatureDef[] = [
  { name: "tenure_z", inputs: ["tenure"], stages: [{ fn: "standardize", args: {} }] },
  { name: "monthly_l", inputs: ["monthly"], stages: [{ fn: "impute", args: { strategy: "median" } }, { fn: "log1p", args: {} }, { fn: "clip", args: { low: 0, high: 12 } }] },
  { name: "plan_oh", inputs: ["plan"], stages: [{ fn: "onehot", args: {} }] },
  { name: "region_oh", inputs: ["region"], stages: [{ fn: "onehot", args: {} }] },
  { name: "calls_z", inputs: ["support_calls"], stages: [{ fn: "standardize", args: {} }] },
];

const PLANS = ["basic", "pro", "enterprise"];
const REGIONS = ["north", "south", "east", "west"];

export type ChurnRow = Record<string, string | number | boolean | null>;

/** Request rows (no label) that satisfy the churn contract. */
export function churnRows(seed: number, count: number): ChurnRow[] {
  const rng = new Rng(seed);
  const rows: ChurnRow[] = [];
  for (let i = 0; i < count; i++) {
    rows.push({
      customer_id: `C${String(seed).padStart(3, "0")}${String(i).padStart(5, "0")}`,
      tenure: rng.int(0, 120),
      monthly: rng.next() < 0.05 ? null : Math.round(Math.exp(rng.normal(3.8, 0.5)) * 100) / 100,
      plan: PLANS[rng.int(0, 2)]!,
      region: REGIONS[rng.int(0, 3)]!,
      support_calls: rng.int(0, 20),
    });
  }
  return rows;
}

/** Rows as columns, the shape the feature pipeline reads. */
export function toColumns(rows: ChurnRow[], columns: RawColumn[] = CHURN_COLUMNS): RawData {
  const data: Record<string, Array<string | number | boolean | null>> = {};
  for (const c of columns) data[c.name] = rows.map((r) => (r[c.name] === undefined ? null : r[c.name]!));
  return data;
}

function dense(rng: Rng, inputs: number, units: number, activation: DenseLayer["activation"]): DenseLayer {
  const weights = new Float32Array(inputs * units);
  for (let i = 0; i < weights.length; i++) weights[i] = rng.normal(0, 1 / Math.sqrt(inputs));
  const bias = new Float32Array(units);
  for (let i = 0; i < units; i++) bias[i] = rng.normal(0, 0.3);
  return { inputs, units, weights, bias, activation };
}

export interface BuiltModel {
  bytes: Uint8Array;
  pipeline: FittedPipeline;
  network: Network;
}

/** A binary churn model: pipeline fitted on seeded rows, an MLP (or a linear model, hidden = []) with seeded weights. */
export function churnModel(options: { seed: number; hidden?: number[]; name?: string }): BuiltModel {
  const rng = new Rng(options.seed);
  const train = churnRows(options.seed + 1000, 200).map((r) => ({ ...r, churned: rng.next() < 0.3 }));
  const pipeline = fitPipeline(CHURN_FEATURES, CHURN_COLUMNS, toColumns(train));
  const layers: DenseLayer[] = [];
  let width = pipeline.width;
  for (const units of options.hidden ?? [32, 16]) {
    layers.push(dense(rng, width, units, "relu"));
    width = units;
  }
  layers.push(dense(rng, width, 1, "linear"));
  const network: Network = { kind: "sequential", inputWidth: pipeline.width, layers, head: "sigmoid" };
  const bytes = exportOnnx({
    pipeline,
    network,
    task: "binary",
    classes: ["false", "true"],
    columns: CHURN_COLUMNS,
    metadata: { specHash: "test", modelName: options.name ?? "churn_mlp" },
  });
  return { bytes, pipeline, network };
}

/**
 * A model with the churn inputs whose output has a fixed batch dimension of 1:
 * it answers one row and fails on a batch of more (onnxruntime reports a shape
 * error), the way a badly exported model does.
 */
export function singleRowOnlyModel(): Uint8Array {
  const graph = new OnnxGraphBuilder();
  const tenure = graph.addInput({ name: "tenure", type: "float", dims: ["N", 1] });
  graph.addInput({ name: "plan", type: "string", dims: ["N", 1] });
  const scaled = graph.node("Mul", [tenure, graph.floats([0.01], [1, 1])]);
  const fixed = graph.node("Reshape", [graph.node("Sigmoid", [scaled]), graph.int64s([1, 1], [2])]);
  graph.nodeTo("probability", "Identity", [fixed]);
  graph.addOutput({ name: "probability", type: "float", dims: ["N", 1] });
  return serializeModel(graph, { graphName: "single_row", metadata: { "mlspec.task": "binary", "mlspec.output": "probability", "mlspec.classes": '["false","true"]' } });
}

/**
 * A slow model with the churn inputs: each row's `tenure` is spread over a
 * [rows, width] matrix that goes through `layers` products with one
 * [width, width] weight, so a row costs rows * width^2 * layers multiply-adds
 * while the graph stays a handful of nodes and the file small. For deadline tests.
 */
export function slowModel(options: { rows?: number; width?: number; layers: number }): Uint8Array {
  const rows = options.rows ?? 4096;
  const width = options.width ?? 256;
  const graph = new OnnxGraphBuilder();
  const tenure = graph.addInput({ name: "tenure", type: "float", dims: ["N", 1] });
  const cube = graph.node("Expand", [graph.node("Reshape", [tenure, graph.int64s([-1, 1, 1], [3])]), graph.int64s([1, rows, width], [3])]);
  const weight = graph.floats(new Float32Array(width * width).fill(1 / width), [width, width]);
  let x = cube;
  for (let i = 0; i < options.layers; i++) x = graph.node("MatMul", [x, weight]);
  const mean = graph.node("ReduceMean", [x], { axes: { ints: [1, 2] }, keepdims: { int: 1 } });
  const flat = graph.node("Reshape", [mean, graph.int64s([-1, 1], [2])]);
  graph.nodeTo("probability", "Sigmoid", [graph.node("Mul", [flat, graph.floats([0.01], [1, 1])])]);
  graph.addOutput({ name: "probability", type: "float", dims: ["N", 1] });
  return serializeModel(graph, { graphName: "slow", metadata: { "mlspec.task": "binary", "mlspec.output": "probability", "mlspec.classes": '["false","true"]' } });
}

export interface TestProject {
  dir: string;
  specPath: string;
  workspaceDir: string;
  workspace: Workspace;
  /** Store `bytes`, register a version of `name`, point `alias` at it; returns the version number. */
  register(name: string, bytes: Uint8Array, alias?: string, metrics?: Record<string, number>): number;
  cleanup(): void;
}

export interface ServeBlockOptions {
  name?: string;
  model?: string;
  fallback?: string;
  port?: number;
  bodyLimit?: number;
  batching?: { maxBatch: number; maxWait: string } | null;
  timeout?: string;
}

/** The churn spec (dataset, features, two models) with the serve block described by `serve`. */
export function churnSpecText(serve: ServeBlockOptions = {}): string {
  const lines = [
    `serve ${serve.name ?? "churn_api"} {`,
    `  model = ${serve.model ?? "churn_mlp@champion"}`,
    ...(serve.fallback ? [`  fallback = ${serve.fallback}`] : []),
    `  http(port = ${serve.port ?? 0}${serve.bodyLimit ? `, body_limit = ${serve.bodyLimit}` : ""})`,
    ...(serve.batching === null ? [] : [`  batching(max_batch = ${serve.batching?.maxBatch ?? 32}, max_wait = ${serve.batching?.maxWait ?? "2ms"})`]),
    `  timeout = ${serve.timeout ?? "250ms"}`,
    `}`,
  ];
  return `mlspec 1

dataset customers {
  source = csv("data/customers.csv")
  label  = churned
  split  = holdout(test = 20%, validation = 10%, stratify = churned, seed = 7)
  contract {
    customer_id   : string unique
    tenure        : int range 0..120
    monthly       : float range 0..10000 nulls <= 2%
    plan          : enum("basic", "pro", "enterprise")
    region        : enum("north", "south", "east", "west")
    support_calls : int range 0..20
    churned       : bool
    rows >= 100
  }
}

features churn_features from customers {
  tenure_z   = standardize(tenure)
  monthly_l  = impute(monthly, strategy = median) |> log1p |> clip(0, 12)
  plan_oh    = onehot(plan)
  region_oh  = onehot(region)
  calls_z    = standardize(support_calls)
}

model churn_mlp {
  task    = binary_classification(target = churned)
  inputs  = churn_features
  arch    = mlp(hidden = [32, 16], activation = relu)
  metrics = [auc, accuracy]
}

model churn_logreg {
  task    = binary_classification(target = churned)
  inputs  = churn_features
  arch    = linear()
  metrics = [auc, accuracy]
}

${lines.join("\n")}
`;
}

/** A temp directory holding a spec (extra files beside it too) and an opened workspace `.mlspec/`. */
export function makeProject(specText: string, extraFiles: Record<string, string> = {}): TestProject {
  const dir = mkdtempSync(join(tmpdir(), "mlspec-serve-"));
  const specPath = join(dir, "project.mlspec");
  writeFileSync(specPath, specText);
  for (const [name, text] of Object.entries(extraFiles)) writeFileSync(join(dir, name), text);
  const workspaceDir = join(dir, ".mlspec");
  const workspace = openWorkspace(workspaceDir);
  return {
    dir,
    specPath,
    workspaceDir,
    workspace,
    register(name, bytes, alias = "champion", metrics = { auc: 0.8 }) {
      const sha = workspace.artifacts.put(bytes, { kind: "onnx_model", model: name });
      const version = workspace.registry.registerVersion({
        name,
        runId: null,
        status: "registered",
        metrics,
        reasons: [],
        artifactSha256: sha,
        specHash: "test",
        dataHash: "test",
      });
      if (alias) workspace.registry.setAlias(name, version, alias);
      return version;
    },
    cleanup() {
      workspace.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------ flowers
// A second project with a multiclass and a regression model, served by two
// serve blocks on one port.

export const FLOWER_COLUMNS: RawColumn[] = [
  { name: "sepal_length", type: { kind: "float" } },
  { name: "sepal_width", type: { kind: "float" } },
  { name: "species", type: { kind: "enum", values: ["setosa", "versicolor", "virginica"] } },
  { name: "petal_length", type: { kind: "float" } },
];

const FLOWER_FEATURES: FeatureDef[] = [
  { name: "sl", inputs: ["sepal_length"], stages: [{ fn: "standardize", args: {} }] },
  { name: "sw", inputs: ["sepal_width"], stages: [{ fn: "standardize", args: {} }] },
];

export function flowerRows(seed: number, count: number): ChurnRow[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => ({
    sepal_length: Math.round(rng.uniform(4, 8) * 10) / 10,
    sepal_width: Math.round(rng.uniform(2, 4.5) * 10) / 10,
  }));
}

export function flowerModel(task: "multiclass" | "regression", seed: number): BuiltModel {
  const rng = new Rng(seed);
  const pipeline = fitPipeline(FLOWER_FEATURES, FLOWER_COLUMNS, toColumns(flowerRows(seed + 7, 50), FLOWER_COLUMNS));
  const units = task === "multiclass" ? 3 : 1;
  const network: Network = {
    kind: "sequential",
    inputWidth: pipeline.width,
    layers: [dense(rng, pipeline.width, 8, "tanh"), dense(rng, 8, units, "linear")],
    head: task === "multiclass" ? "softmax" : "identity",
  };
  const bytes = exportOnnx({
    pipeline,
    network,
    task,
    ...(task === "multiclass" ? { classes: ["setosa", "versicolor", "virginica"] } : {}),
    columns: FLOWER_COLUMNS,
    metadata: { specHash: "test", modelName: task === "multiclass" ? "species_mlp" : "petal_reg" },
  });
  return { bytes, pipeline, network };
}

export function flowerSpecText(): string {
  return `mlspec 1

dataset flowers {
  source = csv("flowers.csv")
  contract {
    sepal_length : float range 0..20
    sepal_width  : float range 0..20
    species      : enum("setosa", "versicolor", "virginica")
    petal_length : float range 0..20
  }
}

features flower_features from flowers {
  sl = standardize(sepal_length)
  sw = standardize(sepal_width)
}

model species_mlp {
  task    = multiclass_classification(target = species)
  inputs  = flower_features
  arch    = mlp(hidden = [8])
}

model petal_reg {
  task    = regression(target = petal_length)
  inputs  = flower_features
  arch    = mlp(hidden = [8])
}

serve species_api {
  model = species_mlp@champion
  http(port = 0)
}

serve petal_api {
  model = petal_reg@champion
  http(port = 0)
  batching(max_batch = 16, max_wait = 1ms)
}
`;
}

// ------------------------------------------------------------------ ratings
// A recommender: matrix factorisation over two index features.

export const RATING_COLUMNS: RawColumn[] = [
  { name: "user_id", type: { kind: "string" } },
  { name: "movie_id", type: { kind: "string" } },
  { name: "rating", type: { kind: "float" } },
];

export function ratingModel(seed: number): BuiltModel {
  const rng = new Rng(seed);
  const train: ChurnRow[] = Array.from({ length: 60 }, (_, i) => ({ user_id: `u${i % 7}`, movie_id: `m${i % 11}` }));
  const pipeline = fitPipeline(
    [
      { name: "user_ix", inputs: ["user_id"], stages: [{ fn: "embed_index", args: {} }] },
      { name: "movie_ix", inputs: ["movie_id"], stages: [{ fn: "embed_index", args: {} }] },
    ],
    RATING_COLUMNS,
    toColumns(train, RATING_COLUMNS),
  );
  const count = (name: string) => pipeline.indexFeatures.find((f) => f.name === name)!.cardinality;
  const table = (rows: number, dim: number) => Float32Array.from({ length: rows * dim }, () => rng.normal(0, 0.5));
  const dim = 4;
  const network: Network = {
    kind: "matrix_factorization",
    user: { count: count("user_ix"), dim, table: table(count("user_ix"), dim) },
    item: { count: count("movie_ix"), dim, table: table(count("movie_ix"), dim) },
    userBias: table(count("user_ix"), 1),
    itemBias: table(count("movie_ix"), 1),
    globalBias: 3.5,
    head: "identity",
  };
  const bytes = exportOnnx({ pipeline, network, task: "recommendation", columns: RATING_COLUMNS, metadata: { specHash: "test", modelName: "movie_mf" } });
  return { bytes, pipeline, network };
}

export function ratingSpecText(): string {
  return `mlspec 1

dataset ratings {
  source = csv("ratings.csv")
  contract {
    user_id  : string
    movie_id : string
    rating   : float range 0.5..5
  }
}

features rating_features from ratings {
  user_ix  = embed_index(user_id)
  movie_ix = embed_index(movie_id)
}

model movie_mf {
  task   = recommendation(user = user_id, item = movie_id, target = rating)
  inputs = rating_features
  arch   = matrix_factorization(dim = 4)
}

serve movie_api {
  model = movie_mf@champion
  http(port = 0)
}
`;
}
