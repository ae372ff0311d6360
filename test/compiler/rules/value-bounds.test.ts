import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, only, SERVED } from "./harness.js";

const withTrain = (train: string) => DATA + MODEL.replace("  metrics", `  train { ${train} }\n  metrics`);
const withServe = (line: string) => SERVED.replace("  model = churn@champion\n", `  model = churn@champion\n  ${line}\n`);
const withCanary = (args: string) => SERVED + `rollout r for api {\n  canary(${args})\n}\n`;

describe("value-bounds (E0330, E0331, E0332)", () => {
  it("passes: the largest exact whole number, 0% and 100%, tiny and large finite numbers, a zero max_wait", () => {
    expect(diagnose(withTrain("seed = 9007199254740991"))).toEqual([]);
    expect(diagnose(DATA.replace("tenure      : int range 0..120", "tenure      : int range -1e300..1e300 nulls <= 100%"))).toEqual([]);
    expect(diagnose(DATA.replace("monthly     : float", "monthly     : float nulls <= 0%"))).toEqual([]);
    expect(diagnose(withServe("batching(max_batch = 8, max_wait = 0ms)"))).toEqual([]);
    expect(diagnose(withTrain("optimizer = adam(lr = 1e-300)"))).toEqual([]);
  });

  it("fails E0330: a number that is not finite, at the literal", () => {
    expect(diagnose(DATA.replace("range 0..120", "range 0..1e999"))).toEqual(["E0330 8:32"]);
    expect(diagnose(withServe("timeout = 1e999ms"))).toEqual(["E0330 24:13"]);
    // 1e306 is finite, but not in milliseconds
    expect(diagnose(withServe("timeout = 1e306d"))).toEqual(["E0330 24:13"]);
    expect(diagnose(DATA + MODEL.replace("  metrics", "  require auc >= 1e999\n  metrics"))).toEqual(["E0330 19:18"]);
  });

  it("fails E0330: a whole number beyond 2^53 - 1, wherever it is", () => {
    const d = only(withTrain("seed = 9223372036854775808"));
    expect([d.code, d.source.position(d.span.start)]).toEqual(["E0330", { line: 19, column: 18 }]);
    expect(d.message).toContain("9223372036854775808");
    expect(diagnose(withTrain("epochs = 99999999999999999999"))).toEqual(["E0330 19:20"]);
    expect(diagnose(DATA.replace("    churned     : bool\n", "    churned     : bool\n    rows >= 9007199254740992\n"))).toEqual(["E0330 12:13"]);
  });

  it("fails E0331: a percentage above 100% or below 0%", () => {
    expect(diagnose(DATA.replace("monthly     : float", "monthly     : float nulls <= 150%"))).toEqual(["E0331 9:34"]);
    expect(diagnose(withServe("slo { error_rate < -1% }"))).toEqual(["E0331 24:22"]);
  });

  it("fails E0332: a negative duration anywhere, a zero one where time must pass", () => {
    expect(diagnose(withServe("timeout = -250ms"))).toEqual(["E0332 24:13"]);
    expect(diagnose(withServe("timeout = 0ms"))).toEqual(["E0332 24:13"]);
    expect(diagnose(withServe("batching(max_batch = 8, max_wait = -2ms)"))).toEqual(["E0332 24:38"]);
    expect(diagnose(withCanary("steps = [50%, 100%], interval = -10m"))).toEqual(["E0332 26:42"]);
    expect(diagnose(withCanary("steps = [50%, 100%], interval = 0m"))).toEqual(["E0332 26:42"]);
    expect(diagnose(withServe("slo { p99_latency < -5ms }"))).toEqual(["E0332 24:23"]);
    // a monitoring window of zero (the monitor rule's check of the same code)
    const watch = (args: string) => SERVED + `monitor w for api {\n  drift(features = all, test = psi, threshold = 0.2, window = ${args})\n}\n`;
    expect(diagnose(watch("1h"))).toEqual([]);
    expect(diagnose(watch("0h"))).toEqual(["E0332 26:63"]);
  });

  it("fails E0302: a serve timeout longer than a timer holds", () => {
    expect(diagnose(withServe("timeout = 30d"))).toEqual(["E0302 24:13"]);
    expect(diagnose(withServe("timeout = 24d"))).toEqual([]);
  });
});
