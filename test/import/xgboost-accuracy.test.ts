/**
 * The converted XGBoost models, run by onnxruntime, give XGBoost's own
 * predictions (saved with the fixtures by generate.py) to 1e-5 on every row,
 * missing values included; so does the TypeScript tree walk.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { readXgboostModel, type OutputLink, type XgboostModel } from "../../stdlib/imports/xgboost-model.js";
import { xgboostOnnx } from "../../runtime/import/xgboost-onnx.js";
import { xgboostPredict } from "../../runtime/import/xgboost-predict.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

interface Case {
  model: XgboostModel;
  x: Float32Array;
  rows: number;
  expected: { xgboost: string; objective: string; predict: Array<number | number[]>; margin: Array<number | number[]> };
}

export function loadCase(name: string): Case {
  const model = readXgboostModel(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"));
  const lines = fs.readFileSync(path.join(FIXTURES, `${name}.csv`), "utf8").trim().split("\n").slice(1);
  const x = new Float32Array(lines.length * model.numFeature);
  lines.forEach((line, r) => {
    const cells = line.split(",");
    for (let j = 0; j < model.numFeature; j++) x[r * model.numFeature + j] = cells[j] === "" ? NaN : Number(cells[j]);
  });
  const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.expected.json`), "utf8")) as Case["expected"];
  return { model, x, rows: lines.length, expected };
}

async function runOnnx(c: Case, link: OutputLink): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(xgboostOnnx(c.model, link));
  try {
    const out = await session.run({ features: new ort.Tensor("float32", c.x, [c.rows, c.model.numFeature]) });
    return out.output!.data as Float32Array;
  } finally {
    await session.release();
  }
}

function softmax(row: number[]): number[] {
  const max = Math.max(...row);
  const e = row.map((v) => Math.exp(v - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

function maxDiff(got: ArrayLike<number>, want: number[]): number {
  expect(got.length).toBe(want.length);
  let max = 0;
  for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got[i]! - want[i]!));
  return max;
}

const flat = (v: Array<number | number[]>): number[] => v.flatMap((x) => (Array.isArray(x) ? x : [x]));

describe("XGBoost import: onnxruntime equals XGBoost's predict on every row", () => {
  const cases: Array<[string, OutputLink | undefined, (c: Case) => number[]]> = [
    ["binary", undefined, (c) => flat(c.expected.predict)],
    ["bench-binary", undefined, (c) => flat(c.expected.predict)],
    ["multiclass", undefined, (c) => flat(c.expected.predict)],
    ["regression", undefined, (c) => flat(c.expected.predict)],
    ["reg-logistic", undefined, (c) => flat(c.expected.predict)],
    ["poisson", undefined, (c) => flat(c.expected.predict)],
    // logitraw predicts the margin; as a binary classifier mlspec answers its sigmoid
    ["binary-logitraw", "logistic", (c) => flat(c.expected.predict).map((m) => 1 / (1 + Math.exp(-m)))],
    // softmax predicts the class; mlspec answers the probabilities behind that argmax
    ["multiclass-softmax", undefined, (c) => (c.expected.margin as number[][]).flatMap(softmax)],
  ];
  for (const [name, link, want] of cases) {
    it(name, async () => {
      const c = loadCase(name);
      expect(c.model.objective).toBe(c.expected.objective);
      const expected = want(c);
      expect(maxDiff(await runOnnx(c, link ?? c.model.link), expected)).toBeLessThanOrEqual(1e-5);
      expect(maxDiff(xgboostPredict(c.model, c.x, c.rows, link ?? c.model.link), expected)).toBeLessThanOrEqual(1e-5);
    });
  }

  it("multi:softmax: the argmax of the probabilities is XGBoost's predicted class", async () => {
    const c = loadCase("multiclass-softmax");
    const p = await runOnnx(c, "softmax");
    const k = c.model.outputs;
    const classes = Array.from({ length: c.rows }, (_, r) => {
      const row = Array.from(p.subarray(r * k, r * k + k));
      return row.indexOf(Math.max(...row));
    });
    expect(classes).toEqual(c.expected.predict);
  });

  it("the fixtures hold missing values and a non-default base_score", () => {
    expect(loadCase("binary").x.some(Number.isNaN)).toBe(true);
    expect(loadCase("regression").model.baseMargin[0]).toBeCloseTo(3.5, 6);
    expect(loadCase("poisson").model.baseMargin[0]).toBeCloseTo(Math.log(2), 6);
  });
});
