import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, only } from "./harness.js";

describe("unique-declarations (E0201)", () => {
  it("passes: distinct names across files", () => {
    expect(diagnose(`mlspec 1\nimport "data.mlspec"\n` + MODEL, { "data.mlspec": DATA })).toEqual([]);
  });

  it("fails: a model named like the dataset, at the second name, pointing at the first", () => {
    const bad = DATA + MODEL.replace("model churn {", "model customers {");
    const d = only(bad);
    expect([d.code, d.source.position(d.span.start)]).toEqual(["E0201", { line: 15, column: 7 }]);
    expect(d.labels?.map((l) => l.source.position(l.span.start))).toEqual([{ line: 3, column: 9 }]);
  });

  it("fails: the same name in an imported file", () => {
    // the main file's declarations come first; the imported copy is the duplicate
    const main = `mlspec 1\nimport "data.mlspec"\n` + MODEL;
    expect(diagnose(main, { "data.mlspec": DATA + MODEL })).toEqual(["E0201 data.mlspec:15:7"]);
  });
});
