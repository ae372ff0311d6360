import { beforeAll, describe, expect, it } from "vitest";
import * as accuracy from "../../stdlib/metrics/accuracy.js";
import * as auc from "../../stdlib/metrics/auc.js";
import * as r2 from "../../stdlib/metrics/r2.js";
import * as rmse from "../../stdlib/metrics/rmse.js";
import { selectBackend } from "../../runtime/train/backend.js";
import { trainNetwork, type TrainConfig } from "../../runtime/train/fit.js";
import { binaryProblem, multiclassProblem, predictNetwork, ratingsProblem, regressionProblem } from "./synthetic.js";
import type { MatrixFactorizationNetwork } from "../../stdlib/arch/matrix-factorization/index.js";
import type { SequentialNetwork } from "../../stdlib/arch/shared/sequential-network.js";

beforeAll(async () => {
  await selectBackend("cpu");
});

const ARCHS: Array<[string, TrainConfig["arch"]]> = [
  ["linear", { kind: "linear" }],
  ["mlp", { kind: "mlp", params: { hidden: [16], activation: "tanh" } }],
  ["wide_deep", { kind: "wide_deep", params: { hidden: [16], activation: "elu", dropout: 0.1 } }],
];

describe.each(ARCHS)("%s learns better than chance", (_, arch) => {
  const base = { arch, optimizer: { kind: "adam", lr: 0.03 }, epochs: 8, batchSize: 32, seed: 1 };

  it("binary", async () => {
    const data = binaryProblem();
    const { network, history } = await trainNetwork({ ...base, task: "binary", metrics: ["auc"] }, data);
    expect(history.epochs.at(-1)!.val.auc!).toBeGreaterThan(0.8);
    // the extracted network reproduces the trainer's validation score
    const v = data.validation!;
    const p = Float32Array.from(predictNetwork(network, v.x, v.y.length).map((r) => r[0]!));
    expect(auc.compute(v.y, p)).toBeCloseTo(history.epochs.at(-1)!.val.auc!, 3);
  });

  it("multiclass", async () => {
    const data = multiclassProblem();
    const { network, history } = await trainNetwork({ ...base, task: "multiclass", classes: 3, metrics: ["accuracy"] }, data);
    expect(history.epochs.at(-1)!.val.accuracy!).toBeGreaterThan(0.6); // chance is about 1/3
    const v = data.validation!;
    const p = Float32Array.from(predictNetwork(network, v.x, v.y.length).flatMap((r) => [...r]));
    expect(accuracy.compute(v.y, p, 3)).toBeCloseTo(history.epochs.at(-1)!.val.accuracy!, 2);
  });

  it("regression", async () => {
    const data = regressionProblem();
    const { network, history } = await trainNetwork({ ...base, task: "regression", metrics: ["r2"] }, data);
    expect(history.epochs.at(-1)!.val.r2!).toBeGreaterThan(0.6);
    const v = data.validation!;
    const p = Float32Array.from(predictNetwork(network, v.x, v.y.length).map((r) => r[0]!));
    expect(r2.compute(v.y, p)).toBeCloseTo(history.epochs.at(-1)!.val.r2!, 3);
  });
});

describe("matrix_factorization", () => {
  it("predicts held-out ratings better than the global mean", async () => {
    const data = ratingsProblem();
    const { network, history } = await trainNetwork(
      {
        task: "recommendation",
        arch: { kind: "matrix_factorization", params: { dim: 4, l2: 0.0001 } },
        optimizer: { kind: "adam", lr: 0.05 },
        epochs: 25,
        batchSize: 64,
        seed: 2,
        metrics: ["rmse", "ndcg@5", "recall_at_k@5"],
      },
      data,
    );
    const v = data.validation!;
    let mean = 0;
    for (const y of data.train.y) mean += y;
    mean /= data.train.y.length;
    const baseline = rmse.compute(v.y, new Float32Array(v.y.length).fill(mean));
    const last = history.epochs.at(-1)!.val;
    expect(last.rmse!).toBeLessThan(0.8 * baseline);
    expect(last["ndcg@5"]).toBeGreaterThan(0);
    expect(last["recall_at_k@5"]).toBeGreaterThan(0);
    expect(network.kind).toBe("matrix_factorization");
    if (network.kind !== "matrix_factorization") return;
    expect((network as MatrixFactorizationNetwork).user.count).toBe(31); // 30 users + the unknown row
    const p = Float32Array.from(predictNetwork(network, v.x, v.y.length, v.indices).map((r) => r[0]!));
    expect(rmse.compute(v.y, p)).toBeCloseTo(last.rmse!, 3);
  });
});

describe("other settings", () => {
  it("sgd and rmsprop also train; relu, sigmoid and gelu stacks export the right activations", async () => {
    const data = binaryProblem();
    for (const [optimizer, activation] of [
      [{ kind: "sgd", lr: 0.1, momentum: 0.9 }, "relu"],
      [{ kind: "rmsprop", lr: 0.01 }, "sigmoid"],
      [{ kind: "adam", lr: 0.03 }, "gelu"],
    ] as const) {
      const { network, history } = await trainNetwork(
        {
          task: "binary",
          arch: { kind: "mlp", params: { hidden: [12, 6], activation, l2: 0.0001 } },
          optimizer,
          epochs: 6,
          batchSize: 32,
          seed: 3,
          metrics: ["auc"],
        },
        data,
      );
      expect(history.epochs.at(-1)!.val.auc!).toBeGreaterThan(0.75);
      if (network.kind !== "sequential") throw new Error("mlp exports a sequential network");
      expect((network as SequentialNetwork).layers.map((l) => [l.inputs, l.units, l.activation])).toEqual([
        [4, 12, activation],
        [12, 6, activation],
        [6, 1, "linear"],
      ]);
      const v = data.validation!;
      const p = Float32Array.from(predictNetwork(network, v.x, v.y.length).map((r) => r[0]!));
      expect(auc.compute(v.y, p)).toBeCloseTo(history.epochs.at(-1)!.val.auc!, 3);
    }
  });

  it("regression accepts mae and huber losses", async () => {
    const data = regressionProblem();
    for (const loss of ["mae", "huber"] as const) {
      const { history } = await trainNetwork(
        { task: "regression", loss, arch: { kind: "linear" }, optimizer: { kind: "adam", lr: 0.1 }, epochs: 5, batchSize: 32, seed: 1, metrics: ["mae"] },
        data,
      );
      expect(history.epochs.at(-1)!.loss).toBeLessThan(history.epochs[0]!.loss);
    }
  });
});
