/**
 * A search objective of `val.loss` ranks trials by the validation loss (what early stopping
 * watches), not the training loss, which falls as a model overfits.
 */
import { describe, expect, it } from "vitest";
import { keptObjective, objectiveOf } from "../../runtime/run/steps/search-step.js";

describe("search objective", () => {
  it("reads val.loss from the validation figures", () => {
    expect(objectiveOf("loss", 0.1, { loss: 0.7, auc: 0.8 })).toBe(0.7);
    expect(objectiveOf("auc", 0.1, { loss: 0.7, auc: 0.8 })).toBe(0.8);
  });

  it("falls back to the training loss only without validation figures", () => {
    expect(objectiveOf("loss", 0.1, {})).toBe(0.1);
    expect(objectiveOf("auc", 0.1, {})).toBeNaN();
  });

  it("ranks by the kept epoch's validation loss", () => {
    const history = {
      epochs: [
        { epoch: 0, loss: 0.9, val: { loss: 0.8 } },
        { epoch: 1, loss: 0.5, val: { loss: 0.6 } },
        { epoch: 2, loss: 0.2, val: { loss: 0.75 } },
      ],
      stopReason: "early_stop",
      bestEpoch: 1,
      backend: "cpu",
    } as unknown as Parameters<typeof keptObjective>[1];
    expect(keptObjective("loss", history)).toEqual({ value: 0.6, epoch: 1 });
  });
});
