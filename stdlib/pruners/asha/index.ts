/** The `asha` pruner of a search block (spec/language.md#search). */
import type { ParamSig } from "../../signature.js";
import type { Pruner, PrunerSettings } from "../pruner-module.js";

export const signature = {
  kind: "pruner" as const,
  name: "asha",
  params: [
    { name: "min_resource", type: "int", default: 1, min: 1, doc: "epochs at the first rung" },
    { name: "reduction", type: "int", default: 3, min: 2, doc: "reduction factor between rungs" },
  ] satisfies ParamSig[],
  doc: "Asynchronous successive halving: at each rung only the top 1/reduction of trials go on.",
};

export async function create({ params }: PrunerSettings): Promise<Pruner> {
  const { SuccessiveHalvingPruner } = await import("./pruner.js");
  return new SuccessiveHalvingPruner({ minResource: Number(params["min_resource"] ?? 1), reductionFactor: Number(params["reduction"] ?? 3) });
}
