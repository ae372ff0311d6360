/** The `tpe` sampler of a search block (spec/language.md#search). */
import type { ParamSig } from "../signature.js";

export const signature = {
  kind: "sampler" as const,
  name: "tpe",
  params: [
    { name: "trials", type: "int", optional: true, min: 1, doc: "number of trials" },
    { name: "parallel", type: "int", default: 1, min: 1, doc: "trials run at once" },
    { name: "seed", type: "int", default: 0, doc: "seed of the trial sequence" },
    { name: "timeout", type: "duration", optional: true, doc: "wall-time budget of the whole search" },
    { name: "startup", type: "int", default: 10, min: 1, doc: "random trials before TPE takes over" },
  ] satisfies ParamSig[],
  doc: "Tree-structured Parzen Estimator: models good and bad trials separately and samples where good ones are likely.",
};
