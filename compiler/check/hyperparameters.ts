/**
 * The tunable space of a model: every path a search block may sample
 * (spec/language.md#search). Shared by the search rule and the planner.
 */
import type { ParamSig } from "../../stdlib/signature.js";
import type { Builtins } from "../../stdlib/index.js";
import { blockSettings } from "./settings-signatures.js";
import { calleeName, type ModelInfo } from "./semantic.js";

export function hyperparameters(m: ModelInfo, builtins: Builtins): Map<string, ParamSig> {
  const out = new Map<string, ParamSig>();
  const arch = m.arch && builtins.archs.get(calleeName(m.arch));
  for (const p of arch?.params ?? []) out.set(`arch.${p.name}`, p);
  const optNames = [...builtins.optimizers.keys()];
  out.set("train.optimizer", { name: "optimizer", type: { oneOf: optNames }, doc: "the optimizer" });
  // parameters of every optimizer: the optimizer itself may be searched
  for (const sig of builtins.optimizers.values()) {
    for (const p of sig.params) if (!out.has(`train.optimizer.${p.name}`)) out.set(`train.optimizer.${p.name}`, p);
  }
  for (const key of ["epochs", "batch"]) out.set(`train.${key}`, blockSettings.train![key]!);
  return out;
}
