/** The `grid` sampler of a search block (spec/language.md#search). */
import type { ParamSig } from "../../signature.js";
import type { Sampler, SamplerSettings } from "../sampler-module.js";
import { studyParams } from "../shared/study-params.js";

export const signature = {
  kind: "sampler" as const,
  name: "grid",
  params: [
    ...studyParams,
    { name: "points", type: "int", default: 5, min: 2, doc: "values per continuous parameter" },
  ] satisfies ParamSig[],
  doc: "Every combination of the choice/int values (floats discretised), in a fixed order.",
};

export async function create(settings: SamplerSettings): Promise<Sampler> {
  const { GridSampler } = await import("./sampler.js");
  const points = settings["points"] as number | undefined;
  return new GridSampler(points ? { continuousPoints: points } : {});
}
