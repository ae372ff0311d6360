/** Builds the sampler a plan names. The only place that knows every sampler. */
import { SearchError } from "../../../core/search/errors.js";
import { rejectUnknownOptions } from "../../../core/search/strategy-options.js";
import type { Sampler } from "../../../stdlib/samplers/sampler-module.js";
import { GridSampler } from "../../../stdlib/samplers/grid/sampler.js";
import { RandomSampler } from "../../../stdlib/samplers/random/sampler.js";
import { TPESampler } from "../../../stdlib/samplers/tpe/sampler.js";

export type SamplerSpec =
  | { kind: "random" }
  | { kind: "grid"; continuousPoints?: number; maxIntPoints?: number; maxGridSize?: number }
  | { kind: "tpe"; startupTrials?: number; candidates?: number; priorWeight?: number };

const optionNames: Record<SamplerSpec["kind"], readonly string[]> = {
  random: [],
  grid: ["continuousPoints", "maxIntPoints", "maxGridSize"],
  tpe: ["startupTrials", "candidates", "priorWeight"],
};

export function createSampler(spec: SamplerSpec): Sampler {
  const kind = (spec as { kind?: unknown }).kind;
  if (typeof kind !== "string" || !(kind in optionNames)) {
    throw new SearchError(`unknown sampler ${JSON.stringify(kind)}; expected one of ${Object.keys(optionNames).join(", ")}`);
  }
  rejectUnknownOptions(`${kind} sampler`, spec, optionNames[kind as SamplerSpec["kind"]]);
  switch (spec.kind) {
    case "random":
      return new RandomSampler();
    case "grid":
      return new GridSampler(spec);
    case "tpe":
      return new TPESampler(spec);
  }
}
