/** The `tpe` sampler of a search block (spec/language.md#search). */
import type { ParamSig } from "../../signature.js";
import type { Sampler, SamplerSettings } from "../sampler-module.js";
import { studyParams } from "../shared/study-params.js";

export const signature = {
  kind: "sampler" as const,
  name: "tpe",
  params: [
    ...studyParams,
    { name: "startup", type: "int", default: 10, min: 1, doc: "random trials before TPE takes over" },
  ] satisfies ParamSig[],
  doc: "Tree-structured Parzen Estimator: models good and bad trials separately and samples where good ones are likely.",
};

export async function create(settings: SamplerSettings): Promise<Sampler> {
  const { TPESampler } = await import("./sampler.js");
  const startup = settings["startup"] as number | undefined;
  return new TPESampler(startup ? { startupTrials: startup } : {});
}
