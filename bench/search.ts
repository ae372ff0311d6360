/**
 * Search engine benchmark.
 *
 *   npx tsx bench/search.ts
 *
 * 1. Quality: TPE against random search on Branin (2-D) and Hartmann-6 (6-D),
 *    the median over 10 seeds of the best value found in 50 trials, beside the
 *    known global minima.
 * 2. Overhead: time spent choosing parameters (Study.ask, i.e. the sampler),
 *    not in the objective, over a 1,000-trial study; mean over all trials and
 *    over the last 100, per trial and per trial per parameter. Optuna documents
 *    about 2.2 ms per trial per parameter for its TPE sampler.
 * 3. Tuning a shipped example (bench/search-example.ts): TPE against random on
 *    a real model of examples/, each trial a real training run scored on the
 *    validation split, the median over 10 seeds of the best value in 50 trials.
 *    Each study runs its trials one at a time; two studies run at once, one per
 *    trial worker thread (runtime/run/trial-pool.ts).
 *
 *   --example housing|churn   which example to tune (default housing)
 *   --epochs N                epochs per trial (default 3)
 *   --only-example            skip sections 1 and 2
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { TrialPool } from "../runtime/run/trial-pool.js";
import type { Sampler } from "../stdlib/samplers/sampler-module.js";
import { RandomSampler } from "../stdlib/samplers/random/sampler.js";
import { TPESampler } from "../stdlib/samplers/tpe/sampler.js";
import type { Assignment, SearchParam } from "../core/search/space.js";
import { Study } from "../runtime/search/study.js";
import { exampleProblem, type ExampleProblem, type ExampleProblemOptions } from "./search-example.js";
import { branin, braninMinimum, braninSpace, hartmann6, hartmann6Minimum, hartmann6Space, medianOf } from "../test/search/objectives.js";

interface Problem {
  name: string;
  space: SearchParam[];
  minimum: number;
  objective: (p: Assignment) => number;
}

const problems: Problem[] = [
  { name: "Branin (2-D)", space: braninSpace, minimum: braninMinimum, objective: (p) => branin(p["x1"] as number, p["x2"] as number) },
  {
    name: "Hartmann-6 (6-D)",
    space: hartmann6Space,
    minimum: hartmann6Minimum,
    objective: (p) => hartmann6(hartmann6Space.map((param) => p[param.path] as number)),
  },
];

const samplers: Array<{ name: string; make: () => Sampler }> = [
  { name: "tpe", make: () => new TPESampler() },
  { name: "random", make: () => new RandomSampler() },
];

/** Runs a sequential study; returns the best value and the time spent in ask() per trial. */
function run(problem: Problem, sampler: Sampler, seed: number, trials: number): { best: number; askMs: number[] } {
  const study = new Study({ space: problem.space, direction: "minimize", sampler, seed, maxTrials: trials });
  const askMs: number[] = [];
  while (study.hasBudget()) {
    const start = performance.now();
    const trial = study.ask();
    askMs.push(performance.now() - start);
    study.tell(trial.number, problem.objective(trial.params));
  }
  return { best: study.best()!.value!, askMs };
}

const args = parseArgs({
  options: { example: { type: "string", default: "housing" }, epochs: { type: "string", default: "3" }, "only-example": { type: "boolean", default: false } },
}).values;

const SEEDS = 10;
const TRIALS = 50;

function syntheticSections(): void {
  console.log(`Best value found in ${TRIALS} trials, median over ${SEEDS} seeds (minimize)\n`);
  console.log(["problem".padEnd(18), "tpe".padStart(10), "random".padStart(10), "optimum".padStart(10)].join(" "));
  for (const problem of problems) {
    const medians = samplers.map(({ make }) => medianOf(Array.from({ length: SEEDS }, (_, seed) => run(problem, make(), seed, TRIALS).best)));
    console.log([problem.name.padEnd(18), ...medians.map((m) => m.toFixed(4).padStart(10)), problem.minimum.toFixed(4).padStart(10)].join(" "));
  }

  const LONG = 1000;
  console.log(`\nSampler overhead in a ${LONG}-trial study (time in ask(), objective excluded)\n`);
  console.log(
    ["problem".padEnd(18), "sampler".padEnd(8), "ms/trial".padStart(10), "last 100".padStart(10), "ms/trial/param".padStart(16), "last 100".padStart(10)].join(" "),
  );
  for (const problem of problems) {
    for (const { name, make } of samplers) {
      const { askMs } = run(problem, make(), 1, LONG);
      const mean = askMs.reduce((a, b) => a + b, 0) / askMs.length;
      const tail = askMs.slice(-100).reduce((a, b) => a + b, 0) / 100;
      const d = problem.space.length;
      console.log(
        [
          problem.name.padEnd(18),
          name.padEnd(8),
          mean.toFixed(3).padStart(10),
          tail.toFixed(3).padStart(10),
          (mean / d).toFixed(3).padStart(16),
          (tail / d).toFixed(3).padStart(10),
        ].join(" "),
      );
    }
  }
  console.log("\nOptuna documents about 2.2 ms per trial per parameter for TPE.");
}

const examples: Record<string, Omit<ExampleProblemOptions, "epochs" | "backend">> = {
  housing: { spec: "housing/housing.mlspec", model: "price_mlp", metric: "rmse", direction: "minimize" },
  churn: { spec: "churn/churn.mlspec", model: "churn_mlp", metric: "auc", direction: "maximize" },
};

/** Best validation value of one sequential study on a real model. */
async function tune(problem: ExampleProblem, sampler: Sampler, seed: number): Promise<{ best: number; failed: number }> {
  const study = new Study({ space: problem.space, direction: problem.direction, sampler, seed, maxTrials: TRIALS });
  await study.optimize((trial) => problem.objective(trial.params), { parallel: 1 });
  return { best: study.best()!.value!, failed: study.trials.filter((t) => t.state === "failed").length };
}

async function exampleSection(name: string, epochs: number): Promise<void> {
  const example = examples[name];
  if (!example) throw new Error(`unknown example \`${name}\`; choose one of ${Object.keys(examples).join(", ")}`);
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`--epochs must be a whole number >= 1`);
  const backend = "wasm";
  const pool = await TrialPool.start(samplers.length, backend);
  const started = performance.now();
  try {
    const problem = await exampleProblem({ ...example, epochs, backend, trainer: (c, d, o) => pool.train(c, d, o) });
    console.log(
      `\nTuning ${example.spec}: ${problem.name}, ${problem.rows.train} training and ${problem.rows.validation} validation rows, ${backend} backend`,
    );
    console.log(`space: ${problem.space.map((p) => p.path).join(", ")}`);
    console.log(`Best val.${problem.metric} in ${TRIALS} trials, median over ${SEEDS} seeds (${problem.direction})\n`);
    const best: number[][] = samplers.map(() => []);
    let failed = 0;
    for (let seed = 0; seed < SEEDS; seed++) {
      // the samplers' studies for one seed run side by side, one per worker
      const results = await Promise.all(samplers.map(({ make }) => tune(problem, make(), seed)));
      results.forEach((r, i) => best[i]!.push(r.best));
      failed += results.reduce((n, r) => n + r.failed, 0);
      console.log(`  seed ${String(seed).padStart(2)}  ${samplers.map(({ name: s }, i) => `${s} ${fmtMetric(results[i]!.best)}`).join("  ")}`);
    }
    const [tpe, random] = best.map(medianOf) as [number, number];
    const sign = problem.direction === "maximize" ? 1 : -1;
    const wins = best[0]!.filter((v, i) => sign * (v - best[1]![i]!) > 0).length;
    console.log("");
    console.log(["example".padEnd(24), `tpe`.padStart(12), "random".padStart(12), "tpe - random".padStart(14), "tpe / random".padStart(14), "tpe better".padStart(12)].join(" "));
    console.log(
      [
        `${name} val.${problem.metric}`.padEnd(24),
        fmtMetric(tpe).padStart(12),
        fmtMetric(random).padStart(12),
        fmtMetric(tpe - random).padStart(14),
        (tpe / random).toFixed(4).padStart(14),
        `${wins}/${SEEDS} seeds`.padStart(12),
      ].join(" "),
    );
    const verdict = sign * (tpe - random) > 0 ? "TPE beats random" : "TPE does NOT beat random";
    console.log(`\n${verdict} on the median; ${failed} of ${2 * SEEDS * TRIALS} trials failed; ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await pool.close();
  }
}

function fmtMetric(v: number): string {
  return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(4);
}

if (!args["only-example"]) syntheticSections();
await exampleSection(args.example!, Number(args.epochs));
