/**
 * Dense layers in plain JS and as ONNX nodes, shared by the network shapes built
 * from them (sequential, wide_deep): checks, the reference forward pass (sums in
 * float64, each layer's output rounded to float32 as tensors between ONNX nodes
 * are), Gemm plus activation, the JSON codec and the target-scale fold.
 */
import { NetworkError, type Activation, type DenseLayer } from "../../../core/network.js";
import type { OnnxEmitContext } from "../../../core/onnx-emit.js";
import { decodeFloat32, encodeArray } from "../../../core/tensor-codec.js";

export function checkDense(where: string, layer: DenseLayer, inputs: number): void {
  if (layer.inputs !== inputs) throw new NetworkError(`${where}: expects ${layer.inputs} inputs but receives ${inputs}`);
  if (!Number.isInteger(layer.units) || layer.units < 1) throw new NetworkError(`${where}: needs at least one unit`);
  if (layer.weights.length !== layer.inputs * layer.units) {
    throw new NetworkError(`${where}: has ${layer.weights.length} weights, expected ${layer.inputs}×${layer.units}`);
  }
  if (layer.bias.length !== layer.units) throw new NetworkError(`${where}: has ${layer.bias.length} biases, expected ${layer.units}`);
}

/** Checks each layer against the width before it; returns the last width. */
export function checkChain(where: string, layers: DenseLayer[], inputs: number): number {
  let width = inputs;
  layers.forEach((layer, i) => {
    checkDense(`${where} layer ${i + 1}`, layer, width);
    width = layer.units;
  });
  return width;
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

export function dense(layer: DenseLayer, input: Float32Array, rows: number): Float32Array {
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

export function chain(layers: DenseLayer[], input: Float32Array, rows: number): Float32Array {
  return layers.reduce((x, layer) => dense(layer, x, rows), input);
}

function emitActivation(graph: OnnxEmitContext, activation: Activation, x: string): string {
  switch (activation) {
    case "linear":
      return x;
    case "relu":
      return graph.node("Relu", [x]);
    case "tanh":
      return graph.node("Tanh", [x]);
    case "sigmoid":
      return graph.node("Sigmoid", [x]);
    case "elu":
      return graph.node("Elu", [x], { alpha: { float: 1 } });
    case "gelu": {
      // opset 17 has no Gelu: 0.5 · x · (1 + erf(x / √2))
      const erf = graph.node("Erf", [graph.node("Div", [x, graph.floats([Math.SQRT2], [])])]);
      const scaled = graph.node("Mul", [x, graph.node("Add", [erf, graph.floats([1], [])])]);
      return graph.node("Mul", [scaled, graph.floats([0.5], [])]);
    }
  }
}

export function emitDense(graph: OnnxEmitContext, layer: DenseLayer, x: string): string {
  const weights = graph.floats(layer.weights, [layer.inputs, layer.units]);
  const bias = graph.floats(layer.bias, [layer.units]);
  return emitActivation(graph, layer.activation, graph.node("Gemm", [x, weights, bias]));
}

export function emitChain(graph: OnnxEmitContext, layers: DenseLayer[], x: string): string {
  return layers.reduce((input, layer) => emitDense(graph, layer, input), x);
}

type Encoded = Record<string, unknown>;

export function encodeLayer(l: DenseLayer): Encoded {
  return { inputs: l.inputs, units: l.units, activation: l.activation, weights: encodeArray(l.weights), bias: encodeArray(l.bias) };
}

export function decodeLayer(e: Encoded): DenseLayer {
  return {
    inputs: e.inputs as number,
    units: e.units as number,
    activation: e.activation as DenseLayer["activation"],
    weights: decodeFloat32(e.weights as string),
    bias: decodeFloat32(e.bias as string),
  };
}

/** The layer followed by y·factor + shift, as one layer. */
export function scaleLayer(l: DenseLayer, factor: number, shift: number): DenseLayer {
  return {
    ...l,
    weights: l.weights.map((w) => w * factor),
    bias: l.bias.map((b) => b * factor + shift),
  };
}

