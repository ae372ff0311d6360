/**
 * Regression targets are trained standardized — a price of 250,000 would take
 * an optimizer thousands of steps to reach — and the scale is folded back into
 * the network's last layer, so the exported model predicts in the target's units.
 * The trainer gets the scale too and reports every loss and metric in those units
 * (epoch lines, early stopping's min_delta, search objectives and pruners).
 */
import type { Network } from "../../core/network.js";
import type { TargetScale } from "../../stdlib/arch/arch-module.js";
import { architectures, type ArchRegistry } from "../../stdlib/arch/index.js";
import { shapeOf, type NetworkShapes } from "../model/forward.js";

export type { TargetScale } from "../../stdlib/arch/arch-module.js";

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

/** y = std·f(x) + mean, folded into the output layer(s) of an identity-head network. */
export function unscaleNetwork(n: Network, s: TargetScale, shapes?: NetworkShapes): Network {
  if (n.head !== "identity" || (s.mean === 0 && s.std === 1)) return n;
  return shapeOf(n, shapes).unscale?.(n, s) ?? n;
}

/** Regression models whose shape can fold the scale back train on standardized targets; others (factorizations) keep ratings as they are. */
export function shouldScale(task: string, arch: string, archs: ArchRegistry = architectures): boolean {
  return task === "regression" && archs[arch]?.network.unscale !== undefined;
}
