/** The `median` pruner of a search block (spec/language.md#search). */
import type { ParamSig } from "../../signature.js";
import type { Pruner, PrunerSettings } from "../pruner-module.js";

export const signature = {
  kind: "pruner" as const,
  name: "median",
  params: [
    { name: "warmup", type: "int", default: 1, min: 0, doc: "epochs before pruning may start" },
    { name: "min_trials", type: "int", default: 5, min: 1, doc: "finished trials needed before pruning" },
  ] satisfies ParamSig[],
  doc: "Stops a trial whose value at a step is worse than the median of earlier trials at that step.",
};

export async function create({ params }: PrunerSettings): Promise<Pruner> {
  const { MedianPruner } = await import("./pruner.js");
  // steps are 1-based epochs: `warmup = w` keeps the first w epochs from pruning, so the first judged step is w + 1
  return new MedianPruner({ warmupSteps: Number(params["warmup"] ?? 1) + 1, minTrials: Number(params["min_trials"] ?? 5) });
}
