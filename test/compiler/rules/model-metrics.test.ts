import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, only } from "./harness.js";

const withMetrics = (list: string) => DATA + MODEL.replace("metrics = [auc, accuracy]", `metrics = ${list}`);

describe("model-metrics (E0204, E0301, E0322)", () => {
  it("passes: classification metrics on a classifier", () => {
    expect(diagnose(withMetrics("[auc, accuracy, logloss, f1, precision, recall]"))).toEqual([]);
  });

  it("fails E0322: a regression metric on a classifier, listing the fitting ones", () => {
    const d = only(withMetrics("[auc, rmse]"));
    expect([d.code, d.source.position(d.span.start)]).toEqual(["E0322", { line: 19, column: 19 }]);
    expect(d.help).toContain("`auc`");
  });

  it("fails E0204: an unknown metric, with a did-you-mean", () => {
    const d = only(withMetrics("[acuracy]"));
    expect([d.code, d.help]).toEqual(["E0204", "did you mean `accuracy`?"]);
  });

  it("fails E0301: metrics not in a list", () => {
    expect(diagnose(withMetrics("auc"))).toEqual(["E0301 19:13"]);
  });

  it("fails E0301: a metric listed with a split", () => {
    expect(diagnose(withMetrics("[val.auc]"))).toEqual(["E0301 19:14"]);
  });
});
