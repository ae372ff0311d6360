/** Parameters every sampler takes: the study's budget and seed (spec/language.md#search). */
import type { ParamSig } from "../../signature.js";

export const studyParams: ParamSig[] = [
    { name: "trials", type: "int", optional: true, min: 1, doc: "number of trials" },
    { name: "parallel", type: "int", default: 1, min: 1, doc: "trials run at once" },
    { name: "seed", type: "int", default: 0, doc: "seed of the trial sequence" },
    { name: "timeout", type: "duration", optional: true, doc: "wall-time budget of the whole search" },
];
