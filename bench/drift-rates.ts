/**
 * Statistical figures of the monitoring rules, from seeded simulations (more trials than
 * test/monitor/drift-simulation.test.ts, which asserts the bounds):
 *   - false alarm rate with no shift: ks and chi2 on one column; a ten-column rule under
 *     bonferroni, fdr and none (the same-run baseline: uncorrected, as Evidently)
 *   - detection rate of a +0.5 σ mean shift in one column of ten, by window size and correction
 *   - CBPE's error against the measured metric on calibrated binary scores
 *
 *   npx tsx bench/drift-rates.ts [trials]
 */
import { estimateMetric, ESTIMABLE_METRICS } from "../runtime/monitor/cbpe.js";
import { evaluateDriftRule, type ColumnSamples, type Correction } from "../runtime/monitor/drift-rule.js";
import { Rng } from "../core/rng.js";
import { metrics } from "../stdlib/metrics/index.js";
import type { DriftColumn } from "../stdlib/drift/drift-column.js";

const TRIALS = Number(process.argv[2] ?? 2000);
const ALPHA = 0.05;
const se = (p: number) => Math.sqrt((p * (1 - p)) / TRIALS);
const fmt = (p: number) => `${p.toFixed(4)} ± ${se(p).toFixed(4)}`;

const normals = (rng: Rng, n: number, mean = 0): DriftColumn => ({ kind: "numeric", values: Array.from({ length: n }, () => rng.normal(mean, 1)) });
const categories = (rng: Rng, n: number): DriftColumn => ({
  kind: "categorical",
  values: Array.from({ length: n }, () => {
    const u = rng.next();
    return u < 0.4 ? "a" : u < 0.7 ? "b" : u < 0.9 ? "c" : "d";
  }),
});

function rate(seed: number, trial: (rng: Rng) => boolean): number {
  const rng = new Rng(seed);
  let hits = 0;
  for (let t = 0; t < TRIALS; t++) if (trial(rng)) hits++;
  return hits / TRIALS;
}

const started = performance.now();
console.log(`${TRIALS} trials per figure, alpha ${ALPHA}`);
console.log("\nfalse alarm rate, no shift (reference 500, window 200):");
console.log(`  ks, 1 column       ${fmt(rate(1, (rng) => evaluateDriftRule({ test: "ks", pValue: ALPHA, minSamples: 1 }, [{ column: "x", reference: normals(rng, 500), current: normals(rng, 200) }]).fired))}`);
console.log(`  chi2, 1 column     ${fmt(rate(2, (rng) => evaluateDriftRule({ test: "chi2", pValue: ALPHA, minSamples: 1 }, [{ column: "c", reference: categories(rng, 500), current: categories(rng, 200) }]).fired))}`);
const tenColumns = (rng: Rng, n: number, shift: number): ColumnSamples[] => Array.from({ length: 10 }, (_, c) => ({ column: `x${c}`, reference: normals(rng, 1000), current: normals(rng, n, c === 3 ? shift : 0) }));
const rule = (correction: Correction, samples: ColumnSamples[]) => evaluateDriftRule({ test: "auto", pValue: ALPHA, correction, minSamples: 1 }, samples);
const baseline = rate(5, (rng) => rule("none", tenColumns(rng, 200, 0)).fired);
for (const [i, c] of (["bonferroni", "fdr"] as const).entries()) {
  const r = rate(3 + i, (rng) => rule(c, tenColumns(rng, 200, 0)).fired);
  console.log(`  10 columns, ${c.padEnd(10)} ${fmt(r)}   (none, same run: ${fmt(baseline)}; ratio ${(r / baseline).toFixed(2)})`);
}
console.log("\ndetection rate, +0.5 σ on column 3 of 10 (reference 1000, auto → ks); other columns flagged:");
for (const n of [50, 100, 200]) {
  const cells: string[] = [];
  for (const [i, c] of (["bonferroni", "fdr", "none"] as const).entries()) {
    let wrong = 0;
    const d = rate(10 + 3 * n + i, (rng) => {
      const r = rule(c, tenColumns(rng, n, 0.5));
      wrong += r.columns.filter((col, k) => k !== 3 && col.verdict === "drift").length;
      return r.columns[3]!.verdict === "drift";
    });
    cells.push(`${c} ${d.toFixed(3)} (others ${(wrong / (TRIALS * 9)).toFixed(4)})`);
  }
  console.log(`  window ${String(n).padStart(3)}: ${cells.join(", ")}`);
}
console.log("\nCBPE on calibrated scores (4,000 rows, logit ~ N(0, 2)): mean |estimate − measured| over 200 windows");
const rng = new Rng(99);
const errors = Object.fromEntries(ESTIMABLE_METRICS.map((m) => [m, 0]));
for (let w = 0; w < 200; w++) {
  const ps = Array.from({ length: 4000 }, () => 1 / (1 + Math.exp(-rng.normal(0, 2))));
  const ys = Int32Array.from(ps.map((p) => (rng.next() < p ? 1 : 0)));
  for (const m of ESTIMABLE_METRICS) {
    const e = metrics[m]!;
    if (e.family !== "classification") continue;
    errors[m] += Math.abs(estimateMetric(m, ps) - e.compute(ys, Float32Array.from(ps))) / 200;
  }
}
console.log("  " + ESTIMABLE_METRICS.map((m) => `${m} ${errors[m]!.toFixed(4)}`).join(", "));
console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
