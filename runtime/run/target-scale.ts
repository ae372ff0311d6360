/**
 * Regression targets are trained standardized — a price of 250,000 would take
 * an optimizer thousands of steps to reach — and the scale is folded back into
 * the network's last layer, so the exported model predicts in the target's units.
 * The trainer gets the scale too and reports every loss and metric in those units
 * (epoch lines, early stopping's min_delta, search objectives and pruners).
 */
import type { DenseLayer, Network } from "../model/network.js";

export interface TargetScale {
  mean: number;
  std: number;
}

export function fitTargetScale(y: Float32Array): TargetScale {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i]!;
  mean /= Math.max(1, y.length);
  let v = 0;
  for (let i = 0; i < y.length; i++) v += (y[i]! - mean) ** 2;
  const std = Math.sqrt(v / Math.max(1, y.length));
  return { mean, std: std > 1e-12 ? std : 1 };
}

export function scaleTargets(y: Float32Array, s: TargetScale): Float32Array {
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = (y[i]! - s.mean) / s.std;
  return out;
}

function scaleLayer(l: DenseLayer, factor: number, shift: number): DenseLayer {
  return {
    ...l,
    weights: l.weights.map((w) => w * factor),
    bias: l.bias.map((b) => b * factor + shift),
  };
}

/** y = std·f(x) + mean, folded into the output layer(s) of an identity-head network. */
export function unscaleNetwork(n: Network, s: TargetScale): Network {
  if (n.head !== "identity" || (s.mean === 0 && s.std === 1)) return n;
  switch (n.kind) {
    case "sequential":
      return { ...n, layers: [...n.layers.slice(0, -1), scaleLayer(n.layers.at(-1)!, s.std, s.mean)] };
    case "wide_deep":
      // both paths add up before the head: scale both, shift once
      return { ...n, wide: scaleLayer(n.wide, s.std, s.mean), deep: [...n.deep.slice(0, -1), scaleLayer(n.deep.at(-1)!, s.std, 0)] };
    case "matrix_factorization":
      return n; // ratings are trained in their own units (see shouldScale)
  }
}

/** Dense regression models train on standardized targets; factorizations keep ratings as they are. */
export function shouldScale(task: string, arch: string): boolean {
  return task === "regression" && arch !== "matrix_factorization";
}
