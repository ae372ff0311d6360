import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, only, SERVED } from "./harness.js";

describe("setting-types (E0301, E0302, E0401)", () => {
  it("passes: settings of the declared type and unit", () => {
    const spec = SERVED.replace("  model = churn@champion\n", "  model    = churn@champion\n  fallback = churn@3\n  timeout  = 250ms\n");
    expect(diagnose(spec)).toEqual([]);
    expect(diagnose(DATA + MODEL.replace("  metrics", "  train { epochs = 5  batch = 32  seed = 3 }\n  metrics"))).toEqual([]);
  });

  it("fails E0301: a string for a count", () => {
    expect(diagnose(DATA + MODEL.replace("  metrics", '  train { epochs = "five" }\n  metrics'))).toEqual(["E0301 19:20"]);
  });

  it("fails E0301: a model reference without an alias says how to write one", () => {
    const d = only(SERVED.replace("model = churn@champion", "model = churn"));
    expect([d.code, d.source.position(d.span.start)]).toEqual(["E0301", { line: 23, column: 11 }]);
    expect(d.help).toContain("churn@champion");
  });

  it("fails E0401: a duration for a count, a percentage for a duration", () => {
    expect(diagnose(DATA + MODEL.replace("  metrics", "  train { epochs = 5m }\n  metrics"))).toEqual(["E0401 19:20"]);
    expect(diagnose(SERVED.replace("  model = churn@champion\n", "  model = churn@champion\n  timeout = 5%\n"))).toEqual(["E0401 24:13"]);
  });

  it("fails E0302: below the minimum", () => {
    expect(diagnose(DATA + MODEL.replace("  metrics", "  train { batch = 0 }\n  metrics"))).toEqual(["E0302 19:19"]);
  });

  it("fails E0301: a word outside a setting's options", () => {
    const bad = SERVED + "rollout r for api {\n  canary(steps = [50%, 100%], interval = 10m)\n  on_fail = explode\n}\n";
    expect(diagnose(bad)).toEqual(["E0301 27:13"]);
    expect(diagnose(bad.replace("explode", "pause"))).toEqual([]);
  });

  it("fails E0301: a setting that takes a call given a plain value", () => {
    const bad = DATA.replace('source = csv("customers.csv")', 'source = "customers.csv"') + MODEL;
    expect(diagnose(bad)).toEqual(["E0301 4:12"]);
    expect(diagnose(DATA + MODEL.replace("arch    = mlp(hidden = [16])", "arch    = 16"))).toEqual(["E0301 18:13"]);
  });
});
