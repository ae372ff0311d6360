/** Independent uniform sampling: the baseline, and TPE's start-up strategy. */
import type { Rng } from "../../../core/rng.js";
import { buildAssignment, cloneJson, intStep, type Assignment, type Distribution, type JsonValue, type SearchSpace } from "../../../core/search/space.js";
import type { StudyHistory } from "../../../core/search/trial.js";
import type { Sampler } from "../sampler-module.js";

export class RandomSampler implements Sampler {
  readonly name = "random";

  sample(space: SearchSpace, _history: StudyHistory, rng: Rng): Assignment {
    return buildAssignment(space, (param) => sampleFromPrior(param.dist, rng));
  }
}

/**
 * One draw from a distribution's prior: uniform on the linear scale, or on the log
 * scale for loguniform and log-scaled ints.
 */
export function sampleFromPrior(dist: Distribution, rng: Rng): JsonValue {
  switch (dist.kind) {
    case "uniform":
      return clamp(rng.uniform(dist.low, dist.high), dist.low, dist.high);
    case "loguniform":
      return clamp(Math.exp(rng.uniform(Math.log(dist.low), Math.log(dist.high))), dist.low, dist.high);
    case "int": {
      if (dist.log) {
        // widen by half a unit so the end values get their fair share after rounding
        const x = Math.exp(rng.uniform(Math.log(dist.low - 0.5), Math.log(dist.high + 0.5)));
        return clamp(Math.round(x), dist.low, dist.high);
      }
      const step = intStep(dist);
      return dist.low + step * rng.int(0, (dist.high - dist.low) / step);
    }
    case "choice":
      return cloneJson(dist.options[rng.int(0, dist.options.length - 1)]!);
  }
}

export function clamp(x: number, low: number, high: number): number {
  return x < low ? low : x > high ? high : x;
}
