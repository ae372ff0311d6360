/** The `grid` sampler of a search block (spec/language.md#search). */
import type { ParamSig } from "../signature.js";

export const signature = {
  kind: "sampler" as const,
  name: "grid",
  params: [
    { name: "trials", type: "int", optional: true, min: 1, doc: "number of trials" },
    { name: "parallel", type: "int", default: 1, min: 1, doc: "trials run at once" },
    { name: "seed", type: "int", default: 0, doc: "seed of the trial sequence" },
    { name: "timeout", type: "duration", optional: true, doc: "wall-time budget of the whole search" },
    { name: "points", type: "int", default: 5, min: 2, doc: "values per continuous parameter" },
  ] satisfies ParamSig[],
  doc: "Every combination of the choice/int values (floats discretised), in a fixed order.",
};
