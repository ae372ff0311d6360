/** The `median` pruner of a search block (spec/language.md#search). */
import type { ParamSig } from "../../signature.js";

export const signature = {
  kind: "pruner" as const,
  name: "median",
  params: [
    { name: "warmup", type: "int", default: 1, min: 0, doc: "epochs before pruning may start" },
    { name: "min_trials", type: "int", default: 5, min: 1, doc: "finished trials needed before pruning" },
  ] satisfies ParamSig[],
  doc: "Stops a trial whose value at a step is worse than the median of earlier trials at that step.",
};
