/**
 * Random but reproducible export scenarios: a dataset with every column type
 * and nulls, a random subset of feature pipelines, and a network with random
 * weights of the chosen kind.
 */
import { Rng } from "../../core/rng.js";
import type { FeatureDef, RawColumn, RawData } from "../../runtime/features/pipeline.js";
import type { Activation, DenseLayer, Network, OutputHead } from "../../core/network.js";
import type { TaskKind } from "../../stdlib/signature.js";

export const COLUMNS: RawColumn[] = [
  { name: "age", type: { kind: "int" } },
  { name: "income", type: { kind: "float" } },
  { name: "active", type: { kind: "bool" } },
  { name: "plan", type: { kind: "enum", values: ["basic", "pro", "enterprise"] } },
  { name: "city", type: { kind: "string" } },
  { name: "user", type: { kind: "string" } },
  { name: "item", type: { kind: "int" } },
  { name: "signup", type: { kind: "timestamp" } },
];

const CITIES = ["Oslo", "Lima", "Pune", "Kyiv", "Quito", "Perth", "Léon", "東京"];

export const NUMERIC_FEATURES: FeatureDef[] = [
  { name: "age_z", inputs: ["age"], stages: [{ fn: "standardize", args: {} }] },
  { name: "income_mm", inputs: ["income"], stages: [{ fn: "minmax", args: {} }] },
  { name: "income_l", inputs: ["income"], stages: [{ fn: "log1p", args: {} }, { fn: "clip", args: { low: 0, high: 12 } }] },
  { name: "age_c", inputs: ["age"], stages: [{ fn: "clip", args: { low: 20, high: 70 } }, { fn: "standardize", args: {} }] },
  { name: "plan_oh", inputs: ["plan"], stages: [{ fn: "onehot", args: {} }] },
  { name: "city_oh", inputs: ["city"], stages: [{ fn: "onehot", args: { max_categories: 3 } }] },
  { name: "income_q", inputs: ["income"], stages: [{ fn: "bucketize", args: { bins: 4 } }] },
  { name: "age_b", inputs: ["age"], stages: [{ fn: "bucketize", args: { boundaries: [30, 50, 70] } }] },
  { name: "city_h", inputs: ["city"], stages: [{ fn: "hash", args: { buckets: 8 } }] },
  { name: "plan_x_city", inputs: ["plan", "city"], stages: [{ fn: "cross", args: { buckets: 16 } }] },
  { name: "income_i", inputs: ["income"], stages: [{ fn: "impute", args: { strategy: "median" } }, { fn: "standardize", args: {} }] },
  { name: "city_i", inputs: ["city"], stages: [{ fn: "impute", args: {} }, { fn: "onehot", args: {} }] },
  { name: "active_oh", inputs: ["active"], stages: [{ fn: "onehot", args: {} }] },
  { name: "item_h", inputs: ["item"], stages: [{ fn: "hash", args: { buckets: 5, seed: 3 } }] },
  { name: "active_raw", inputs: ["active"], stages: [] },
  { name: "plan_mm", inputs: ["plan"], stages: [{ fn: "onehot", args: {} }, { fn: "minmax", args: {} }] },
];

export const INDEX_FEATURES: FeatureDef[] = [
  { name: "user_ix", inputs: ["user"], stages: [{ fn: "embed_index", args: {} }] },
  { name: "item_ix", inputs: ["item"], stages: [{ fn: "embed_index", args: { min_frequency: 2 } }] },
];

function maybeNull<T>(rng: Rng, value: T): T | null {
  return rng.next() < 0.1 ? null : value;
}

/** Rows; `unseen` mixes in categories and ids that training never had. */
export function makeRows(rng: Rng, rows: number, unseen: boolean): RawData {
  const data: Record<string, Array<number | string | boolean | null>> = {
    age: [], income: [], active: [], plan: [], city: [], user: [], item: [], signup: [],
  };
  for (let i = 0; i < rows; i++) {
    data.age!.push(maybeNull(rng, rng.int(18, 90)));
    data.income!.push(maybeNull(rng, rng.next() < 0.05 ? -rng.uniform(0, 100) : Math.exp(rng.normal(8, 1.5))));
    data.active!.push(maybeNull(rng, rng.next() < 0.6));
    const plans = unseen ? ["basic", "pro", "enterprise", "legacy"] : ["basic", "pro", "enterprise"];
    data.plan!.push(maybeNull(rng, plans[rng.int(0, plans.length - 1)]!));
    data.city!.push(maybeNull(rng, unseen && rng.next() < 0.2 ? `new-${rng.int(0, 99)}` : CITIES[rng.int(0, CITIES.length - 1)]!));
    data.user!.push(maybeNull(rng, `u${rng.int(0, unseen ? 25 : 15)}`));
    data.item!.push(maybeNull(rng, rng.int(0, unseen ? 30 : 20)));
    data.signup!.push(1.7e12 + i);
  }
  return data;
}

export function pickFeatures(rng: Rng, kind: Network["kind"]): FeatureDef[] {
  const numeric = NUMERIC_FEATURES.filter(() => rng.next() < 0.4);
  if (kind !== "matrix_factorization" && numeric.length === 0) numeric.push(NUMERIC_FEATURES[rng.int(0, NUMERIC_FEATURES.length - 1)]!);
  const chosen = rng.shuffle([...numeric]);
  if (kind === "matrix_factorization" || rng.next() < 0.3) {
    // index features at random places, user before item: the factorization's default order
    const userAt = rng.int(0, chosen.length);
    chosen.splice(userAt, 0, INDEX_FEATURES[0]!);
    chosen.splice(rng.int(userAt + 1, chosen.length), 0, INDEX_FEATURES[1]!);
  }
  return chosen;
}

const ACTIVATIONS: Activation[] = ["relu", "tanh", "sigmoid", "linear", "elu", "gelu"];

function randomArray(rng: Rng, length: number, scale: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.normal(0, scale);
  return out;
}

function denseLayer(rng: Rng, inputs: number, units: number, activation: Activation): DenseLayer {
  return {
    inputs,
    units,
    weights: randomArray(rng, inputs * units, 1 / Math.sqrt(inputs)),
    bias: randomArray(rng, units, 0.3),
    activation,
  };
}

function denseChain(rng: Rng, inputs: number, outputs: number): DenseLayer[] {
  const layers: DenseLayer[] = [];
  let width = inputs;
  const hidden = rng.int(0, 2);
  for (let i = 0; i < hidden; i++) {
    const units = rng.int(1, 8);
    layers.push(denseLayer(rng, width, units, ACTIVATIONS[rng.int(0, ACTIVATIONS.length - 1)]!));
    width = units;
  }
  layers.push(denseLayer(rng, width, outputs, "linear"));
  return layers;
}

export interface TaskChoice {
  task: TaskKind;
  head: OutputHead;
  units: number;
  classes?: string[];
}

export function pickTask(rng: Rng, kind: Network["kind"]): TaskChoice {
  if (kind === "matrix_factorization") {
    return rng.next() < 0.5 ? { task: "recommendation", head: "identity", units: 1 } : { task: "recommendation", head: "sigmoid", units: 1 };
  }
  const choices: TaskChoice[] = [
    { task: "binary", head: "sigmoid", units: 1, classes: ["stayed", "churned"] },
    { task: "multiclass", head: "softmax", units: 3, classes: ["setosa", "versicolor", "virginica"] },
    { task: "regression", head: "identity", units: 1 },
  ];
  return choices[rng.int(0, choices.length - 1)]!;
}

export function makeNetwork(
  rng: Rng,
  kind: Network["kind"],
  width: number,
  task: TaskChoice,
  cardinalities: { user: number; item: number },
): Network {
  if (kind === "sequential") return { kind, inputWidth: width, layers: denseChain(rng, width, task.units), head: task.head };
  if (kind === "wide_deep") {
    return {
      kind,
      inputWidth: width,
      wide: denseLayer(rng, width, task.units, "linear"),
      deep: denseChain(rng, width, task.units),
      head: task.head,
    };
  }
  const dim = rng.int(1, 6);
  return {
    kind,
    user: { count: cardinalities.user, dim, table: randomArray(rng, cardinalities.user * dim, 0.5) },
    item: { count: cardinalities.item, dim, table: randomArray(rng, cardinalities.item * dim, 0.5) },
    userBias: randomArray(rng, cardinalities.user, 0.2),
    itemBias: randomArray(rng, cardinalities.item, 0.2),
    globalBias: rng.normal(0, 1),
    head: task.head,
  };
}
