import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, only, SERVED } from "./harness.js";

const withSource = (call: string) => DATA.replace('csv("customers.csv")', call) + MODEL;

describe("call-arguments (E0205–E0208, E0301, E0302, E0401)", () => {
  it("passes: positional and named arguments of the right types", () => {
    expect(diagnose(withSource('csv("customers.csv", delimiter = ";", header = true)'))).toEqual([]);
    expect(diagnose(withSource('csv(path = "customers.csv")'))).toEqual([]);
  });

  it("fails E0205: an unknown parameter name, with a did-you-mean", () => {
    const d = only(withSource('csv("customers.csv", delim = ";")'));
    expect([d.code, d.source.position(d.span.start), d.help]).toEqual(["E0205", { line: 4, column: 33 }, "did you mean `delimiter`?"]);
  });

  it("fails E0206: a required argument missing, at the callee", () => {
    expect(diagnose(withSource("csv()"))).toEqual(["E0206 4:12"]);
  });

  it("fails E0207: given by position and again by name", () => {
    expect(diagnose(withSource('csv("a.csv", path = "b.csv")'))).toEqual(["E0207 4:25"]);
  });

  it("fails E0208: too many positional arguments, at the first extra one", () => {
    expect(diagnose(withSource('csv("a.csv", ";", true, 1)'))).toEqual(["E0208 4:36"]);
  });

  it("fails E0301: a value of the wrong type", () => {
    expect(diagnose(withSource('csv("a.csv", header = "yes")'))).toEqual(["E0301 4:34"]);
    expect(diagnose(DATA + MODEL.replace("hidden = [16]", "hidden = 16"))).toEqual(["E0301 18:26"]);
  });

  it("fails E0302: a number outside its bounds", () => {
    expect(diagnose(SERVED.replace("  model = churn@champion\n", "  model = churn@champion\n  http(port = 70000)\n"))).toEqual(["E0302 24:15"]);
    expect(diagnose(SERVED.replace("  model = churn@champion\n", "  model = churn@champion\n  http(port = 8080)\n"))).toEqual([]);
  });

  it("fails E0401: a percentage where a duration is expected", () => {
    const bad = SERVED + "rollout r for api { canary(steps = [50%, 100%], interval = 5%) }\n";
    expect(diagnose(bad)).toEqual(["E0401 25:60"]);
    expect(diagnose(bad.replace("interval = 5%", "interval = 5m"))).toEqual([]);
  });

  it("fails E0401: a unit on a plain count", () => {
    expect(diagnose(DATA.replace("  label  = churned\n", "  label  = churned\n  split  = holdout(seed = 7%)\n") + MODEL)).toEqual(["E0401 6:27"]);
  });
});
