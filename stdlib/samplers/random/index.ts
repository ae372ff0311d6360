/** The `random` sampler of a search block (spec/language.md#search). */
import type { ParamSig } from "../../signature.js";
import type { Sampler } from "../sampler-module.js";
import { studyParams } from "../shared/study-params.js";

export const signature = {
  kind: "sampler" as const,
  name: "random",
  params: [...studyParams] satisfies ParamSig[],
  doc: "Independent uniform sampling of every parameter.",
};

export async function create(): Promise<Sampler> {
  const { RandomSampler } = await import("./sampler.js");
  return new RandomSampler();
}
