/**
 * Dense layers shared by linear, mlp and wide_deep: Glorot-uniform kernels
 * drawn from the run's Rng (so initial weights depend only on the seed), zero
 * biases, and the activations the network format knows.
 */
import * as tf from "@tensorflow/tfjs";
import type { Activation, DenseLayer } from "../../../core/network.js";
import type { Rng } from "../../../core/rng.js";

export interface DenseVariables {
  inputs: number;
  units: number;
  activation: Activation;
  kernel: tf.Variable<tf.Rank.R2>;
  bias: tf.Variable<tf.Rank.R1>;
}

export function createDense(inputs: number, units: number, activation: Activation, rng: Rng, bias?: Float32Array): DenseVariables {
  const limit = Math.sqrt(6 / (inputs + units));
  const kernel = new Float32Array(inputs * units);
  for (let i = 0; i < kernel.length; i++) kernel[i] = rng.uniform(-limit, limit);
  return {
    inputs,
    units,
    activation,
    kernel: trainableVariable(kernel, [inputs, units]) as tf.Variable<tf.Rank.R2>,
    bias: trainableVariable(bias ?? new Float32Array(units), [units]) as tf.Variable<tf.Rank.R1>,
  };
}

/** A trainable variable holding `values`; the temporary tensor it starts from is released. */
export function trainableVariable(values: Float32Array, shape: number[]): tf.Variable {
  const initial = tf.tensor(values, shape, "float32");
  const v = tf.variable(initial, true);
  initial.dispose();
  return v;
}

export function applyDense(layer: DenseVariables, x: tf.Tensor2D): tf.Tensor2D {
  // fused kernels have gradients only for linear and relu
  if (layer.activation === "linear" || layer.activation === "relu") {
    return tf.fused.matMul({ a: x, b: layer.kernel, bias: layer.bias, activation: layer.activation }) as tf.Tensor2D;
  }
  return applyActivation(tf.fused.matMul({ a: x, b: layer.kernel, bias: layer.bias }) as tf.Tensor2D, layer.activation);
}

export function applyActivation(x: tf.Tensor2D, activation: Activation): tf.Tensor2D {
  switch (activation) {
    case "linear":
      return x;
    case "relu":
      return tf.relu(x);
    case "tanh":
      return tf.tanh(x);
    case "sigmoid":
      return tf.sigmoid(x);
    case "elu":
      return tf.elu(x);
    case "gelu":
      // exact form, x·Φ(x), as ONNX Gelu computes it
      return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
  }
}

/** Hidden stack with inverted dropout after each hidden layer while training. */
export function applyStack(layers: DenseVariables[], x: tf.Tensor2D, dropout: number, dropoutSeed: number | null): tf.Tensor2D {
  let h = x;
  layers.forEach((layer, i) => {
    h = applyDense(layer, h);
    const isHidden = i < layers.length - 1;
    if (isHidden && dropout > 0 && dropoutSeed !== null) h = tf.dropout(h, dropout, undefined, dropoutSeed + i * 7919) as tf.Tensor2D;
  });
  return h;
}

/** Sum of squared kernel entries, scaled; biases are not penalised. */
export function kernelPenalty(layers: DenseVariables[], l2: number): tf.Scalar | null {
  if (l2 === 0 || layers.length === 0) return null;
  return tf.tidy(() => tf.mul(tf.addN(layers.map((l) => tf.sum(tf.square(l.kernel)))), l2) as tf.Scalar);
}

export function denseToLayer(layer: DenseVariables): DenseLayer {
  return {
    inputs: layer.inputs,
    units: layer.units,
    weights: Float32Array.from(layer.kernel.dataSync()),
    bias: Float32Array.from(layer.bias.dataSync()),
    activation: layer.activation,
  };
}

export function denseVariables(layers: DenseVariables[]): tf.Variable[] {
  return layers.flatMap((l) => [l.kernel, l.bias]);
}

/** Hidden layers with the given activation, then a linear output layer. */
export function createStack(
  inputWidth: number,
  hidden: number[],
  activation: Activation,
  outputUnits: number,
  rng: Rng,
  outputBias?: Float32Array,
): DenseVariables[] {
  const layers: DenseVariables[] = [];
  let width = inputWidth;
  for (const units of hidden) {
    layers.push(createDense(width, units, activation, rng));
    width = units;
  }
  layers.push(createDense(width, outputUnits, "linear", rng, outputBias));
  return layers;
}
