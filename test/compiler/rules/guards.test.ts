import { describe, expect, it } from "vitest";
import { diagnose, only, SERVED } from "./harness.js";

const withGuard = (guard: string) => SERVED + `rollout r for api {\n  canary(steps = [50%, 100%], interval = 10m)\n  guard { ${guard} }\n}\n`;
const withSlo = (slo: string) => SERVED.replace("  model = churn@champion\n", `  model = churn@champion\n  slo { ${slo} }\n`);

describe("guards (E0604, E0401, E0323)", () => {
  it("passes: serving measurements in their units, model metrics in guards", () => {
    expect(diagnose(withSlo("p99_latency < 50ms  error_rate < 0.1%"))).toEqual([]);
    expect(diagnose(withGuard("p95_latency < 80ms  error_rate < 1%  auc >= champion.auc - 0.01"))).toEqual([]);
  });

  it("fails E0604: a misspelt measurement, with a did-you-mean", () => {
    const d = only(withGuard("p99_latncy < 50ms"));
    expect([d.code, d.source.position(d.span.start), d.help]).toEqual(["E0604", { line: 27, column: 11 }, "did you mean `p99_latency`?"]);
  });

  it("fails E0604: a model metric in an SLO", () => {
    expect(diagnose(withSlo("auc > 0.7"))).toEqual(["E0604 24:9"]);
  });

  it("fails E0401: a latency bound without a duration unit", () => {
    expect(diagnose(withSlo("p99_latency < 50"))).toEqual(["E0401 24:23"]);
    expect(diagnose(withGuard("error_rate < 5m"))).toEqual(["E0401 27:24"]);
  });

  it("fails E0323: a guard on a metric the served model does not compute", () => {
    // the model lacks f1 on both sides of the guard: one mistake, one message (its help adds f1)
    expect(diagnose(withGuard("f1 >= champion.f1"))).toEqual(["E0323 27:11"]);
  });

  it("names no model metric as unmeasured while the served model is unknown (E0202 says why)", () => {
    const bad = withGuard("auc >= champion.auc").replace("model = churn@champion", "model = churm@champion");
    expect(diagnose(bad)).toEqual(["E0202 23:11"]);
  });

  it("fails E0324: a guard bound that cannot be planned", () => {
    expect(diagnose(withGuard("auc >= champion.auc / 2"))).toEqual(["E0324 27:18"]);
  });
});
