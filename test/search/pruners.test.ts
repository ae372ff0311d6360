import { describe, expect, it } from "vitest";
import { SuccessiveHalvingPruner } from "../../stdlib/pruners/asha/pruner.js";
import { createPruner } from "../../runtime/search/strategies.js";
import { median, MedianPruner } from "../../stdlib/pruners/median/pruner.js";
import type { Direction, FrozenTrial, StudyHistory, TrialState } from "../../core/search/trial.js";

/** A trial that reported `values[i]` at step `steps[i]` (0, 1, 2, … unless given). */
function trial(number: number, state: TrialState, values: number[], steps?: number[]): FrozenTrial {
  return {
    number,
    state,
    params: {},
    intermediate: values.map((value, i) => ({ step: steps ? steps[i]! : i, value })),
    value: state === "complete" ? values[values.length - 1]! : null,
    reason: null,
    durationSeconds: state === "running" ? null : 1,
  };
}

/** Asks the pruner about `current`'s last report, with `others` as the rest of the study. */
function decide(pruner: MedianPruner | SuccessiveHalvingPruner, direction: Direction, others: FrozenTrial[], current: FrozenTrial): boolean {
  const history: StudyHistory = { direction, trials: [...others, current] };
  const last = current.intermediate[current.intermediate.length - 1]!;
  return pruner.shouldPrune(current, last.step, last.value, history);
}

describe("MedianPruner", () => {
  // five complete trials; at step 2 they reported 1..5 (median 3)
  const completed = [1, 2, 3, 4, 5].map((v, i) => trial(i, "complete", [v + 1, v + 0.5, v, v]));

  it("prunes a trial whose best value so far is worse than the median at this step", () => {
    const pruner = new MedianPruner();
    expect(decide(pruner, "minimize", completed, trial(9, "running", [5, 4, 3.5]))).toBe(true);
    expect(decide(pruner, "minimize", completed, trial(9, "running", [5, 4, 2.5]))).toBe(false);
    // its best so far (2 at step 0) beats the median even though the latest value does not
    expect(decide(pruner, "minimize", completed, trial(9, "running", [2, 4, 3.5]))).toBe(false);
  });

  it("is direction aware", () => {
    const pruner = new MedianPruner();
    expect(decide(pruner, "maximize", completed, trial(9, "running", [1, 2, 2.5]))).toBe(true);
    expect(decide(pruner, "maximize", completed, trial(9, "running", [1, 2, 3.5]))).toBe(false);
  });

  it("never prunes during warm-up", () => {
    expect(decide(new MedianPruner({ warmupSteps: 3 }), "minimize", completed, trial(9, "running", [9, 9, 9]))).toBe(false);
    expect(decide(new MedianPruner({ warmupSteps: 2 }), "minimize", completed, trial(9, "running", [9, 9, 9]))).toBe(true);
  });

  it("waits until minTrials completed trials reported at this step", () => {
    expect(decide(new MedianPruner({ minTrials: 5 }), "minimize", completed.slice(0, 4), trial(9, "running", [9, 9, 9]))).toBe(false);
    expect(decide(new MedianPruner({ minTrials: 4 }), "minimize", completed.slice(0, 4), trial(9, "running", [9, 9, 9]))).toBe(true);
    // peers that stopped before this step do not count
    const short = [0, 1, 2, 3, 4].map((i) => trial(i, "complete", [1, 1]));
    expect(decide(new MedianPruner(), "minimize", short, trial(9, "running", [9, 9, 9]))).toBe(false);
  });

  it("only compares against complete trials", () => {
    const others = [
      ...completed.slice(0, 4),
      trial(5, "pruned", [0, 0, 0]),
      trial(6, "running", [0, 0, 0]),
      trial(7, "failed", [0, 0, 0]),
    ];
    expect(decide(new MedianPruner({ minTrials: 5 }), "minimize", others, trial(9, "running", [9, 9, 9]))).toBe(false);
  });

  it("prunes a trial that reported nothing but NaN", () => {
    expect(decide(new MedianPruner(), "minimize", completed, trial(9, "running", [NaN, NaN, NaN]))).toBe(true);
  });

  it("median interpolates between the middle values", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe("SuccessiveHalvingPruner", () => {
  // rungs at steps 1, 3, 9
  const asha = () => new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
  // six earlier trials that reached rung 0 (step 1) with values 1..6
  const rung0 = [1, 2, 3, 4, 5, 6].map((v, i) => trial(i, i < 3 ? "running" : "pruned", [10, v]));

  it("puts rungs at minResource · reductionFactor^r", () => {
    const pruner = asha();
    expect([0, 1, 2].map((r) => pruner.rungStep(r))).toEqual([1, 3, 9]);
  });

  it("does nothing before the first rung", () => {
    expect(decide(asha(), "minimize", rung0, trial(9, "running", [100]))).toBe(false);
  });

  it("promotes the first trial to reach a rung", () => {
    expect(decide(asha(), "minimize", [], trial(0, "running", [5, 5]))).toBe(false);
  });

  it("keeps only the best 1/reductionFactor at a rung", () => {
    // 7 values with this one: promotable if among the best floor(7/3) = 2
    expect(decide(asha(), "minimize", rung0, trial(9, "running", [10, 1.5]))).toBe(false);
    expect(decide(asha(), "minimize", rung0, trial(9, "running", [10, 2]))).toBe(false);
    expect(decide(asha(), "minimize", rung0, trial(9, "running", [10, 2.5]))).toBe(true);
  });

  it("with fewer than reductionFactor values, only the best so far is promoted", () => {
    const one = [trial(0, "running", [10, 2])];
    expect(decide(asha(), "minimize", one, trial(9, "running", [10, 1]))).toBe(false);
    expect(decide(asha(), "minimize", one, trial(9, "running", [10, 3]))).toBe(true);
  });

  it("is direction aware", () => {
    expect(decide(asha(), "maximize", rung0, trial(9, "running", [10, 5.5]))).toBe(false);
    expect(decide(asha(), "maximize", rung0, trial(9, "running", [10, 4.5]))).toBe(true);
  });

  it("judges a rung once: reports between rungs never prune", () => {
    expect(decide(asha(), "minimize", rung0, trial(9, "running", [10, 1, 50]))).toBe(false);
  });

  it("judges every rung a sparse report jumps past", () => {
    // step 4 passes rungs 0 (step 1) and 1 (step 3): good enough at rung 0, but at rung 1 the
    // two earlier trials that got there did better
    const further = [trial(0, "complete", [10, 1, 1, 0.5]), trial(1, "complete", [10, 1, 1, 0.6])];
    expect(decide(asha(), "minimize", [...rung0.slice(2), ...further.map((t, i) => ({ ...t, number: 20 + i }))], trial(9, "running", [10, 0.9], [0, 4]))).toBe(
      true,
    );
    expect(decide(asha(), "minimize", rung0.slice(2), trial(9, "running", [10, 0.9], [0, 4]))).toBe(false);
  });

  it("prunes a NaN at a rung", () => {
    expect(decide(asha(), "minimize", [], trial(9, "running", [1, NaN]))).toBe(true);
  });

  it("rejects bad settings", () => {
    expect(() => new SuccessiveHalvingPruner({ reductionFactor: 1 })).toThrow("reductionFactor must be a whole number >= 2");
    expect(() => new SuccessiveHalvingPruner({ minResource: 0 })).toThrow("minResource must be above 0");
  });
});

describe("createPruner", () => {
  it("builds the pruner a plan names, its spec parameters mapped onto the rule", async () => {
    expect(await createPruner(null)).toBeNull();
    expect(await createPruner(undefined)).toBeNull();
    // `warmup = 2` spares epochs 1 and 2: the first judged step is 3
    expect(((await createPruner({ kind: "median", params: { warmup: 2 } })) as MedianPruner).warmupSteps).toBe(3);
    expect(((await createPruner({ kind: "asha", params: { reduction: 4 } })) as SuccessiveHalvingPruner).reductionFactor).toBe(4);
  });

  it("explains unknown pruners and options", async () => {
    await expect(createPruner({ kind: "hyperband", params: {} })).rejects.toThrow('unknown pruner "hyperband"; expected one of median, asha');
    await expect(createPruner({ kind: "median", params: { warmupSteps: 3 } })).rejects.toThrow('the median pruner has no option "warmupSteps"; it takes warmup, min_trials');
  });
});
