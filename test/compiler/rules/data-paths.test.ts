import { describe, expect, it } from "vitest";
import { onnxFile } from "../model-files.js";
import { DATA, diagnose, MODEL } from "./harness.js";

const withPath = (p: string) => DATA.replace('"customers.csv"', JSON.stringify(p)) + MODEL;

describe("data-paths (E0111)", () => {
  it("passes: paths inside the project directory", () => {
    expect(diagnose(withPath("data/customers.csv"))).toEqual([]);
    expect(diagnose(withPath("./data/../customers.csv"))).toEqual([]);
  });

  it("fails: a parent directory, at the path", () => {
    expect(diagnose(withPath("../customers.csv"))).toEqual(["E0111 4:16"]);
    expect(diagnose(withPath("data/../../customers.csv"))).toEqual(["E0111 4:16"]);
  });

  it("fails: an absolute path", () => {
    expect(diagnose(withPath("/etc/passwd"))).toEqual(["E0111 4:16"]);
  });

  it("fails: a model import outside the project", () => {
    const spec = DATA + MODEL.replace("arch    = mlp(hidden = [16])", 'import  = onnx("../models/churn.onnx")');
    expect(diagnose(spec)).toEqual(["E0111 18:18"]);
    const churnOnnx = onnxFile({ tenure: { type: "float" }, monthly: { type: "float" }, plan: { type: "string" } }, { probabilities: { type: "float", dims: ["N", 2] } });
    expect(diagnose(spec.replace("../models", "models"), { "models/churn.onnx": churnOnnx })).toEqual([]);
  });

  it("fails: performance labels read from outside the project", () => {
    const spec = DATA + MODEL + '\nserve api { model = churn@champion }\nmonitor w for api { performance(auc >= 0.7, window = 1d, labels = csv("/tmp/feedback.csv")) }\n';
    expect(diagnose(spec)).toEqual(["E0111 23:71"]);
  });
});
