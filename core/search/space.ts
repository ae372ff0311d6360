/**
 * Search spaces: the hyperparameters a search may set, each with a distribution,
 * some only active when a choice parameter has a given value. Plain JSON, as the
 * compiled plan carries it.
 */
import { SearchSpaceError } from "./errors.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type Distribution =
  | { kind: "uniform"; low: number; high: number }
  | { kind: "loguniform"; low: number; high: number }
  | { kind: "int"; low: number; high: number; step?: number; log?: boolean }
  | { kind: "choice"; options: JsonValue[] };

export interface ParamCondition {
  /** Path of a choice parameter. */
  path: string;
  equals: JsonValue;
}

export interface SearchParam {
  /** Hyperparameter path, e.g. "train.optimizer.lr". */
  path: string;
  dist: Distribution;
  /** The parameter exists only when the choice parameter at `condition.path` equals `condition.equals`. */
  condition?: ParamCondition;
}

export type SearchSpace = readonly SearchParam[];

/** Values of the active parameters of one trial, keyed by path. */
export type Assignment = Record<string, JsonValue>;

/** A canonical string for a JSON value: equal values give equal keys (object keys sorted). */
export function jsonKey(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsonKey).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${jsonKey(value[k]!)}`).join(",")}}`;
}

export function cloneJson<T extends JsonValue>(value: T): T {
  return (value === null || typeof value !== "object" ? value : structuredClone(value)) as T;
}

/** Step of an int distribution (1 unless given). */
export function intStep(dist: Extract<Distribution, { kind: "int" }>): number {
  return dist.step ?? 1;
}

/** Is `value` a member of the distribution's domain (bounds, step, options)? */
export function containsValue(dist: Distribution, value: JsonValue | undefined): boolean {
  switch (dist.kind) {
    case "uniform":
    case "loguniform":
      return typeof value === "number" && value >= dist.low && value <= dist.high;
    case "int":
      return (
        typeof value === "number" &&
        Number.isInteger(value) &&
        value >= dist.low &&
        value <= dist.high &&
        (value - dist.low) % intStep(dist) === 0
      );
    case "choice": {
      if (value === undefined) return false;
      const key = jsonKey(value);
      return dist.options.some((o) => jsonKey(o) === key);
    }
  }
}

const orderCache = new WeakMap<SearchSpace, readonly SearchParam[]>();

/**
 * Parameters with every condition parent before its children (otherwise the
 * given order), so that sampling in this order always knows a parent's value.
 */
export function orderedParams(space: SearchSpace): readonly SearchParam[] {
  const cached = orderCache.get(space);
  if (cached) return cached;
  const byPath = new Map(space.map((p) => [p.path, p]));
  const placed = new Set<string>();
  const order: SearchParam[] = [];
  const place = (param: SearchParam, depth: number): void => {
    if (placed.has(param.path)) return;
    if (depth > space.length) {
      throw new SearchSpaceError(`search param "${param.path}": its conditions form a cycle`);
    }
    const parent = param.condition ? byPath.get(param.condition.path) : undefined;
    if (parent) place(parent, depth + 1);
    placed.add(param.path);
    order.push(param);
  };
  for (const param of space) place(param, 0);
  orderCache.set(space, order);
  return order;
}

/**
 * The parameters that exist given a (partial) assignment: unconditional ones, and
 * conditional ones whose parent is itself active, assigned, and equal to the
 * condition's value. Returned in sampling order.
 */
export function activeParams(space: SearchSpace, partial: Readonly<Assignment>): SearchParam[] {
  const active: SearchParam[] = [];
  const activePaths = new Set<string>();
  for (const param of orderedParams(space)) {
    if (conditionHolds(param, partial, activePaths)) {
      active.push(param);
      activePaths.add(param.path);
    }
  }
  return active;
}

function conditionHolds(param: SearchParam, assignment: Readonly<Assignment>, activePaths: ReadonlySet<string>): boolean {
  const condition = param.condition;
  if (!condition) return true;
  if (!activePaths.has(condition.path)) return false;
  const parentValue = assignment[condition.path];
  return parentValue !== undefined && jsonKey(parentValue) === jsonKey(condition.equals);
}

/**
 * Builds an assignment by visiting parameters in sampling order and asking `pick`
 * for a value of each one that is active given the values picked so far.
 */
export function buildAssignment(
  space: SearchSpace,
  pick: (param: SearchParam, partial: Readonly<Assignment>) => JsonValue,
): Assignment {
  const assignment: Assignment = {};
  const activePaths = new Set<string>();
  for (const param of orderedParams(space)) {
    if (!conditionHolds(param, assignment, activePaths)) continue;
    assignment[param.path] = pick(param, assignment);
    activePaths.add(param.path);
  }
  return assignment;
}

/** Throws a SearchSpaceError unless `assignment` sets exactly the active parameters, each inside its domain. */
export function checkAssignment(space: SearchSpace, assignment: Readonly<Assignment>, what = "assignment"): void {
  const active = activeParams(space, assignment);
  const activePaths = new Set(active.map((p) => p.path));
  for (const param of active) {
    const value = assignment[param.path];
    if (value === undefined) throw new SearchSpaceError(`${what}: missing a value for "${param.path}"`);
    if (!containsValue(param.dist, value)) {
      throw new SearchSpaceError(`${what}: ${param.path} = ${jsonKey(value)} is outside ${describeDistribution(param.dist)}`);
    }
  }
  for (const path of Object.keys(assignment)) {
    if (!activePaths.has(path)) {
      throw new SearchSpaceError(`${what}: "${path}" is not an active parameter of the search space`);
    }
  }
}

export function describeDistribution(dist: Distribution): string {
  switch (dist.kind) {
    case "uniform":
    case "loguniform":
      return `${dist.kind}(${dist.low}, ${dist.high})`;
    case "int":
      return `int(${dist.low}, ${dist.high}${dist.step !== undefined ? `, step = ${dist.step}` : ""}${dist.log ? ", log" : ""})`;
    case "choice":
      return `choice(${dist.options.map(jsonKey).join(", ")})`;
  }
}

/**
 * Checks an untrusted search space (from a plan file) and returns a clean copy in
 * sampling order. Every problem is a SearchSpaceError naming the parameter.
 */
export function validateSearchSpace(raw: unknown): SearchParam[] {
  if (!Array.isArray(raw)) throw new SearchSpaceError("a search space must be a list of parameters");
  if (raw.length === 0) throw new SearchSpaceError("a search space needs at least one parameter");
  const params: SearchParam[] = [];
  const seen = new Set<string>();
  raw.forEach((entry, index) => {
    if (!isRecord(entry)) throw new SearchSpaceError(`search param #${index + 1} must be an object`);
    const path = entry["path"];
    if (typeof path !== "string" || path.trim() === "") {
      throw new SearchSpaceError(`search param #${index + 1} needs a non-empty "path"`);
    }
    if (seen.has(path)) throw new SearchSpaceError(`search param "${path}" is declared twice`);
    seen.add(path);
    const param: SearchParam = { path, dist: validateDistribution(path, entry["dist"]) };
    const condition = entry["condition"];
    if (condition !== undefined) {
      if (!isRecord(condition) || typeof condition["path"] !== "string" || !("equals" in condition)) {
        throw new SearchSpaceError(`search param "${path}": a condition needs a "path" and an "equals" value`);
      }
      param.condition = { path: condition["path"], equals: validateJson(path, condition["equals"]) };
    }
    params.push(param);
  });
  const byPath = new Map(params.map((p) => [p.path, p]));
  for (const param of params) {
    const condition = param.condition;
    if (!condition) continue;
    const parent = byPath.get(condition.path);
    if (!parent) {
      throw new SearchSpaceError(`search param "${param.path}": its condition names "${condition.path}", which is not a search param`);
    }
    if (parent === param) throw new SearchSpaceError(`search param "${param.path}": its condition names itself`);
    if (parent.dist.kind !== "choice") {
      throw new SearchSpaceError(`search param "${param.path}": its condition must name a choice param, and "${parent.path}" is ${parent.dist.kind}`);
    }
    if (!containsValue(parent.dist, condition.equals)) {
      throw new SearchSpaceError(
        `search param "${param.path}": condition value ${jsonKey(condition.equals)} is not an option of "${parent.path}" (${describeDistribution(parent.dist)})`,
      );
    }
  }
  return [...orderedParams(params)];
}

function validateDistribution(path: string, raw: unknown): Distribution {
  const where = `search param "${path}"`;
  if (!isRecord(raw)) throw new SearchSpaceError(`${where} needs a "dist" object`);
  const finite = (name: string): number => {
    const v = raw[name];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new SearchSpaceError(`${where}: "${name}" must be a finite number`);
    return v;
  };
  switch (raw["kind"]) {
    case "uniform": {
      const low = finite("low");
      const high = finite("high");
      if (!(low < high)) throw new SearchSpaceError(`${where}: uniform low (${low}) must be below high (${high})`);
      return { kind: "uniform", low, high };
    }
    case "loguniform": {
      const low = finite("low");
      const high = finite("high");
      if (!(low > 0)) throw new SearchSpaceError(`${where}: loguniform low (${low}) must be above 0`);
      if (!(low < high)) throw new SearchSpaceError(`${where}: loguniform low (${low}) must be below high (${high})`);
      return { kind: "loguniform", low, high };
    }
    case "int": {
      const low = finite("low");
      const high = finite("high");
      if (!Number.isInteger(low) || !Number.isInteger(high)) {
        throw new SearchSpaceError(`${where}: int bounds must be whole numbers (got ${low}, ${high})`);
      }
      if (low > high) throw new SearchSpaceError(`${where}: int low (${low}) must not be above high (${high})`);
      const dist: Distribution = { kind: "int", low, high };
      if (raw["step"] !== undefined) {
        const step = finite("step");
        if (!Number.isInteger(step) || step < 1) throw new SearchSpaceError(`${where}: int step must be a whole number >= 1 (got ${step})`);
        if ((high - low) % step !== 0) {
          throw new SearchSpaceError(`${where}: high - low (${high - low}) must be a multiple of step ${step}; for example high = ${high - ((high - low) % step)}`);
        }
        dist.step = step;
      }
      if (raw["log"] !== undefined) {
        if (typeof raw["log"] !== "boolean") throw new SearchSpaceError(`${where}: int "log" must be true or false`);
        if (raw["log"]) {
          if (low < 1) throw new SearchSpaceError(`${where}: a log-scaled int needs low >= 1 (got ${low})`);
          if ((dist.step ?? 1) !== 1) throw new SearchSpaceError(`${where}: a log-scaled int cannot have a step other than 1`);
        }
        dist.log = raw["log"];
      }
      return dist;
    }
    case "choice": {
      const options = raw["options"];
      if (!Array.isArray(options) || options.length === 0) throw new SearchSpaceError(`${where}: choice needs a non-empty list of options`);
      const keys = new Set<string>();
      const clean = options.map((o) => {
        const value = validateJson(path, o);
        const key = jsonKey(value);
        if (keys.has(key)) throw new SearchSpaceError(`${where}: choice option ${key} is listed twice`);
        keys.add(key);
        return value;
      });
      return { kind: "choice", options: clean };
    }
    default:
      throw new SearchSpaceError(`${where}: unknown distribution kind ${JSON.stringify(raw["kind"])}; expected uniform, loguniform, int or choice`);
  }
}

function validateJson(path: string, value: unknown): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new SearchSpaceError(`search param "${path}": values must be finite numbers`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => validateJson(path, v));
  if (isRecord(value)) {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) out[k] = validateJson(path, v);
    return out;
  }
  throw new SearchSpaceError(`search param "${path}": ${typeof value} is not a JSON value`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
