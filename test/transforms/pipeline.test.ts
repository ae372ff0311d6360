import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  applyPipeline,
  fitPipeline,
  parseFittedPipeline,
  type FeatureDef,
  type RawColumn,
  type RawData,
} from "../../runtime/features/pipeline.js";
import { murmur3String, murmur3x86_32 } from "../../stdlib/transforms/shared/murmur3.js";
import type { TransformSig } from "../../stdlib/signature.js";
import { transforms, transformSignatures } from "../../stdlib/transforms/index.js";
import { checkAgreement } from "./onnx-agreement.js";
import { categories, mean, numbers, std } from "./arbitraries.js";

const COLUMNS: RawColumn[] = [
  { name: "tenure", type: { kind: "int" } },
  { name: "monthly", type: { kind: "float" } },
  { name: "plan", type: { kind: "string" } },
  { name: "signup", type: { kind: "timestamp" } },
];

const DEFS: FeatureDef[] = [
  { name: "tenure_z", inputs: ["tenure"], stages: [{ fn: "standardize", args: {} }] },
  { name: "monthly_l", inputs: ["monthly"], stages: [{ fn: "log1p", args: {} }, { fn: "clip", args: { low: 0, high: 12 } }] },
  { name: "plan_oh", inputs: ["plan"], stages: [{ fn: "onehot", args: {} }] },
];

describe("MurmurHash3 x86_32", () => {
  it("matches the reference test vectors", () => {
    expect(murmur3x86_32(new Uint8Array(), 0)).toBe(0);
    expect(murmur3x86_32(new Uint8Array(), 1)).toBe(0x514e28b7);
    expect(murmur3x86_32(new Uint8Array(), 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3x86_32(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 0)).toBe(0x76293b50);
    expect(murmur3x86_32(new Uint8Array([0x21, 0x43, 0x65, 0x87]), 0x5082edee)).toBe(0x2362f9de);
    expect(murmur3x86_32(new Uint8Array([0x21, 0x43, 0x65]), 0)).toBe(0x7e4a8634);
    expect(murmur3String("Hello, world!", 1234)).toBe(0xfaf6cdb3);
    expect(murmur3String("The quick brown fox jumps over the lazy dog", 0x9747b28c)).toBe(0x2fa826cd);
  });
});

/**
 * A call of a registered transform made from its signature alone: input columns of
 * kinds it accepts (two for a transform of many), and a value for each required
 * parameter (ints within their bounds; floats increasing, for `clip(low, high)`).
 * A transform that needs one of several optional parameters (`bucketize`: bins or
 * boundaries) refuses that call; it then gets its first optional int as well.
 */
function callFromSignature(sig: TransformSig, train: RawData): FeatureDef {
  const required = callWith(sig, []);
  try {
    fitPipeline([required], COLUMNS, train);
    return required;
  } catch {
    const optional = sig.params.find((p) => p.optional && p.type === "int");
    return optional ? callWith(sig, [optional.name]) : required;
  }
}

function callWith(sig: TransformSig, optional: string[]): FeatureDef {
  const accepted = (c: RawColumn) => sig.accepts.includes("any") || sig.accepts.includes(c.type.kind) || (sig.accepts.includes("numeric") && (c.type.kind === "int" || c.type.kind === "float"));
  const inputs = COLUMNS.filter(accepted).slice(0, sig.arity === "many" ? 2 : 1).map((c) => c.name);
  const args: Record<string, number> = {};
  let floats = 0;
  for (const p of sig.params) {
    if ((p.default !== undefined || p.optional) && !optional.includes(p.name)) continue;
    if (p.type === "int") args[p.name] = Math.min(Math.max(p.min ?? 1, 8), p.max ?? 8);
    else if (p.type === "float") args[p.name] = 10 * floats++;
    else throw new Error(`${sig.name}: no example value for a required ${JSON.stringify(p.type)} parameter \`${p.name}\``);
  }
  return { name: "f", inputs, stages: [{ fn: sig.name, args }] };
}

describe("registry", () => {
  it("lists every transform under its signature name", () => {
    for (const [name, module] of Object.entries(transforms)) expect(module.signature.name).toBe(name);
    expect(transformSignatures.map((s) => s.name)).toEqual(Object.keys(transforms));
  });

  // every registered transform, so a new one is tested without editing this file
  describe.each(transformSignatures)("$name", (sig) => {
    const train = { tenure: [1, 12, 24, 36, 5, 60], monthly: [10, 100, 55.5, 1000, 0, 3], plan: ["basic", "pro", "basic", "enterprise", "pro", "basic"] };
    const unseen = { tenure: [7, 100], monthly: [20, 5000], plan: ["pro", "premium"] };

    it("fits, applies, and agrees with its ONNX graph on training and unseen rows", async () => {
      const def = callFromSignature(sig, train);
      expect(def.inputs.length).toBeGreaterThan(0);
      const { fitted, js } = await checkAgreement([def], COLUMNS, train, unseen);
      expect(js.rows).toBe(2);
      expect(fitted.width + Object.keys(js.indices).length).toBeGreaterThan(0);
      await checkAgreement([def], COLUMNS, train);
    });

    it("fits only on the rows it is given: the output for a row does not depend on the others", () => {
      const fitted = fitPipeline([callFromSignature(sig, train)], COLUMNS, train);
      const both = applyPipeline(fitted, unseen);
      const first = applyPipeline(fitted, { tenure: [7], monthly: [20], plan: ["pro"] });
      expect(Array.from(both.numeric.slice(0, fitted.width))).toEqual(Array.from(first.numeric));
    });
  });
});

describe("fitPipeline / applyPipeline", () => {
  const train = { tenure: [1, 12, 24, null], monthly: [10, 100, null, 1000], plan: ["basic", "pro", "basic", null] };

  it("lays features out in declaration order with expanded names", () => {
    const fitted = fitPipeline(DEFS, COLUMNS, train);
    expect(fitted.version).toBe(1);
    expect(fitted.featureNames).toEqual(["tenure_z", "monthly_l", "plan_oh=basic", "plan_oh=pro", "plan_oh=<unknown>"]);
    expect(fitted.columns.map((c) => c.name)).toEqual(["tenure", "monthly", "plan"]);
    const out = applyPipeline(fitted, { tenure: [12.333333], monthly: [Math.E - 1], plan: ["pro"], extra: ["ignored"] });
    expect(out.width).toBe(5);
    expect(out.numeric[0]).toBeCloseTo(0, 5);
    expect(out.numeric[1]).toBeCloseTo(1, 5);
    expect(Array.from(out.numeric.subarray(2))).toEqual([0, 1, 0]);
  });

  it("survives JSON and applies identically after parseFittedPipeline", () => {
    const fitted = fitPipeline(DEFS, COLUMNS, train);
    const back = parseFittedPipeline(JSON.parse(JSON.stringify(fitted)));
    expect(back).toEqual(fitted);
    expect(applyPipeline(back, train).numeric).toEqual(applyPipeline(fitted, train).numeric);
  });

  it("refuses a fitted pipeline of another format version", () => {
    const fitted = { ...fitPipeline(DEFS, COLUMNS, train), version: 99 };
    expect(() => parseFittedPipeline(fitted)).toThrow(/format version 99/);
    expect(() => applyPipeline(fitted, train)).toThrow(/refit the features/);
  });

  it("fits each stage on the previous stage's training output", () => {
    fc.assert(
      fc.property(numbers(0, 1e6, { nulls: false, minLength: 3 }), (values) => {
        const defs: FeatureDef[] = [{ name: "z", inputs: ["monthly"], stages: [{ fn: "log1p", args: {} }, { fn: "standardize", args: {} }] }];
        const logs = values.map((v) => Math.log1p(Math.fround(v!)));
        fc.pre(std(logs) > 1e-3);
        const out = applyPipeline(fitPipeline(defs, COLUMNS, { monthly: values }), { monthly: values }).numeric;
        expect(Math.abs(mean(out))).toBeLessThan(1e-4);
        expect(Math.abs(std(out) - 1)).toBeLessThan(1e-3);
      }),
      { numRuns: 50 },
    );
  });

  it("fits on the rows it is given only: rows seen at apply time never change the output of others", () => {
    fc.assert(
      fc.property(numbers(-100, 100), categories(), numbers(-1e6, 1e6), categories(), (m, p, m2, p2) => {
        const n = Math.min(m.length, p.length);
        const n2 = Math.min(m2.length, p2.length);
        const rows = { monthly: m.slice(0, n), plan: p.slice(0, n), tenure: m.slice(0, n) };
        const other = { monthly: m2.slice(0, n2), plan: p2.slice(0, n2), tenure: m2.slice(0, n2) };
        const fitted = fitPipeline(DEFS, COLUMNS, rows);
        // fitting is a function of the training rows alone
        expect(fitPipeline(DEFS, COLUMNS, rows)).toEqual(fitted);
        const alone = applyPipeline(fitted, rows);
        const together = applyPipeline(fitted, {
          monthly: [...rows.monthly, ...other.monthly],
          plan: [...rows.plan, ...other.plan],
          tenure: [...rows.tenure, ...other.tenure],
        });
        expect(together.numeric.subarray(0, alone.numeric.length)).toEqual(alone.numeric);
      }),
      { numRuns: 50 },
    );
  });

  it("uses training statistics on test rows (no refitting on them)", () => {
    const fitted = fitPipeline([DEFS[0]!], COLUMNS, { tenure: [0, 10] });
    const test = applyPipeline(fitted, { tenure: [100, 110] }).numeric;
    expect(Array.from(test)).toEqual([19, 21]);
  });

  it("passes a numeric column through when a feature has no stages, imputing the mean", async () => {
    const defs: FeatureDef[] = [{ name: "raw", inputs: ["monthly"], stages: [] }];
    const { js, fitted } = await checkAgreement(defs, COLUMNS, { monthly: [1, 3, null] }, { monthly: [null, 7] });
    expect(fitted.features[0]!.stages.map((s) => s.fn)).toEqual(["impute"]);
    expect(Array.from(js.numeric)).toEqual([2, 7]);
  });

  it("standardizes each onehot column separately (multi-column stages)", async () => {
    const defs: FeatureDef[] = [
      { name: "p", inputs: ["plan"], stages: [{ fn: "onehot", args: {} }, { fn: "standardize", args: {} }] },
    ];
    await fc.assert(
      fc.asyncProperty(categories({ minLength: 2 }), categories(), async (t, rows) => {
        await checkAgreement(defs, COLUMNS, { plan: t }, { plan: rows });
      }),
      { numRuns: 30 },
    );
  });

  it("cuts strings at NUL, as onnxruntime-node does", async () => {
    const defs: FeatureDef[] = [
      { name: "p", inputs: ["plan"], stages: [{ fn: "onehot", args: {} }] },
      { name: "h", inputs: ["plan"], stages: [{ fn: "hash", args: { buckets: 50 } }] },
    ];
    const { fitted } = await checkAgreement(defs, COLUMNS, { plan: ["a\u0000b", "a", "\u0000z"] }, { plan: ["a\u0000c", "z"] });
    expect(fitted.featureNames.slice(0, 2)).toEqual(["p=a", "p=<unknown>"]);
  });

  it("gives clear errors for bad definitions and bad data", () => {
    const bad = (defs: FeatureDef[], data: Record<string, unknown[]> = train) =>
      () => fitPipeline(defs, COLUMNS, data as never);
    expect(bad([{ name: "x", inputs: ["tenur"], stages: [{ fn: "standardize", args: {} }] }])).toThrow(/unknown column `tenur`/);
    expect(bad([{ name: "x", inputs: ["tenure"], stages: [{ fn: "standardise", args: {} }] }])).toThrow(/unknown transform `standardise`/);
    expect(bad([{ name: "x", inputs: ["signup"], stages: [{ fn: "standardize", args: {} }] }])).toThrow(/timestamp/);
    expect(bad([DEFS[0]!, DEFS[0]!])).toThrow(/defined twice/);
    expect(bad([{ name: "x", inputs: ["plan"], stages: [{ fn: "standardize", args: {} }] }])).toThrow(
      /feature `x`, stage 1 \(standardize\): needs a numeric input, got string values/,
    );
    expect(bad([{ name: "x", inputs: ["tenure", "monthly"], stages: [{ fn: "standardize", args: {} }] }])).toThrow(/takes one column, got 2/);
    expect(bad([DEFS[0]!], { tenure: [1, "two"] })).toThrow(/column `tenure` row 1: expected a number, got the string "two"/);
    expect(bad([DEFS[0]!, DEFS[1]!], { tenure: [1, 2], monthly: [1] })).toThrow(/has 1 rows but `tenure` has 2/);
    expect(bad([{ name: "x", inputs: ["plan"], stages: [] }])).toThrow(/exactly one numeric column/);
    expect(bad([{ name: "x", inputs: ["plan"], stages: [{ fn: "embed_index", args: {} }, { fn: "standardize", args: {} }] }])).toThrow(
      /stage 2 \(standardize\): needs a numeric input, got index values/,
    );
  });
});
