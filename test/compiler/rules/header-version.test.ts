import { describe, expect, it } from "vitest";
import { DATA, diagnose, only } from "./harness.js";

const NO_HEADER = DATA.replace("mlspec 1\n", "");

describe("header-version (W0101, E0102)", () => {
  it("passes: `mlspec 1` first, comments before it allowed", () => {
    expect(diagnose(DATA)).toEqual([]);
    expect(diagnose(`# churn project\n${DATA}`)).toEqual([]);
  });

  it("passes: an imported file needs no header of its own", () => {
    expect(diagnose(`mlspec 1\nimport "shared.mlspec"\n`, { "shared.mlspec": NO_HEADER })).toEqual([]);
  });

  it("fails: a main spec without a header is W0101 at 1:1, a warning", () => {
    const d = only(NO_HEADER);
    expect([d.code, d.severity, d.source.position(d.span.start)]).toEqual(["W0101", "warning", { line: 1, column: 1 }]);
  });

  it("fails: a version this compiler does not know is E0102 on the header", () => {
    expect(diagnose(DATA.replace("mlspec 1", "mlspec 2"))).toEqual(["E0102 1:1"]);
    expect(diagnose(`mlspec 1\nimport "shared.mlspec"\n`, { "shared.mlspec": DATA.replace("mlspec 1", "mlspec 3") })).toEqual(["E0102 shared.mlspec:1:1"]);
  });

  it("reports a garbled header once, as a syntax error", () => {
    expect(diagnose(DATA.replace("mlspec 1", "1"))).toEqual(["E0003 1:1"]);
    expect(diagnose(DATA.replace("mlspec 1", "mlspec"))).toEqual(["E0003 1:7"]);
  });
});
