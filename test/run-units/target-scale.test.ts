import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { predictNetwork } from "../../runtime/model/forward.js";
import type { DenseLayer, Network } from "../../core/network.js";
import { fitTargetScale, scaleTargets, unscaleNetwork } from "../../runtime/run/target-scale.js";

function layer(inputs: number, units: number, values: number[], activation: DenseLayer["activation"]): DenseLayer {
  return {
    inputs,
    units,
    activation,
    weights: Float32Array.from({ length: inputs * units }, (_, i) => values[i % values.length]!),
    bias: Float32Array.from({ length: units }, (_, i) => values[(i + 3) % values.length]! / 2),
  };
}

describe("regression target scaling", () => {
  it("standardizes targets to mean 0 and std 1", () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -1e5, max: 1e5, noNaN: true }), { minLength: 2, maxLength: 50 }), (ys) => {
        const y = Float32Array.from(ys);
        const s = fitTargetScale(y);
        const z = scaleTargets(y, s);
        const mean = z.reduce((a, b) => a + b, 0) / z.length;
        const std = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length);
        expect(Math.abs(mean)).toBeLessThan(1e-3);
        expect(Number.isFinite(s.std) && s.std > 0).toBe(true);
        const spread = Math.sqrt(Array.from(y).reduce((a, b) => a + (b - s.mean) ** 2, 0) / y.length);
        if (spread > 1e-12) {
          expect(s.std).toBeCloseTo(spread, 12);
          expect(Math.abs(std - 1)).toBeLessThan(1e-3);
        } else {
          // (nearly) constant targets have no spread to divide by: only the mean is removed
          expect(s.std).toBe(1);
          expect(std).toBeCloseTo(spread, 12);
        }
      }),
    );
  });

  it("fits the population std of the targets", () => {
    expect(fitTargetScale(Float32Array.from([2, 4, 4, 4, 5, 5, 7, 9]))).toEqual({ mean: 5, std: 2 });
  });

  it("folds the scale into the network: unscaled(x) = std·f(x) + mean, for sequential and wide_deep", () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: 4, maxLength: 12 }),
        fc.float({ min: -1000, max: 1000, noNaN: true }),
        fc.float({ min: Math.fround(0.1), max: 5000, noNaN: true }),
        (values, mean, std) => {
          const seq: Network = { kind: "sequential", inputWidth: 3, head: "identity", layers: [layer(3, 4, values, "relu"), layer(4, 1, values, "linear")] };
          const wd: Network = { kind: "wide_deep", inputWidth: 3, head: "identity", wide: layer(3, 1, values, "linear"), deep: [layer(3, 4, values, "tanh"), layer(4, 1, values, "linear")] };
          const x = Float32Array.from([0.5, -1, 2, 1, 0, -0.5]);
          for (const n of [seq, wd]) {
            const before = predictNetwork(n, { rows: 2, numeric: x, width: 3, indices: {} });
            const after = predictNetwork(unscaleNetwork(n, { mean, std }), { rows: 2, numeric: x, width: 3, indices: {} });
            for (let i = 0; i < 2; i++) expect(after[i]!).toBeCloseTo(std * before[i]! + mean, 0);
          }
        },
      ),
    );
  });
});
