/**
 * The reference forward pass of a trained Network in plain JS: what the ONNX
 * graph computes, used by tests to check the export and as a fallback scorer
 * where onnxruntime is unavailable. Sums run in float64, each layer's output
 * is rounded to float32 (as tensors between ONNX nodes are).
 */
import type { Activation, DenseLayer, EmbeddingTable, Network, OutputHead } from "./network.js";

/** A network that does not fit its own shapes or its inputs. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NetworkError";
  }
}

/** What a network reads: the pipeline's numeric matrix and index features. */
export interface NetworkFeatures {
  rows: number;
  /** rows × width, row-major. */
  numeric: Float32Array;
  width: number;
  /** Index features by name, in declaration order (PipelineOutput.indices). */
  indices: Record<string, Int32Array>;
}

/** Which index features feed a matrix factorization; default: the first two, user then item. */
export interface FactorizationInputs {
  user: string;
  item: string;
}

export function factorizationInputs(indexNames: string[], chosen?: FactorizationInputs): FactorizationInputs {
  if (chosen) {
    for (const name of [chosen.user, chosen.item]) {
      if (!indexNames.includes(name)) throw new NetworkError(`matrix_factorization: no index feature \`${name}\` (have: ${indexNames.join(", ") || "none"})`);
    }
    return chosen;
  }
  if (indexNames.length < 2) {
    throw new NetworkError(`matrix_factorization needs two embed_index features (user, item); the pipeline has ${indexNames.length}`);
  }
  return { user: indexNames[0]!, item: indexNames[1]! };
}

/** Number of output columns the network produces. */
export function outputUnits(network: Network): number {
  if (network.kind === "sequential") return network.layers[network.layers.length - 1]!.units;
  if (network.kind === "wide_deep") return network.wide.units;
  return 1;
}

function checkDense(where: string, layer: DenseLayer, inputs: number): void {
  if (layer.inputs !== inputs) throw new NetworkError(`${where}: expects ${layer.inputs} inputs but receives ${inputs}`);
  if (!Number.isInteger(layer.units) || layer.units < 1) throw new NetworkError(`${where}: needs at least one unit`);
  if (layer.weights.length !== layer.inputs * layer.units) {
    throw new NetworkError(`${where}: has ${layer.weights.length} weights, expected ${layer.inputs}×${layer.units}`);
  }
  if (layer.bias.length !== layer.units) throw new NetworkError(`${where}: has ${layer.bias.length} biases, expected ${layer.units}`);
}

function checkChain(where: string, layers: DenseLayer[], inputs: number): number {
  let width = inputs;
  layers.forEach((layer, i) => {
    checkDense(`${where} layer ${i + 1}`, layer, width);
    width = layer.units;
  });
  return width;
}

function checkTable(where: string, table: EmbeddingTable, bias: Float32Array): void {
  if (table.count < 1 || table.dim < 1 || table.table.length !== table.count * table.dim) {
    throw new NetworkError(`${where} embedding: ${table.table.length} values do not make ${table.count}×${table.dim}`);
  }
  if (bias.length !== table.count) throw new NetworkError(`${where} bias: ${bias.length} values for ${table.count} rows`);
}

/** Checks every shape; returns the number of output units. */
export function checkNetwork(network: Network): number {
  if (network.kind === "sequential") {
    if (network.layers.length === 0) throw new NetworkError("sequential network has no layers");
    return checkChain("dense", network.layers, network.inputWidth);
  }
  if (network.kind === "wide_deep") {
    checkDense("wide layer", network.wide, network.inputWidth);
    if (network.deep.length === 0) throw new NetworkError("wide_deep network has no deep layers");
    const deepUnits = checkChain("deep", network.deep, network.inputWidth);
    if (deepUnits !== network.wide.units) {
      throw new NetworkError(`wide_deep: the wide part gives ${network.wide.units} outputs but the deep part ${deepUnits}`);
    }
    return deepUnits;
  }
  checkTable("user", network.user, network.userBias);
  checkTable("item", network.item, network.itemBias);
  if (network.user.dim !== network.item.dim) {
    throw new NetworkError(`matrix_factorization: user dim ${network.user.dim} differs from item dim ${network.item.dim}`);
  }
  return 1;
}

/** erf to ~1e-14: Maclaurin series below 3, Laplace continued fraction for erfc above. */
export function erf(x: number): number {
  const a = Math.abs(x);
  const sign = x < 0 ? -1 : 1;
  if (a < 3) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }
  let fraction = a;
  for (let k = 60; k >= 1; k--) fraction = a + k / 2 / fraction;
  return sign * (1 - Math.exp(-a * a) / (Math.sqrt(Math.PI) * fraction));
}

export function activate(activation: Activation, x: number): number {
  switch (activation) {
    case "relu":
      return x > 0 ? x : 0;
    case "tanh":
      return Math.tanh(x);
    case "sigmoid":
      return 1 / (1 + Math.exp(-x));
    case "linear":
      return x;
    case "elu":
      return x > 0 ? x : Math.expm1(x);
    case "gelu":
      return 0.5 * x * (1 + erf(x / Math.SQRT2));
  }
}

function dense(layer: DenseLayer, input: Float32Array, rows: number): Float32Array {
  const { inputs, units, weights, bias, activation } = layer;
  const out = new Float32Array(rows * units);
  const sums = new Float64Array(units);
  for (let r = 0; r < rows; r++) {
    sums.set(bias);
    for (let i = 0; i < inputs; i++) {
      const x = input[r * inputs + i]!;
      if (x === 0) continue;
      const row = i * units;
      for (let u = 0; u < units; u++) sums[u]! += x * weights[row + u]!;
    }
    // round the pre-activation to float32 first, as the graph's MatMul/Add output is float32
    for (let u = 0; u < units; u++) out[r * units + u] = activate(activation, Math.fround(sums[u]!));
  }
  return out;
}

function chain(layers: DenseLayer[], input: Float32Array, rows: number): Float32Array {
  return layers.reduce((x, layer) => dense(layer, x, rows), input);
}

function applyHead(head: OutputHead, logits: Float32Array, units: number): Float32Array {
  if (head === "identity") return logits;
  const out = new Float32Array(logits.length);
  if (head === "sigmoid") {
    for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-logits[i]!));
    return out;
  }
  for (let r = 0; r < logits.length / units; r++) {
    const row = logits.subarray(r * units, (r + 1) * units);
    const max = Math.max(...row);
    let total = 0;
    for (let u = 0; u < units; u++) total += Math.exp(row[u]! - max);
    for (let u = 0; u < units; u++) out[r * units + u] = Math.exp(row[u]! - max) / total;
  }
  return out;
}

function checkIndex(where: string, indices: Int32Array, count: number): void {
  for (const i of indices) {
    if (i < 0 || i >= count) throw new NetworkError(`${where} index ${i} is outside the table of ${count} rows`);
  }
}

/**
 * Scores rows: rows × units, row-major (units = 1 except for softmax heads).
 * `mf` picks the index features of a matrix factorization.
 */
export function predictNetwork(network: Network, features: NetworkFeatures, mf?: FactorizationInputs): Float32Array {
  const units = checkNetwork(network);
  const { rows } = features;
  if (network.kind === "matrix_factorization") {
    const { user, item } = factorizationInputs(Object.keys(features.indices), mf);
    const users = features.indices[user]!;
    const items = features.indices[item]!;
    checkIndex("user", users, network.user.count);
    checkIndex("item", items, network.item.count);
    const dim = network.user.dim;
    const logits = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      const u = users[r]! * dim;
      const v = items[r]! * dim;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += network.user.table[u + d]! * network.item.table[v + d]!;
      logits[r] = Math.fround(dot) + network.userBias[users[r]!]! + network.itemBias[items[r]!]! + network.globalBias;
    }
    return applyHead(network.head, logits, 1);
  }
  if (features.width !== network.inputWidth) {
    throw new NetworkError(`the network reads ${network.inputWidth} features but the pipeline gives ${features.width}`);
  }
  const x = features.numeric.subarray(0, rows * features.width);
  if (network.kind === "sequential") return applyHead(network.head, chain(network.layers, x, rows), units);
  const wide = dense(network.wide, x, rows);
  const deep = chain(network.deep, x, rows);
  const logits = new Float32Array(wide.length);
  for (let i = 0; i < logits.length; i++) logits[i] = wide[i]! + deep[i]!;
  return applyHead(network.head, logits, units);
}
