import { describe, expect, it } from "vitest";
import { SearchSpaceError } from "../../core/search/errors.js";
import {
  activeParams,
  checkAssignment,
  containsValue,
  jsonKey,
  orderedParams,
  validateSearchSpace,
  type SearchParam,
} from "../../core/search/space.js";

const optimizerSpace: SearchParam[] = [
  { path: "train.optimizer.momentum", dist: { kind: "uniform", low: 0, high: 0.99 }, condition: { path: "train.optimizer.kind", equals: "sgd" } },
  { path: "train.optimizer.kind", dist: { kind: "choice", options: ["adam", "sgd"] } },
  { path: "train.optimizer.lr", dist: { kind: "loguniform", low: 1e-4, high: 0.1 } },
  { path: "arch.hidden", dist: { kind: "choice", options: [[32], [64, 32], [128, 64]] } },
];

function expectSpaceError(raw: unknown, fragment: string): void {
  expect(() => validateSearchSpace(raw)).toThrow(SearchSpaceError);
  expect(() => validateSearchSpace(raw)).toThrow(fragment);
}

describe("validateSearchSpace", () => {
  it("accepts a valid space and puts condition parents first", () => {
    const space = validateSearchSpace(optimizerSpace);
    expect(space.map((p) => p.path)).toEqual(["train.optimizer.kind", "train.optimizer.momentum", "train.optimizer.lr", "arch.hidden"]);
  });

  it("accepts plan JSON after a round trip", () => {
    const space = validateSearchSpace(JSON.parse(JSON.stringify(optimizerSpace)));
    expect(space).toHaveLength(4);
  });

  it("rejects bad bounds with the parameter's name", () => {
    expectSpaceError([{ path: "a", dist: { kind: "uniform", low: 1, high: 1 } }], 'search param "a": uniform low (1) must be below high (1)');
    expectSpaceError([{ path: "lr", dist: { kind: "loguniform", low: 0, high: 1 } }], "loguniform low (0) must be above 0");
    expectSpaceError([{ path: "n", dist: { kind: "int", low: 1.5, high: 4 } }], "int bounds must be whole numbers");
    expectSpaceError([{ path: "n", dist: { kind: "int", low: 5, high: 4 } }], "must not be above high");
    expectSpaceError([{ path: "n", dist: { kind: "int", low: 1, high: 10, step: 4 } }], "must be a multiple of step 4; for example high = 9");
    expectSpaceError([{ path: "n", dist: { kind: "int", low: 0, high: 10, log: true } }], "a log-scaled int needs low >= 1");
    expectSpaceError([{ path: "n", dist: { kind: "int", low: 1, high: 9, step: 2, log: true } }], "cannot have a step other than 1");
    expectSpaceError([{ path: "x", dist: { kind: "uniform", low: 0, high: Infinity } }], '"high" must be a finite number');
  });

  it("rejects bad choices and unknown kinds", () => {
    expectSpaceError([{ path: "c", dist: { kind: "choice", options: [] } }], "non-empty list of options");
    expectSpaceError([{ path: "c", dist: { kind: "choice", options: [[64, 32], [64, 32]] } }], "option [64,32] is listed twice");
    expectSpaceError([{ path: "c", dist: { kind: "normal", low: 0, high: 1 } }], 'unknown distribution kind "normal"');
  });

  it("rejects structural mistakes", () => {
    expectSpaceError({}, "must be a list");
    expectSpaceError([], "at least one parameter");
    expectSpaceError([{ dist: { kind: "uniform", low: 0, high: 1 } }], 'needs a non-empty "path"');
    expectSpaceError(
      [
        { path: "a", dist: { kind: "uniform", low: 0, high: 1 } },
        { path: "a", dist: { kind: "uniform", low: 0, high: 1 } },
      ],
      'search param "a" is declared twice',
    );
  });

  it("rejects conditions that cannot hold", () => {
    const kind = { path: "kind", dist: { kind: "choice", options: ["adam", "sgd"] } };
    expectSpaceError([{ path: "m", dist: { kind: "uniform", low: 0, high: 1 }, condition: { path: "nope", equals: 1 } }], 'names "nope", which is not a search param');
    expectSpaceError([kind, { path: "m", dist: { kind: "uniform", low: 0, high: 1 }, condition: { path: "kind", equals: "rmsprop" } }], 'condition value "rmsprop" is not an option of "kind"');
    expectSpaceError(
      [
        { path: "lr", dist: { kind: "uniform", low: 0, high: 1 } },
        { path: "m", dist: { kind: "uniform", low: 0, high: 1 }, condition: { path: "lr", equals: 0.5 } },
      ],
      "must name a choice param",
    );
    expectSpaceError([{ path: "a", dist: { kind: "choice", options: [1, 2] }, condition: { path: "a", equals: 1 } }], "names itself");
    expectSpaceError(
      [
        { path: "a", dist: { kind: "choice", options: [1, 2] }, condition: { path: "b", equals: 1 } },
        { path: "b", dist: { kind: "choice", options: [1, 2] }, condition: { path: "a", equals: 1 } },
      ],
      "form a cycle",
    );
  });
});

describe("activeParams", () => {
  const space = validateSearchSpace([
    ...optimizerSpace,
    // a grandchild: only when sgd and nesterov is chosen
    { path: "train.optimizer.nesterov", dist: { kind: "choice", options: [true, false] }, condition: { path: "train.optimizer.kind", equals: "sgd" } },
    { path: "train.optimizer.dampening", dist: { kind: "uniform", low: 0, high: 0.5 }, condition: { path: "train.optimizer.nesterov", equals: false } },
  ]);
  const paths = (partial: Record<string, unknown>) => activeParams(space, partial as never).map((p) => p.path);

  it("leaves conditional params out until their parent has the value", () => {
    expect(paths({})).toEqual(["train.optimizer.kind", "train.optimizer.lr", "arch.hidden"]);
    expect(paths({ "train.optimizer.kind": "adam" })).toEqual(["train.optimizer.kind", "train.optimizer.lr", "arch.hidden"]);
    expect(paths({ "train.optimizer.kind": "sgd" })).toEqual([
      "train.optimizer.kind",
      "train.optimizer.momentum",
      "train.optimizer.lr",
      "arch.hidden",
      "train.optimizer.nesterov",
    ]);
    expect(paths({ "train.optimizer.kind": "sgd", "train.optimizer.nesterov": false })).toContain("train.optimizer.dampening");
  });

  it("needs the whole chain of conditions: a stale grandparent value does not activate a child", () => {
    expect(paths({ "train.optimizer.kind": "adam", "train.optimizer.nesterov": false })).not.toContain("train.optimizer.dampening");
  });

  it("checkAssignment accepts exactly the active params inside their domains", () => {
    const good = { "train.optimizer.kind": "adam", "train.optimizer.lr": 0.01, "arch.hidden": [64, 32] };
    expect(() => checkAssignment(space, good)).not.toThrow();
    expect(() => checkAssignment(space, { ...good, "train.optimizer.momentum": 0.9 })).toThrow('"train.optimizer.momentum" is not an active parameter');
    expect(() => checkAssignment(space, { ...good, "train.optimizer.lr": 1 })).toThrow("train.optimizer.lr = 1 is outside loguniform(0.0001, 0.1)");
    expect(() => checkAssignment(space, { "train.optimizer.kind": "sgd", "train.optimizer.lr": 0.01, "arch.hidden": [32] })).toThrow(
      'missing a value for "train.optimizer.momentum"',
    );
  });
});

describe("domains", () => {
  it("containsValue respects int steps and choice equality by value", () => {
    expect(containsValue({ kind: "int", low: 2, high: 10, step: 4 }, 6)).toBe(true);
    expect(containsValue({ kind: "int", low: 2, high: 10, step: 4 }, 4)).toBe(false);
    expect(containsValue({ kind: "choice", options: [{ a: 1, b: 2 }] }, { b: 2, a: 1 })).toBe(true);
    expect(containsValue({ kind: "choice", options: [[64, 32]] }, [32, 64])).toBe(false);
  });

  it("jsonKey ignores object key order only", () => {
    expect(jsonKey({ a: 1, b: [1, 2] })).toBe(jsonKey({ b: [1, 2], a: 1 }));
    expect(jsonKey([1, 2])).not.toBe(jsonKey([2, 1]));
    expect(jsonKey("1")).not.toBe(jsonKey(1));
  });

  it("orderedParams keeps the given order when there are no conditions", () => {
    const space: SearchParam[] = [
      { path: "b", dist: { kind: "uniform", low: 0, high: 1 } },
      { path: "a", dist: { kind: "uniform", low: 0, high: 1 } },
    ];
    expect(orderedParams(space).map((p) => p.path)).toEqual(["b", "a"]);
  });
});
