/**
 * Adding a built-in touches its own file(s), one registry line and its test —
 * nothing in compiler/ or runtime/ (issue 10.1). Each case lists a fixture in a
 * temporary registry (the one line) and drives the checker, planner and the
 * runtime that kind reaches (trainer, forward pass, codec, ONNX export, search)
 * through it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/index.js";
import { programFromText } from "../../compiler/check/program.js";
import { buildPlan } from "../../compiler/plan/lower.js";
import { Rng } from "../../core/rng.js";
import { validateSearchSpace } from "../../core/search/space.js";
import { exportOnnx, OUTPUT_NAMES } from "../../runtime/export/onnx.js";
import { applyPipeline, fitPipeline } from "../../runtime/features/pipeline.js";
import { predictNetwork } from "../../runtime/model/forward.js";
import { decodeNetwork, encodeNetwork } from "../../runtime/run/network-codec.js";
import { shouldScale, unscaleNetwork } from "../../runtime/run/target-scale.js";
import { selectBackend } from "../../runtime/train/backend.js";
import { createPruner, createSampler } from "../../runtime/search/strategies.js";
import { Study } from "../../runtime/search/study.js";
import { trainNetwork, type TrainData } from "../../runtime/train/fit.js";
import { architectures, networkShapesOf } from "../../stdlib/arch/index.js";
import { builtins, type Builtins } from "../../stdlib/index.js";
import { optimizers } from "../../stdlib/optim/index.js";
import { pruners } from "../../stdlib/pruners/index.js";
import { samplers } from "../../stdlib/samplers/index.js";
import { DATA, MODEL, SERVED } from "../compiler/rules/harness.js";
import { COLUMNS, makeRows, NUMERIC_FEATURES } from "../export/scenarios.js";
import { expectClose, runOnnx, toOrtFeeds } from "../transforms/onnx-agreement.js";
import * as afterEpochs from "./fixtures/after-epochs/index.js";
import * as affine from "./fixtures/affine/index.js";
import * as blueGreen from "./fixtures/blue-green.js";
import * as lowest from "./fixtures/lowest/index.js";
import * as plainSgd from "./fixtures/plain-sgd/index.js";
import * as square from "./fixtures/square.js";

/** Built-in signatures with one more entry in one table: what listing it in stdlib does. */
function withSignature<K extends keyof Builtins>(table: K, sig: { name: string }): Builtins {
  return { ...builtins, [table]: new Map([...builtins[table], [sig.name, sig]]) };
}

const codesOf = (text: string, b: Builtins) => checkProgram(programFromText(text, "spec.mlspec"), undefined, b).diagnostics.map((d) => d.code);

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("a new architecture (fixture `affine`, its own network shape)", () => {
  const archs = { ...architectures, affine }; // the registry line
  const shapes = networkShapesOf(archs);
  const registry = { architectures: archs, optimizers };
  const spec = DATA + MODEL.replace("mlp(hidden = [16])", "affine(l2 = 0.01)");

  it("the checker and planner accept it from the registry alone", () => {
    expect(codesOf(spec, builtins)).toEqual(["E0204"]);
    const b = withSignature("archs", affine.signature);
    const result = checkProgram(programFromText(spec, "spec.mlspec"), undefined, b);
    expect(result.diagnostics.map((d) => d.code)).toEqual([]);
    expect(JSON.stringify(buildPlan(result.sem))).toContain('"kind":"affine","params":{"l2":0.01}');
  });

  it("trains, predicts, round-trips and exports to ONNX that agrees with the JS forward pass", async () => {
    const rng = new Rng(7);
    const defs = NUMERIC_FEATURES.slice(0, 2);
    const rows = makeRows(rng, 60, false);
    const pipeline = fitPipeline(defs, COLUMNS, rows);
    const features = applyPipeline(pipeline, rows);
    const y = Float32Array.from({ length: features.rows }, (_, i) => (features.numeric[i * features.width]! > 0 ? 1 : 0));
    const data: TrainData = { train: { x: features.numeric, y } };
    const config = { task: "binary" as const, arch: { kind: "affine" }, optimizer: { kind: "adam", lr: 0.05 }, epochs: 2, batchSize: 16, seed: 3 };
    const { network } = await trainNetwork(config, data, { registry });
    expect(network.kind).toBe("affine");

    const decoded = decodeNetwork(encodeNetwork(network, shapes), shapes);
    expect(decoded).toEqual(network);
    const predicted = predictNetwork(network, features, undefined, shapes);
    expect(predicted.length).toBe(features.rows);

    const bytes = exportOnnx({ pipeline, network, task: "binary", columns: COLUMNS, metadata: { specHash: "sha256:0", modelName: "m" }, shapes });
    const outputs = await runOnnx(bytes, toOrtFeeds(pipeline.columns, rows));
    expectClose(outputs[OUTPUT_NAMES.binary]!.data as Float32Array, predicted);

    expect(shouldScale("regression", "affine", archs)).toBe(true);
    const scaled = unscaleNetwork({ ...network, head: "identity" }, { mean: 1, std: 2 }, shapes) as affine.AffineNetwork;
    expect(scaled.layer.bias[0]).toBeCloseTo((network as affine.AffineNetwork).layer.bias[0]! * 2 + 1, 5);
  });
});

describe("a new optimizer (fixture `plain_sgd`)", () => {
  const registry = { architectures, optimizers: { ...optimizers, plain_sgd: plainSgd } }; // the registry line

  it("the checker accepts it from the registry alone", () => {
    const spec = DATA + MODEL.replace("  metrics", "  train { optimizer = plain_sgd(lr = 0.1) }\n  metrics");
    expect(codesOf(spec, builtins)).toEqual(["E0204"]);
    expect(codesOf(spec, withSignature("optimizers", plainSgd.signature))).toEqual([]);
  });

  it("trains with it, and its state survives a checkpoint", async () => {
    const rng = new Rng(1);
    const x = Float32Array.from({ length: 80 }, () => rng.normal());
    const y = Float32Array.from({ length: 40 }, (_, i) => (x[i * 2]! > 0 ? 1 : 0));
    const config = { task: "binary" as const, arch: { kind: "linear" }, optimizer: { kind: "plain_sgd", lr: 0.2 }, epochs: 2, batchSize: 8, seed: 1 };
    const checkpoints: unknown[] = [];
    const result = await trainNetwork(config, { train: { x, y } }, { registry, onCheckpoint: (_, c) => void checkpoints.push(c) });
    expect(result.history.epochs).toHaveLength(2);
    expect(JSON.stringify(checkpoints.at(-1))).toContain('"kind":"plain_sgd"');
  });
});

describe("a new rollout strategy (fixture `blue_green`)", () => {
  const spec = SERVED + "rollout r for api {\n  blue_green(churn@challenger, after = 1h)\n}\n";

  it("the checker knows it from the registry alone: no unknown call, no missing strategy", () => {
    expect(codesOf(spec, builtins)).toEqual(["E0105"]);
    expect(codesOf(spec, withSignature("rolloutStrategies", blueGreen.signature))).toEqual([]);
  });

  it("is offered in the help of a rollout without a strategy", () => {
    const b = withSignature("rolloutStrategies", blueGreen.signature);
    const d = checkProgram(programFromText(SERVED + "rollout r for api {\n  on_fail = rollback\n}\n", "spec.mlspec"), undefined, b).diagnostics;
    expect(d.map((x) => x.help)).toEqual(["add one of shadow(...), canary(...), ab(...), bandit(...) or blue_green(...)"]);
  });
});

describe("a new sampler and pruner (fixtures `lowest`, `after_epochs`)", () => {
  const spec =
    DATA +
    MODEL +
    `
search tune for churn {
  arch.dropout ~ uniform(0.0, 0.4)
  train.epochs ~ int(2, 10)
  sampler   = lowest(trials = 3, margin = 0.5)
  objective = maximize val.auc
  prune     = after_epochs(epochs = 2)
}
`;
  const withBoth = () => {
    const b = withSignature("samplers", lowest.signature);
    return { ...b, pruners: new Map([...b.pruners, [afterEpochs.signature.name, afterEpochs.signature]]) };
  };

  it("the checker and planner accept them from the registry alone", () => {
    expect(codesOf(spec, builtins)).toEqual(["E0204", "E0204"]);
    const result = checkProgram(programFromText(spec, "spec.mlspec"), undefined, withBoth());
    expect(result.diagnostics.map((d) => d.code)).toEqual([]);
    const step = buildPlan(result.sem).steps.find((s) => s.kind === "search")!;
    expect(step.params).toMatchObject({
      sampler: { kind: "lowest", trials: 3, parallel: 1, seed: 0, margin: 0.5 },
      pruner: { kind: "after_epochs", params: { epochs: 2 } },
    });
  });

  it("the search builds them from the registry and a study runs with them", async () => {
    const result = checkProgram(programFromText(spec, "spec.mlspec"), undefined, withBoth());
    const step = buildPlan(result.sem).steps.find((s) => s.kind === "search")!;
    if (step.kind !== "search") throw new Error("no search step");
    const p = step.params;
    // the registry lines
    const sampler = await createSampler(p.sampler, { ...samplers, lowest });
    const pruner = await createPruner(p.pruner, { ...pruners, after_epochs: afterEpochs });
    await expect(createSampler(p.sampler)).rejects.toThrow('unknown sampler "lowest"');

    const study = new Study({ space: validateSearchSpace(p.space), direction: p.objective.direction, sampler, pruner, seed: p.sampler.seed, maxTrials: p.sampler.trials! });
    await study.optimize(async (trial) => {
      let value = 0;
      for (let epoch = 1; epoch <= 5; epoch++) {
        value = epoch / 10;
        if (trial.report(epoch, value)) break;
      }
      return value;
    });
    expect(study.trials.map((t) => [t.params, t.state, t.intermediate.length])).toEqual(
      Array.from({ length: 3 }, () => [{ "arch.dropout": 0.2, "train.epochs": 6 }, "pruned", 2]),
    );
  });
});

describe("a new transform (fixture `square`)", () => {
  const spec = DATA + `
features f from customers {
  monthly_sq = square(monthly, scale = 2)
}
` + MODEL.replace("columns(customers, except = [customer_id, churned])", "f");

  it("the checker and planner read it from the registry they are given", () => {
    expect(codesOf(spec, builtins)).toContain("E0204");
    const result = checkProgram(programFromText(spec, "spec.mlspec"), undefined, withSignature("transforms", square.signature));
    expect(result.diagnostics.map((d) => d.code)).toEqual([]);
    expect(JSON.stringify(buildPlan(result.sem))).toContain('"fn":"square"');
  });
});
