import { describe, expect, it } from "vitest";
import fc from "fast-check";
import onnxProto from "onnx-proto";
import { Rng } from "../../core/rng.js";
import { applyPipeline, fitPipeline, type FeatureDef } from "../../runtime/features/pipeline.js";
import { outputUnits, predictNetwork } from "../../runtime/model/forward.js";
import type { BuiltinNetwork as Network } from "../../stdlib/arch/index.js";
import { exportOnnx, OUTPUT_NAMES, type ExportOnnxOptions } from "../../runtime/export/onnx.js";
import { expectClose, runOnnx, toOrtFeeds } from "../transforms/onnx-agreement.js";
import { COLUMNS, makeNetwork, makeRows, pickFeatures, pickTask, type TaskChoice } from "./scenarios.js";

const { onnx } = onnxProto;

interface Scenario {
  options: ExportOnnxOptions;
  test: ReturnType<typeof makeRows>;
  defs: FeatureDef[];
}

function buildScenario(seed: number, kind: Network["kind"]): Scenario {
  const rng = new Rng(seed);
  const defs = pickFeatures(rng, kind);
  const train = makeRows(rng, rng.int(3, 60), false);
  const test = makeRows(rng, rng.int(1, 40), true);
  const pipeline = fitPipeline(defs, COLUMNS, train);
  const task: TaskChoice = pickTask(rng, kind);
  const cardinality = (name: string) => pipeline.indexFeatures.find((f) => f.name === name)?.cardinality ?? 1;
  const network = makeNetwork(rng, kind, pipeline.width, task, { user: cardinality("user_ix"), item: cardinality("item_ix") });
  return {
    defs,
    test,
    options: {
      pipeline,
      network,
      task: task.task,
      classes: task.classes,
      columns: COLUMNS,
      metadata: { specHash: `sha256:${seed}`, modelName: "churn_mlp" },
    },
  };
}

async function checkScenario(scenario: Scenario): Promise<void> {
  const { options, test } = scenario;
  const bytes = exportOnnx(options);
  const features = applyPipeline(options.pipeline, test);
  const expected = predictNetwork(options.network, features);
  const outputs = await runOnnx(bytes, toOrtFeeds(options.pipeline.columns, test));
  const output = outputs[OUTPUT_NAMES[options.task]]!;
  expect(output.dims).toEqual([features.rows, outputUnits(options.network)]);
  expectClose(output.data as Float32Array, expected);
}

describe("exportOnnx end to end: pipeline + network in one graph", () => {
  for (const kind of ["sequential", "wide_deep", "matrix_factorization"] as const) {
    it(`${kind}: onnxruntime output equals applyPipeline + predictNetwork`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
          await checkScenario(buildScenario(seed, kind));
        }),
        { numRuns: 25 },
      );
    });
  }

  it("survives storing the fitted pipeline as JSON", async () => {
    const scenario = buildScenario(11, "sequential");
    const stored = JSON.parse(JSON.stringify(scenario.options.pipeline));
    const again = exportOnnx({ ...scenario.options, pipeline: stored });
    expect(Buffer.from(again).equals(Buffer.from(exportOnnx(scenario.options)))).toBe(true);
    await checkScenario({ ...scenario, options: { ...scenario.options, pipeline: stored } });
  });

  it("is deterministic: same inputs, same bytes", () => {
    const a = exportOnnx(buildScenario(5, "wide_deep").options);
    const b = exportOnnx(buildScenario(5, "wide_deep").options);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("scores a row of nulls and an empty batch", async () => {
    for (const kind of ["sequential", "wide_deep", "matrix_factorization"] as const) {
      const scenario = buildScenario(21, kind);
      await checkScenario({ ...scenario, test: Object.fromEntries(COLUMNS.map((c) => [c.name, [null]])) });
      await checkScenario({ ...scenario, test: Object.fromEntries(COLUMNS.map((c) => [c.name, []])) });
    }
  });
});

describe("exported model interface", () => {
  it("has raw-column inputs, the task's output and the metadata", async () => {
    const defs: FeatureDef[] = [
      { name: "age_z", inputs: ["age"], stages: [{ fn: "standardize", args: {} }] },
      { name: "plan_oh", inputs: ["plan"], stages: [{ fn: "onehot", args: {} }] },
    ];
    const rng = new Rng(1);
    const pipeline = fitPipeline(defs, COLUMNS, makeRows(rng, 30, false));
    const network = makeNetwork(rng, "sequential", pipeline.width, { task: "multiclass", head: "softmax", units: 3 }, { user: 1, item: 1 });
    const bytes = exportOnnx({
      pipeline,
      network,
      task: "multiclass",
      classes: ["a", "b", "c"],
      columns: COLUMNS,
      metadata: { specHash: "sha256:abc", modelName: "iris_mlp", extra: { "mlspec.run_id": "r1" } },
    });
    const model = onnx.ModelProto.decode(bytes);
    const graph = model.graph!;
    expect(graph.input!.map((i) => i.name)).toEqual(["age", "plan"]);
    expect(graph.input!.map((i) => i.type!.tensorType!.elemType)).toEqual([onnx.TensorProto.DataType.FLOAT, onnx.TensorProto.DataType.STRING]);
    expect(graph.output!.map((o) => o.name)).toEqual(["probabilities"]);
    const opsets = Object.fromEntries(model.opsetImport!.map((o) => [o.domain, Number(o.version)]));
    expect(opsets).toEqual({ "": 17, "ai.onnx.ml": 3 });
    const props = Object.fromEntries(model.metadataProps!.map((p) => [p.key, p.value]));
    expect(JSON.parse(props["mlspec.input_schema"]!)).toEqual([
      { name: "age", type: { kind: "int" }, tensor: "float", shape: ["N", 1] },
      { name: "plan", type: { kind: "enum", values: ["basic", "pro", "enterprise"] }, tensor: "string", shape: ["N", 1] },
    ]);
    expect(JSON.parse(props["mlspec.feature_names"]!)).toEqual(pipeline.featureNames);
    expect(props).toMatchObject({
      "mlspec.spec_hash": "sha256:abc",
      "mlspec.model_name": "iris_mlp",
      "mlspec.task": "multiclass",
      "mlspec.classes": '["a","b","c"]',
      "mlspec.run_id": "r1",
    });
    expect(Object.keys(props)).not.toContain("mlspec.model_version");
    const out = await runOnnx(bytes, toOrtFeeds(pipeline.columns, { age: [30, null], plan: ["pro", "unknown"] }));
    const probabilities = out.probabilities!.data as Float32Array;
    expect(probabilities[0]! + probabilities[1]! + probabilities[2]!).toBeCloseTo(1, 5);
  });

  it("holds no version number, so concurrent runs cannot embed the wrong one, and its bytes depend on the model alone", () => {
    // the registry assigns name@version when it registers the artifact (issue 9, item 10)
    const options = buildScenario(11, "sequential").options;
    const first = exportOnnx(options);
    const props = onnx.ModelProto.decode(first).metadataProps!.map((p) => p.key);
    expect(props.filter((k) => /version/.test(k!))).toEqual(["mlspec.pipeline_version"]);
    expect(Buffer.from(exportOnnx(options)).equals(Buffer.from(first))).toBe(true);
  });

  it("asks only for the columns the network's features read", () => {
    const mf = buildScenario(8, "matrix_factorization").options;
    const model = onnx.ModelProto.decode(exportOnnx(mf));
    expect(model.graph!.input!.map((i) => i.name)).toEqual(["user", "item"]);
    const props = Object.fromEntries(model.metadataProps!.map((p) => [p.key, p.value]));
    expect(JSON.parse(props["mlspec.index_features"]!).map((f: { name: string }) => f.name)).toEqual(["user_ix", "item_ix"]);
    expect(props["mlspec.feature_names"]).toBe("[]");
  });

  it("uses the com.microsoft domain only when hashing", () => {
    const defs: FeatureDef[] = [{ name: "h", inputs: ["city"], stages: [{ fn: "hash", args: { buckets: 4 } }] }];
    const rng = new Rng(2);
    const pipeline = fitPipeline(defs, COLUMNS, makeRows(rng, 10, false));
    const network = makeNetwork(rng, "sequential", 4, { task: "regression", head: "identity", units: 1 }, { user: 1, item: 1 });
    const model = onnx.ModelProto.decode(
      exportOnnx({ pipeline, network, task: "regression", columns: COLUMNS, metadata: { specHash: "h", modelName: "m" } }),
    );
    expect(model.opsetImport!.map((o) => o.domain).sort()).toEqual(["", "com.microsoft"]);
  });
});

describe("exportOnnx refuses what cannot work", () => {
  const scenario = buildScenario(3, "sequential");
  const base = scenario.options;
  const seq = base.network as Extract<Network, { kind: "sequential" }>;

  it("a network whose input width differs from the pipeline's", () => {
    expect(() => exportOnnx({ ...base, network: { ...seq, inputWidth: seq.inputWidth + 1 } })).toThrow(/ONNX export: .*expects/);
  });

  it("a head that does not fit the task", () => {
    const last = seq.layers[seq.layers.length - 1]!;
    if (last.units === 1) {
      expect(() => exportOnnx({ ...base, task: "binary", classes: undefined, network: { ...seq, head: "identity" } })).toThrow(/sigmoid head/);
      expect(() => exportOnnx({ ...base, task: "multiclass", classes: undefined, network: { ...seq, head: "softmax" } })).toThrow(/at least 2 output units/);
    } else {
      expect(() => exportOnnx({ ...base, task: "regression", classes: undefined })).toThrow(/needs 1 output unit/);
    }
  });

  it("columns that do not describe the pipeline's inputs", () => {
    const used = base.pipeline.columns[0]!.name;
    expect(() => exportOnnx({ ...base, columns: base.columns.filter((c) => c.name !== used) })).toThrow(/does not describe/);
    const retyped = base.columns.map((c) => (c.name === used ? { ...c, type: { kind: "bool" as const } } : c));
    expect(() => exportOnnx({ ...base, columns: retyped })).toThrow(/was fitted as/);
  });

  it("a factorization whose tables do not match the id vocabularies", () => {
    const mf = buildScenario(4, "matrix_factorization").options;
    const network = mf.network as Extract<Network, { kind: "matrix_factorization" }>;
    const user = { ...network.user, count: network.user.count + 1, table: new Float32Array((network.user.count + 1) * network.user.dim) };
    const bad = { ...network, user, userBias: new Float32Array(user.count) };
    expect(() => exportOnnx({ ...mf, network: bad })).toThrow(/embedding table/);
  });
});
