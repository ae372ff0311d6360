import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { answerJson } from "../../runtime/serve/routes/predict.js";
import type { RowPrediction } from "../../runtime/serve/loaded-model.js";
import type { PredictResult } from "../../runtime/serve/serve-endpoint.js";

/** What JSON.stringify makes of the same answer: the reference for the hand-written serializer. */
function reference(result: PredictResult, batch: boolean): unknown {
  const rows = result.predictions.map((p) => ({ ...p, model: result.model }));
  const body = batch ? { requestId: result.requestId, predictions: rows, model: result.model, arm: result.arm } : { requestId: result.requestId, ...rows[0], arm: result.arm };
  return JSON.parse(JSON.stringify(result.fallback ? { ...body, fallback: result.fallback } : body));
}

const number = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1e-300, 5e-324));
const label = fc.oneof(fc.string(), fc.boolean(), fc.integer());
const prediction: fc.Arbitrary<RowPrediction> = fc.oneof(
  fc.record({ score: number }),
  fc.record({ prediction: number }),
  fc.record({ prediction: label, probabilities: fc.dictionary(fc.string(), number, { maxKeys: 4 }) }),
);

describe("answerJson", () => {
  it("property: parses to what JSON.stringify would have written", () => {
    fc.assert(
      fc.property(
        fc.array(prediction, { minLength: 1, maxLength: 5 }),
        fc.string(),
        fc.string(),
        fc.nat(),
        fc.option(fc.record({ reason: fc.constantFrom("error" as const, "timeout" as const), message: fc.string(), primary: fc.record({ name: fc.string(), version: fc.nat() }) }), { nil: undefined }),
        fc.boolean(),
        fc.constantFrom("current", "candidate", "arm:churn_mlp@3", 'a"b'),
        (predictions, requestId, name, version, fallback, batch, arm) => {
          const result: PredictResult = { requestId, predictions: batch ? predictions : predictions.slice(0, 1), model: { name, version }, arm, rollout: null, latencyMs: 1, ...(fallback ? { fallback } : {}) };
          expect(JSON.parse(answerJson(result, batch))).toEqual(reference(result, batch));
        },
      ),
      { numRuns: 500 },
    );
  });
});
