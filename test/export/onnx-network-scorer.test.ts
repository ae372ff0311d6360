import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rng } from "../../core/rng.js";
import { applyPipeline, fitPipeline } from "../../runtime/features/pipeline.js";
import { outputUnits, predictNetwork } from "../../runtime/model/forward.js";
import type { BuiltinNetwork as Network } from "../../stdlib/arch/index.js";
import { scoreNetwork } from "../../runtime/export/onnx-network-scorer.js";
import { expectClose } from "../transforms/onnx-agreement.js";
import { COLUMNS, makeNetwork, makeRows, pickFeatures, pickTask } from "./scenarios.js";

function scenario(seed: number, kind: Network["kind"], rows: number) {
  const rng = new Rng(seed);
  const defs = pickFeatures(rng, kind);
  const pipeline = fitPipeline(defs, COLUMNS, makeRows(rng, rng.int(3, 60), false));
  const task = pickTask(rng, kind);
  const cardinality = (name: string) => pipeline.indexFeatures.find((f) => f.name === name)?.cardinality ?? 1;
  const network = makeNetwork(rng, kind, pipeline.width, task, { user: cardinality("user_ix"), item: cardinality("item_ix") });
  return { network, features: applyPipeline(pipeline, makeRows(rng, rows, true)) };
}

describe("scoreNetwork: the network's graph run by onnxruntime", () => {
  for (const kind of ["sequential", "wide_deep", "matrix_factorization"] as const) {
    it(`${kind}: equals the JS reference forward pass`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 50 }), async (seed, rows) => {
          const { network, features } = scenario(seed, kind, rows);
          const got = await scoreNetwork(network, features);
          expect(got.length).toBe(features.rows * outputUnits(network));
          expectClose(got, predictNetwork(network, features));
        }),
        { numRuns: 15 },
      );
    });
  }

  it("refuses features of the wrong width", async () => {
    const { network, features } = scenario(3, "sequential", 4);
    await expect(scoreNetwork(network, { ...features, width: features.width + 1 })).rejects.toThrow(/reads \d+ features but the pipeline gives/);
  });
});
