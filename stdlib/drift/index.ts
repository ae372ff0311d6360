/** The drift tests' implementations by name; signatures are read from stdlib/index.ts. */
import type { DriftTestFn } from "./drift-column.js";
import * as auto from "./auto.js";
import * as chi2 from "./chi2.js";
import * as js from "./js.js";
import * as ks from "./ks.js";
import * as psi from "./psi.js";
import * as wasserstein from "./wasserstein.js";

export const driftTestImplementations: ReadonlyMap<string, DriftTestFn> = new Map([
  ["psi", psi.test],
  ["ks", ks.test],
  ["chi2", chi2.test],
  ["js", js.test],
  ["wasserstein", wasserstein.test],
  ["auto", auto.test],
]);
