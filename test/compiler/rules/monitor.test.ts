import { describe, expect, it } from "vitest";
import { diagnose, SERVED } from "./harness.js";

const withMonitor = (body: string) => SERVED + `monitor w for api {\n${body}\n}\n`;

describe("monitor (E0605, E0606, E0607 and the names and units inside)", () => {
  it("passes: drift, performance, alert and retrain rules that fit", () => {
    const body = [
      "  drift(features = all, test = psi, threshold = 0.2, window = 1h)",
      "  drift(features = [tenure, monthly], test = ks, p_value < 0.01)",
      "  drift(prediction, test = ks, p_value < 0.01)",
      '  performance(auc >= 0.7, window = 1d, labels = csv("feedback.csv"))',
      "  alert(channel = log)",
      "  retrain when drift or performance, at most 1 per 1d, using churn",
      "  schedule = 5m",
    ].join("\n");
    expect(diagnose(withMonitor(body))).toEqual([]);
  });

  it("fails E0605: drift of a bare column", () => {
    const bad = withMonitor("  drift(tenure, test = psi, threshold = 0.2)");
    expect(diagnose(bad)).toEqual(["E0605 26:9"]);
    expect(diagnose(bad.replace("drift(tenure,", "drift(features = [tenure],"))).toEqual([]);
  });

  it("fails E0605: performance without a metric bound", () => {
    expect(diagnose(withMonitor("  performance(auc, window = 1d)"))).toEqual(["E0605 26:15"]);
  });

  it("fails E0606: a p-value test with a distance threshold, at the threshold", () => {
    expect(diagnose(withMonitor("  drift(features = all, test = ks, threshold = 0.2)"))).toEqual(["E0606 26:36"]);
  });

  it("fails E0606: a distance test with a p-value", () => {
    expect(diagnose(withMonitor("  drift(prediction, test = psi, p_value < 0.05)"))).toEqual(["E0606 26:33"]);
  });

  it("fails E0606: a numeric-only test on a categorical column", () => {
    expect(diagnose(withMonitor("  drift(features = [plan], test = ks, p_value < 0.01)"))).toEqual(["E0606 26:21"]);
  });

  it("fails E0210 and E0204: an unknown drift column, an unknown test", () => {
    expect(diagnose(withMonitor("  drift(features = [tenur], test = psi, threshold = 0.2)"))).toEqual(["E0210 26:21"]);
    expect(diagnose(withMonitor("  drift(features = all, test = psy, threshold = 0.2)"))).toEqual(["E0204 26:32"]);
  });

  it("fails E0401: a window without a duration", () => {
    expect(diagnose(withMonitor("  drift(features = all, test = psi, threshold = 0.2, window = 10)"))).toEqual(["E0401 26:63"]);
  });

  it("fails E0607: retraining on a signal the monitor does not watch", () => {
    const bad = withMonitor("  drift(features = all, test = psi, threshold = 0.2)\n  retrain when performance");
    expect(diagnose(bad)).toEqual(["E0607 27:16"]);
    expect(diagnose(bad.replace("when performance", "when drift"))).toEqual([]);
  });

  it("fails E0607: an unknown retrain clause", () => {
    expect(diagnose(withMonitor("  drift(features = all, test = psi, threshold = 0.2)\n  retrain when drift, at least 1 per 1d"))).toEqual(["E0607 27:23"]);
  });

  it("fails E0607: retraining another model than the served one", () => {
    const other = SERVED.replace("\nserve api", `
model other {
  task   = binary_classification(target = churned)
  inputs = columns(customers, except = [customer_id, churned])
  arch   = linear()
}

serve api`);
    const bad = other + "monitor w for api {\n  drift(features = all, test = psi, threshold = 0.2)\n  retrain when drift, using other\n}\n";
    expect(diagnose(bad)).toEqual(["E0607 33:29"]);
  });

  it("parses a retrain rule followed by another statement on the next line", () => {
    expect(diagnose(withMonitor("  drift(features = all, test = psi, threshold = 0.2)\n  retrain when drift, using churn\n  schedule = 10m"))).toEqual([]);
  });

  it("fails E0605: thresholds and bounds that are not numbers", () => {
    expect(diagnose(withMonitor("  drift(features = all, test = psi, threshold = champion.auc - 0.1)"))).toEqual(["E0605 26:49"]);
    expect(diagnose(withMonitor("  drift(features = all, test = psi, threshold = champion.auc)"))).toEqual(["E0301 26:49"]);
    expect(diagnose(withMonitor('  performance(auc >= champion.auc - 0.05, window = 1d, labels = csv("f.csv"))'))).toEqual(["E0605 26:22"]);
    expect(diagnose(withMonitor('  performance(auc >= champion.auc, window = 1d, labels = csv("f.csv"))'))).toEqual(["E0301 26:22"]);
    expect(diagnose(withMonitor("  drift(prediction, test = ks, p_value > 0.01)"))).toEqual(["E0605 26:32"]);
  });

  it("fails E0605: performance without a bound, or with the bound reversed", () => {
    expect(diagnose(withMonitor('  performance(window = 1d, labels = csv("f.csv"))'))).toEqual(["E0605 26:3"]);
    expect(diagnose(withMonitor('  performance(0.7 <= auc, labels = csv("f.csv"))'))).toEqual(["E0605 26:15"]);
  });

  it("fails E0301: a test named by a string, labels that are no source, a key that is no column name", () => {
    expect(diagnose(withMonitor('  drift(features = all, test = "psi", threshold = 0.2)'))).toEqual(["E0301 26:32"]);
    expect(diagnose(withMonitor('  performance(auc >= 0.7, labels = "f.csv")'))).toEqual(["E0301 26:36"]);
    expect(diagnose(withMonitor('  performance(auc >= 0.7, labels = csv("f.csv"), key = "id")'))).toEqual(["E0301 26:56"]);
  });

  it("fails E0301: a sample count that is not a whole number", () => {
    expect(diagnose(withMonitor("  drift(features = all, test = psi, threshold = 0.2, min_samples = 0.5)"))).toEqual(["E0301 26:68"]);
  });

  it("passes: correction, share, a key, an estimated metric and min_samples that fit", () => {
    const body = [
      "  drift(features = all, test = ks, p_value < 0.01, correction = fdr, share = 30%)",
      "  drift(features = all, correction = none, share = 0.5, min_samples = 1)",
      '  performance(auc >= 0.7, labels = csv("feedback.csv"), key = customer_id, min_samples = 50)',
      "  performance(accuracy >= 0.7, window = 1d)",
    ].join("\n");
    expect(diagnose(withMonitor(body))).toEqual([]);
  });

  it("fails E1101: an unknown correction; E1102: a share of 1 or more", () => {
    expect(diagnose(withMonitor("  drift(features = all, test = ks, correction = holm)"))).toEqual(["E1101 26:49"]);
    expect(diagnose(withMonitor("  drift(features = all, share = 1)"))).toEqual(["E1102 26:33"]);
    expect(diagnose(withMonitor("  drift(features = all, share = 0%)"))).toEqual(["E1102 26:33"]);
  });

  it("fails E1103: a correction on a distance test", () => {
    expect(diagnose(withMonitor("  drift(features = all, test = js, correction = fdr)"))).toEqual(["E1103 26:36"]);
  });

  it("fails E1104: min_samples below 1, on drift and on performance", () => {
    expect(diagnose(withMonitor("  drift(features = all, min_samples = 0)"))).toEqual(["E1104 26:39"]);
    expect(diagnose(withMonitor('  performance(auc >= 0.7, labels = csv("f.csv"), min_samples = 0)'))).toEqual(["E1104 26:64"]);
  });

  it("fails E1105: without labels, a metric CBPE cannot estimate", () => {
    expect(diagnose(SERVED.replace("metrics = [auc, accuracy]", "metrics = [auc, logloss]") + "monitor w for api {\n  performance(logloss <= 0.4)\n}\n")).toEqual(["E1105 26:3"]);
  });

  it("fails E1106: a key that is not a column", () => {
    expect(diagnose(withMonitor('  performance(auc >= 0.7, labels = csv("f.csv"), key = customer)'))).toEqual(["E1106 26:56"]);
  });

  it("fails E1108: at most 0 runs", () => {
    expect(diagnose(withMonitor("  drift(features = all)\n  retrain when drift, at most 0 per 1d"))).toEqual(["E1108 27:31"]);
  });
});
