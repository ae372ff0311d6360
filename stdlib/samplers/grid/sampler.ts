/**
 * Exhaustive search over a grid. Choice parameters contribute their options; ints
 * every value on their step (or, past `maxIntPoints` values, that many spread
 * evenly, log-spaced when the int is log-scaled); uniform and loguniform are cut
 * into `continuousPoints` evenly spaced values, ends included (geometrically for
 * loguniform). Conditional parameters only multiply the branch they live in, so
 * optimizer ∈ {adam, sgd} with momentum (3 points) only under sgd gives 4 points.
 * Unvisited points are taken in random order, as Optuna does; a point counts as
 * visited once any trial (running, failed or finished) has it.
 */
import type { Rng } from "../../../core/rng.js";
import { SearchError } from "../../../core/search/errors.js";
import {
  cloneJson,
  intStep,
  jsonKey,
  orderedParams,
  type Assignment,
  type Distribution,
  type JsonValue,
  type SearchParam,
  type SearchSpace,
} from "../../../core/search/space.js";
import type { StudyHistory } from "../../../core/search/trial.js";
import type { Sampler } from "../sampler-module.js";

export interface GridOptions {
  /** Points per uniform/loguniform parameter, ends included. Default 5. */
  continuousPoints?: number;
  /** Most values taken from one int parameter. Default 10. */
  maxIntPoints?: number;
  /** Refuse grids larger than this. Default 100,000. */
  maxGridSize?: number;
}

export class GridSampler implements Sampler {
  readonly name = "grid";
  readonly continuousPoints: number;
  readonly maxIntPoints: number;
  readonly maxGridSize: number;
  private cachedSpace: SearchSpace | null = null;
  private cachedGrid: { points: Assignment[]; keys: string[] } | null = null;

  constructor(options: GridOptions = {}) {
    this.continuousPoints = options.continuousPoints ?? 5;
    this.maxIntPoints = options.maxIntPoints ?? 10;
    this.maxGridSize = options.maxGridSize ?? 100_000;
    for (const [name, value] of [
      ["continuousPoints", this.continuousPoints],
      ["maxIntPoints", this.maxIntPoints],
      ["maxGridSize", this.maxGridSize],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) throw new SearchError(`grid sampler: ${name} must be a whole number >= 1 (got ${value})`);
    }
  }

  /** Every point of the grid, in a fixed order. */
  grid(space: SearchSpace): Assignment[] {
    return this.cached(space).points;
  }

  sample(space: SearchSpace, history: StudyHistory, rng: Rng): Assignment {
    const { points, keys } = this.cached(space);
    const visited = visitedKeys(history);
    const unvisited: number[] = [];
    for (let i = 0; i < keys.length; i++) if (!visited.has(keys[i]!)) unvisited.push(i);
    // once everything is visited (a study asked past the end) start over at random
    const pool = unvisited.length > 0 ? unvisited : points.map((_, i) => i);
    return structuredClone(points[pool[rng.int(0, pool.length - 1)]!]!);
  }

  isExhausted(space: SearchSpace, history: StudyHistory): boolean {
    const visited = visitedKeys(history);
    return this.cached(space).keys.every((k) => visited.has(k));
  }

  /** The values this grid takes for one distribution. */
  values(dist: Distribution): JsonValue[] {
    switch (dist.kind) {
      case "uniform":
        return spaced(dist.low, dist.high, this.continuousPoints, false);
      case "loguniform":
        return spaced(dist.low, dist.high, this.continuousPoints, true);
      case "int": {
        const step = intStep(dist);
        const count = (dist.high - dist.low) / step + 1;
        if (count <= this.maxIntPoints) return Array.from({ length: count }, (_, i) => dist.low + i * step);
        const picked = spaced(dist.low, dist.high, this.maxIntPoints, dist.log === true).map(
          (x) => dist.low + step * Math.round((x - dist.low) / step),
        );
        return [...new Set(picked)];
      }
      case "choice":
        return dist.options.map((o) => cloneJson(o));
    }
  }

  private cached(space: SearchSpace): { points: Assignment[]; keys: string[] } {
    if (this.cachedSpace !== space || !this.cachedGrid) {
      const points = this.enumerate(space);
      this.cachedGrid = { points, keys: points.map(assignmentKey) };
      this.cachedSpace = space;
    }
    return this.cachedGrid;
  }

  private enumerate(space: SearchSpace): Assignment[] {
    const order = orderedParams(space);
    const valuesByPath = new Map<string, JsonValue[]>(order.map((p) => [p.path, this.values(p.dist)]));
    const points: Assignment[] = [];
    const chosen = new Map<string, JsonValue>();
    // depth-first over parameters in sampling order; inactive ones are skipped, so
    // each branch of a condition is enumerated only with its own parameters
    const visit = (index: number): void => {
      if (index === order.length) {
        if (points.length >= this.maxGridSize) {
          throw new SearchError(`grid sampler: the grid has more than ${this.maxGridSize} points; use fewer options or the tpe/random sampler`);
        }
        points.push(Object.fromEntries(chosen));
        return;
      }
      const param: SearchParam = order[index]!;
      if (!isActiveIn(param, chosen)) {
        visit(index + 1);
        return;
      }
      for (const value of valuesByPath.get(param.path)!) {
        chosen.set(param.path, value);
        visit(index + 1);
      }
      chosen.delete(param.path);
    };
    visit(0);
    return points;
  }
}

/** During enumeration only active params are assigned, so a set parent is an active parent. */
function isActiveIn(param: SearchParam, chosen: ReadonlyMap<string, JsonValue>): boolean {
  if (!param.condition) return true;
  const parentValue = chosen.get(param.condition.path);
  return parentValue !== undefined && jsonKey(parentValue) === jsonKey(param.condition.equals);
}

function spaced(low: number, high: number, n: number, log: boolean): number[] {
  if (n === 1) return [log ? Math.sqrt(low * high) : (low + high) / 2];
  const a = log ? Math.log(low) : low;
  const b = log ? Math.log(high) : high;
  return Array.from({ length: n }, (_, i) => {
    if (i === 0) return low;
    if (i === n - 1) return high;
    const x = a + ((b - a) * i) / (n - 1);
    return log ? Math.exp(x) : x;
  });
}

/** Canonical key of an assignment, independent of key order. */
export function assignmentKey(assignment: Readonly<Assignment>): string {
  return jsonKey(assignment as JsonValue);
}

function visitedKeys(history: StudyHistory): Set<string> {
  return new Set(history.trials.map((t) => assignmentKey(t.params)));
}
