import { describe, expect, it } from "vitest";
import { onnxFile, xgboostFile } from "../model-files.js";
import { DATA, diagnose, MODEL, only } from "./harness.js";

/** MODEL importing `call` (its path string at 18:18 for onnx, 18:21 for xgboost) over tenure and monthly (plan too unless dropped). */
const importing = (call: string, opts: { dropPlan?: boolean; task?: string } = {}) => {
  let m = MODEL.replace("arch    = mlp(hidden = [16])", `import  = ${call}`);
  if (opts.dropPlan) m = m.replace("except = [customer_id, churned]", "except = [customer_id, plan, churned]");
  if (opts.task) m = m.replace("binary_classification(target = churned)", opts.task).replace("metrics = [auc, accuracy]", "metrics = [rmse]");
  return (opts.task ? DATA.replace("label  = churned", "label  = monthly") : DATA) + m;
};
const XGB = importing('xgboost("m.json")', { dropPlan: true });
const ONNX = importing('onnx("m.onnx")');
const perColumn = { tenure: { type: "float" }, monthly: { type: "float" }, plan: { type: "string" } };
const probabilities = { probabilities: { type: "float", dims: ["N", 2] } };

describe("model-files (E0801–E0812)", () => {
  it("passes: files that fit the inputs and the task", () => {
    expect(diagnose(XGB, { "m.json": xgboostFile({ featureNames: ["monthly", "tenure"] }) })).toEqual([]);
    expect(diagnose(XGB, { "m.json": xgboostFile({ numFeature: 2 }) })).toEqual([]);
    expect(diagnose(ONNX, { "m.onnx": onnxFile(perColumn, probabilities) })).toEqual([]);
    expect(diagnose(ONNX, { "m.onnx": onnxFile(perColumn, { label: { type: "int64", dims: ["N"] }, output_probability: "map" }) })).toEqual([]);
    const numeric = importing('onnx("m.onnx")', { dropPlan: true });
    expect(diagnose(numeric, { "m.onnx": onnxFile({ x: { type: "float", dims: ["N", 2] } }, probabilities) })).toEqual([]);
  });

  it("fails E0801: a missing model file, at its path", () => {
    expect(diagnose(ONNX)).toEqual(["E0801 18:18"]);
    expect(diagnose(XGB)).toEqual(["E0801 18:21"]);
  });

  it("fails E0802: a malformed file, with the reader's reason", () => {
    expect(only(XGB, { "m.json": "{ not json" }).code).toBe("E0802");
    const truncated = onnxFile(perColumn, probabilities).slice(0, 20);
    const d = only(ONNX, { "m.onnx": truncated });
    expect([d.code, d.message]).toEqual(["E0802", expect.stringContaining("not an ONNX model")]);
    expect(only(ONNX, { "m.onnx": "plain text" }).code).toBe("E0802");
  });

  it("fails E0803: an objective mlspec cannot import, naming the supported ones", () => {
    const d = only(XGB, { "m.json": xgboostFile({ numFeature: 2, objective: "rank:pairwise" }) });
    expect([d.code, d.message]).toEqual(["E0803", expect.stringContaining("`rank:pairwise`")]);
    expect(d.help).toContain("binary:logistic");
  });

  it("fails E0804: an objective for another task", () => {
    const spec = importing('xgboost("m.json")', { dropPlan: true, task: "regression(target = monthly)" }).replace("except = [customer_id, plan, churned]", "except = [customer_id, plan, churned, tenure]");
    expect(diagnose(spec, { "m.json": xgboostFile({ numFeature: 1, objective: "binary:logistic" }) })).toEqual(["E0804 18:21"]);
  });

  it("fails E0805: feature names the inputs do not give, naming them", () => {
    const d = only(XGB, { "m.json": xgboostFile({ featureNames: ["tenure", "calls", "age"] }) });
    expect([d.code, d.message]).toEqual(["E0805", "model file `m.json` reads features `calls`, `age`, which the model's inputs do not give"]);
    expect(d.help).toContain("`tenure`, `monthly`");
  });

  it("fails E0806: a feature count other than num_feature, or than an [N, F] input's width", () => {
    expect(diagnose(XGB, { "m.json": xgboostFile({ numFeature: 3 }) })).toEqual(["E0806 18:21"]);
    const numeric = importing('onnx("m.onnx")', { dropPlan: true });
    expect(diagnose(numeric, { "m.onnx": onnxFile({ x: { type: "float", dims: ["N", 5] } }, probabilities) })).toEqual(["E0806 18:18"]);
  });

  it("fails E0810: an ONNX input named for no column", () => {
    const d = only(ONNX, { "m.onnx": onnxFile({ tenure: { type: "float" }, income: { type: "float" } }, probabilities) });
    expect([d.code, d.message]).toEqual(["E0810", "model file `m.onnx` has input `income` named for no column of the model's inputs"]);
  });

  it("fails E0811: a float input fed by a string column, and a string input by a number", () => {
    expect(only(ONNX, { "m.onnx": onnxFile({ ...perColumn, plan: { type: "float" } }, probabilities) }).message).toBe("model file `m.onnx` takes `plan` as float, but column `plan` is enum");
    expect(diagnose(ONNX, { "m.onnx": onnxFile({ ...perColumn, tenure: { type: "string" } }, probabilities) })).toEqual(["E0811 18:18"]);
    expect(diagnose(ONNX, { "m.onnx": onnxFile({ x: { type: "float", dims: ["N", 3] } }, probabilities) })).toEqual(["E0811 18:18"]);
  });

  it("fails E0812: no output that fits the task", () => {
    expect(diagnose(ONNX, { "m.onnx": onnxFile(perColumn, { label: { type: "int64", dims: ["N"] } }) })).toEqual(["E0812 18:18"]);
    const regression = importing('onnx("m.onnx")', { task: "regression(target = monthly)" }).replace("except = [customer_id, churned]", "except = [customer_id, churned, monthly]");
    const { monthly: _, ...rest } = perColumn;
    expect(diagnose(regression, { "m.onnx": onnxFile(rest, { variable: { type: "float", dims: ["N", 3] } }) })).toEqual(["E0812 18:18"]);
    expect(diagnose(regression, { "m.onnx": onnxFile(rest, { variable: { type: "float", dims: ["N", 1] } }) })).toEqual([]);
  });

  it("names a features block's features for XGBoost, and leaves a one-hot block's names to the run", () => {
    const features = (body: string) =>
      DATA + `\nfeatures cf from customers {\n${body}\n}\n` + MODEL.replace("columns(customers, except = [customer_id, churned])", "cf").replace("arch    = mlp(hidden = [16])", 'import  = xgboost("m.json")');
    const scaled = features("  tenure_z = standardize(tenure)\n  monthly_l = log1p(monthly)");
    expect(diagnose(scaled, { "m.json": xgboostFile({ featureNames: ["tenure_z", "monthly_l"] }) })).toEqual([]);
    const d = only(scaled, { "m.json": xgboostFile({ featureNames: ["tenure_z", "monthly"] }) });
    expect([d.code, d.message]).toEqual(["E0805", "model file `m.json` reads feature `monthly`, which the model's inputs do not give"]);
    // onehot's width is known only after fitting: the run checks the names
    expect(diagnose(features("  tenure_z = standardize(tenure)\n  plan_1h = onehot(plan)"), { "m.json": xgboostFile({ featureNames: ["tenure_z", "other"] }) })).toEqual([]);
  });
});
