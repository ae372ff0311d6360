/** Reading XGBoost JSON: the forms of base_score, and a clear refusal of what cannot be imported. */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseBaseScore, readXgboostModel } from "../../stdlib/imports/xgboost-model.js";
import { ImportError } from "../../stdlib/imports/import-error.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const binaryJson = () => JSON.parse(fs.readFileSync(path.join(FIXTURES, "binary.json"), "utf8")) as any;

function refusal(model: unknown): string {
  try {
    readXgboostModel(typeof model === "string" ? model : JSON.stringify(model));
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return (error as Error).message;
  }
  throw new Error("the model was accepted");
}

describe("readXgboostModel", () => {
  it("reads base_score as a plain string (1.x) and as an array string (2.x/3.x)", () => {
    expect(parseBaseScore("5E-1", 1)).toEqual([0.5]);
    expect(parseBaseScore("[5E-1]", 3)).toEqual([0.5, 0.5, 0.5]);
    expect(parseBaseScore("[1E-1,2E-1,7E-1]", 3)).toEqual([0.1, 0.2, 0.7]);
    expect(() => parseBaseScore("[]", 1)).toThrow(ImportError);
    expect(() => parseBaseScore("[1,2]", 3)).toThrow(/2 values for 3 outputs/);
    const m = binaryJson();
    m.learner.learner_model_param.base_score = "[3E-1]";
    expect(readXgboostModel(JSON.stringify(m)).baseMargin[0]).toBeCloseTo(Math.log(0.3 / 0.7), 12);
  });

  it("maps base_score from output space to a margin through the inverse link", () => {
    const m = binaryJson();
    expect(readXgboostModel(JSON.stringify(m)).baseMargin).toEqual([0]);
    m.learner.learner_model_param.base_score = "1.5";
    expect(refusal(m)).toMatch(/not a probability/);
  });

  it("refuses objectives it cannot reproduce, listing the supported ones", () => {
    const m = binaryJson();
    m.learner.objective.name = "rank:pairwise";
    expect(refusal(m)).toMatch(/objective `rank:pairwise` cannot be imported/);
  });

  it("refuses categorical splits, naming the feature", () => {
    const m = binaryJson();
    m.learner.gradient_booster.model.trees[0].split_type[0] = 1;
    expect(refusal(m)).toContain("feature `tenure` as categorical");
    const t = binaryJson();
    t.learner.feature_types = ["float", "c", "float", "float"];
    expect(refusal(t)).toContain("feature `monthly` is categorical");
  });

  it("refuses DART and gblinear boosters", () => {
    const m = binaryJson();
    m.learner.gradient_booster = { name: "dart", gbtree: m.learner.gradient_booster, weight_drop: [] };
    expect(refusal(m)).toMatch(/DART/);
    m.learner.gradient_booster = { name: "gblinear", model: { weights: [] } };
    expect(refusal(m)).toMatch(/only gbtree/);
  });

  it("refuses text that is not an XGBoost JSON model", () => {
    expect(refusal("\u0000\u0001binary")).toMatch(/not an XGBoost JSON model/);
    expect(refusal({ hello: 1 })).toMatch(/learner is missing/);
    const m = binaryJson();
    m.learner.gradient_booster.model.trees[0].left_children[0] = 9999;
    expect(refusal(m)).toMatch(/has child 9999/);
  });
});
