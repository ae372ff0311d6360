/**
 * Every built-in drift test, by the name a monitor calls it. Adding one means
 * adding its file (signature + test) and one line here.
 */
import type { DriftTestSig } from "../signature.js";
import type { DriftTestFn } from "./drift-column.js";
import * as auto from "./auto.js";
import * as chi2 from "./chi2.js";
import * as js from "./js.js";
import * as ks from "./ks.js";
import * as psi from "./psi.js";
import * as wasserstein from "./wasserstein.js";

/** One built-in drift test: its signature for the checker, its test for the monitor. */
export interface DriftTestModule {
  signature: DriftTestSig;
  test: DriftTestFn;
}

export const driftTests: Readonly<Record<string, DriftTestModule>> = { psi, ks, chi2, js, wasserstein, auto };

export const driftTestImplementations: ReadonlyMap<string, DriftTestFn> = new Map(Object.entries(driftTests).map(([name, m]) => [name, m.test]));
