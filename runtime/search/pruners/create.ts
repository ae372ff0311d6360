/** Builds the pruner a plan names. The only place that knows every pruner. */
import { SearchError } from "../../../core/search/errors.js";
import { rejectUnknownOptions } from "../../../core/search/strategy-options.js";
import { SuccessiveHalvingPruner } from "../../../stdlib/pruners/asha/pruner.js";
import type { Pruner } from "../../../stdlib/pruners/pruner-module.js";
import { MedianPruner } from "../../../stdlib/pruners/median/pruner.js";

export type PrunerSpec =
  | { kind: "none" }
  | { kind: "median"; warmupSteps?: number; minTrials?: number }
  | { kind: "asha"; minResource?: number; reductionFactor?: number };

const optionNames: Record<PrunerSpec["kind"], readonly string[]> = {
  none: [],
  median: ["warmupSteps", "minTrials"],
  asha: ["minResource", "reductionFactor"],
};

/** null means no pruning (also for an absent spec). */
export function createPruner(spec: PrunerSpec | null | undefined): Pruner | null {
  if (spec === null || spec === undefined) return null;
  const kind = (spec as { kind?: unknown }).kind;
  if (typeof kind !== "string" || !(kind in optionNames)) {
    throw new SearchError(`unknown pruner ${JSON.stringify(kind)}; expected one of ${Object.keys(optionNames).join(", ")}`);
  }
  rejectUnknownOptions(`${kind} pruner`, spec, optionNames[kind as PrunerSpec["kind"]]);
  switch (spec.kind) {
    case "none":
      return null;
    case "median":
      return new MedianPruner(spec);
    case "asha":
      return new SuccessiveHalvingPruner(spec);
  }
}
