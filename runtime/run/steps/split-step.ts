/** The split step: the accepted rows into train, validation and test, each loaded as columns (numbers in typed arrays). */
import type { TypedColumnArrays } from "../../data/load.js";
import { RunError, EXIT } from "../errors.js";
import { PARTS, type Part } from "../features-view.js";
import type { StepRunner } from "../step-context.js";

export const splitStep: StepRunner<"split"> = {
  async run(step, ctx) {
    const { splitDataset } = await import("../../data/split.js");
    const { loadColumns } = await import("../../data/load.js");
    const d = ctx.dataset(step.params.dataset);
    const split = await splitDataset(d.validation, step.params.split);
    const parts = {} as Record<Part, TypedColumnArrays>;
    for (const part of PARTS) parts[part] = await loadColumns(d.validation, { part, typed: true });
    ctx.reporter.step(step.id, `${step.params.split.method}: train ${split.train.length}, validation ${split.validation.length}, test ${split.test.length}`);
    if (split.train.length === 0) throw new RunError(`dataset \`${step.params.dataset}\`: the training split is empty`, EXIT.dataRejected);
    return { dataset: { ...d, split, splitSpec: step.params.split, parts } };
  },
};
