/** The train step: one model trained with its plan settings (runtime/run/train-model.ts). */
import type { StepRunner } from "../step-context.js";
import { trainModel } from "../train-model.js";

export const trainStep: StepRunner<"train"> = {
  async run(step, ctx) {
    return { model: await trainModel(step, ctx) };
  },
};
