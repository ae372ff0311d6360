/** Small seeded problems for the training tests. */
import { Rng } from "../../core/rng.js";
import type { TrainData, TrainSplit } from "../../runtime/train/fit.js";
import type { Network, DenseLayer } from "../../core/network.js";
import type { BuiltinNetwork } from "../../stdlib/arch/index.js";

function features(rng: Rng, n: number, d: number): Float32Array {
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  return x;
}

function split(seed: number, n: number, d: number, label: (row: Float32Array, rng: Rng) => number): TrainSplit {
  const rng = new Rng(seed);
  const x = features(rng, n, d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = label(x.subarray(i * d, (i + 1) * d), rng);
  return { x, y };
}

/** Label 1 when a nonlinear score is positive (an XOR-ish term makes hidden layers useful). */
export function binaryProblem(n = 400, d = 4, seed = 1): TrainData {
  const label = (r: Float32Array, rng: Rng) => (r[0]! - 0.5 * r[1]! + r[2]! * r[3]! + 0.2 * rng.normal() > 0 ? 1 : 0);
  return { train: split(seed, n, d, label), validation: split(seed + 1000, Math.floor(n / 2), d, label) };
}

/** Three classes by which of three directions the row points most along. */
export function multiclassProblem(n = 450, d = 4, seed = 2): TrainData {
  const label = (r: Float32Array) => {
    const s = [r[0]!, r[1]! - r[2]!, -r[0]! + r[3]!];
    return s.indexOf(Math.max(...s));
  };
  return { train: split(seed, n, d, label), validation: split(seed + 1000, Math.floor(n / 2), d, label) };
}

export function regressionProblem(n = 400, d = 4, seed = 3): TrainData {
  const label = (r: Float32Array, rng: Rng) => 2 * r[0]! - r[1]! + 0.5 * r[2]! * r[2]! + 3 + 0.1 * rng.normal();
  return { train: split(seed, n, d, label), validation: split(seed + 1000, Math.floor(n / 2), d, label) };
}

/** Ratings from rank-2 user and item factors plus noise; every user rates some items in each split. */
export function ratingsProblem(users = 30, items = 40, seed = 4): TrainData {
  const rng = new Rng(seed);
  const u = features(rng, users, 2);
  const v = features(rng, items, 2);
  const rows = (count: number, s: number): TrainSplit => {
    const r = new Rng(s);
    const user = new Int32Array(count);
    const item = new Int32Array(count);
    const y = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      user[i] = i % users;
      item[i] = r.int(0, items - 1);
      const affinity = u[user[i]! * 2]! * v[item[i]! * 2]! + u[user[i]! * 2 + 1]! * v[item[i]! * 2 + 1]!;
      y[i] = Math.min(5, Math.max(0, 3 + affinity + 0.1 * r.normal())); // ratings 0..5
    }
    return { x: new Float32Array(0), y, indices: { user, item } };
  };
  return { train: rows(900, seed + 1), validation: rows(300, seed + 2), cardinality: { user: users, item: items } };
}

/** Plain-JS forward pass of a Network: a reference for the layout the exporter relies on. */
export function predictNetwork(network: Network, x: Float32Array, rows: number, indices?: { user: Int32Array; item: Int32Array }): Float32Array[] {
  const net = network as BuiltinNetwork;
  const out: Float32Array[] = [];
  const dense = (layer: DenseLayer, input: Float32Array) => {
    const y = new Float32Array(layer.units);
    for (let j = 0; j < layer.units; j++) {
      let s = layer.bias[j]!;
      for (let i = 0; i < layer.inputs; i++) s += input[i]! * layer.weights[i * layer.units + j]!;
      y[j] = activate(layer.activation, s);
    }
    return y;
  };
  for (let r = 0; r < rows; r++) {
    let raw: Float32Array;
    if (net.kind === "matrix_factorization") {
      const u = indices!.user[r]!;
      const it = indices!.item[r]!;
      let s = net.globalBias + net.userBias[u]! + net.itemBias[it]!;
      for (let k = 0; k < net.user.dim; k++) s += net.user.table[u * net.user.dim + k]! * net.item.table[it * net.item.dim + k]!;
      raw = Float32Array.of(s);
    } else {
      const input = x.subarray(r * net.inputWidth, (r + 1) * net.inputWidth);
      const stack = net.kind === "sequential" ? net.layers : net.deep;
      let h: Float32Array = input;
      for (const layer of stack) h = dense(layer, h);
      if (net.kind === "wide_deep") {
        const w = dense(net.wide, input);
        h = h.map((v, j) => v + w[j]!);
      }
      raw = h;
    }
    out.push(head(net.head, raw));
  }
  return out;
}

function activate(a: DenseLayer["activation"], v: number): number {
  switch (a) {
    case "linear":
      return v;
    case "relu":
      return Math.max(0, v);
    case "tanh":
      return Math.tanh(v);
    case "sigmoid":
      return 1 / (1 + Math.exp(-v));
    case "elu":
      return v > 0 ? v : Math.exp(v) - 1;
    case "gelu":
      return 0.5 * v * (1 + erf(v / Math.SQRT2));
  }
}

/** Abramowitz–Stegun 7.1.26 (error < 1.5e-7). */
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

function head(h: Network["head"], raw: Float32Array): Float32Array {
  if (h === "sigmoid") return raw.map((v) => 1 / (1 + Math.exp(-v)));
  if (h === "softmax") {
    const m = Math.max(...raw);
    const e = raw.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  }
  return raw;
}

/** Every weight array of a network, for byte comparisons. */
export function networkArrays(network: Network): Float32Array[] {
  const net = network as BuiltinNetwork;
  switch (net.kind) {
    case "sequential":
      return net.layers.flatMap((l) => [l.weights, l.bias]);
    case "wide_deep":
      return [net.wide.weights, net.wide.bias, ...net.deep.flatMap((l) => [l.weights, l.bias])];
    case "matrix_factorization":
      return [net.user.table, net.item.table, net.userBias, net.itemBias, Float32Array.of(net.globalBias)];
  }
}

export function sameBytes(a: Network, b: Network): boolean {
  const x = networkArrays(a);
  const y = networkArrays(b);
  return x.length === y.length && x.every((arr, i) => Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength).equals(Buffer.from(y[i]!.buffer, y[i]!.byteOffset, y[i]!.byteLength)));
}
