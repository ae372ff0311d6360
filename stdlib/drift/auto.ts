/**
 * The `auto` drift test (spec/language.md#drift-tests), Evidently's rule: a numeric
 * column with more than AUTO_FEW_VALUES distinct values (in both samples together)
 * is numeric, anything else categorical; a reference of at most AUTO_SMALL_REFERENCE
 * rows gets a p-value test (ks, chi2), a larger one a distance (wasserstein, js).
 */
import type { DriftTestSig } from "../signature.js";
import { requireNonEmpty, type DriftColumn, type DriftOutcome } from "./drift-column.js";
import * as chi2 from "./chi2.js";
import * as js from "./js.js";
import * as ks from "./ks.js";
import * as wasserstein from "./wasserstein.js";

export const signature: DriftTestSig = {
  kind: "drift_test",
  name: "auto",
  accepts: ["numeric", "categorical"],
  yields: "chosen",
  doc: "Chosen per column by kind and reference size: ks or chi2 for up to 1,000 reference rows, wasserstein or js above.",
};

export const AUTO_SMALL_REFERENCE = 1000;
export const AUTO_FEW_VALUES = 5;

export type ChosenTest = "ks" | "chi2" | "wasserstein" | "js";

function distinctMoreThan(limit: number, ...samples: ArrayLike<number>[]): boolean {
  const seen = new Set<number>();
  for (const s of samples) {
    for (let i = 0; i < s.length; i++) {
      seen.add(s[i]!);
      if (seen.size > limit) return true;
    }
  }
  return false;
}

export function chooseTest(reference: DriftColumn, current: DriftColumn): ChosenTest {
  const numeric = reference.kind === "numeric" && current.kind === "numeric" && distinctMoreThan(AUTO_FEW_VALUES, reference.values, current.values);
  const small = reference.values.length <= AUTO_SMALL_REFERENCE;
  if (numeric) return small ? "ks" : "wasserstein";
  return small ? "chi2" : "js";
}

const asCategories = (c: DriftColumn): DriftColumn => (c.kind === "categorical" ? c : { kind: "categorical", values: Array.from(c.values as ArrayLike<number>, (v) => String(v)) });

const chosen = { ks: ks.test, chi2: chi2.test, wasserstein: wasserstein.test, js: js.test };

export function test(reference: DriftColumn, current: DriftColumn): DriftOutcome {
  requireNonEmpty("auto", reference, current);
  const name = chooseTest(reference, current);
  return name === "ks" || name === "wasserstein" ? chosen[name](reference, current) : chosen[name](asCategories(reference), asCategories(current));
}
