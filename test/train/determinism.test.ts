import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend, type BackendName } from "../../runtime/train/backend.js";
import { ResumeMismatchError } from "../../runtime/train/errors.js";
import { trainNetwork, type TrainCheckpoint, type TrainConfig } from "../../runtime/train/fit.js";
import { binaryProblem, ratingsProblem, sameBytes } from "./synthetic.js";

const data = binaryProblem(240, 4);

function mlpConfig(optimizer: TrainConfig["optimizer"], extra: Partial<TrainConfig> = {}): TrainConfig {
  return {
    task: "binary",
    arch: { kind: "mlp", params: { hidden: [8, 4], dropout: 0.2, activation: "gelu" } },
    optimizer,
    epochs: 4,
    batchSize: 32,
    seed: 11,
    metrics: ["auc"],
    ...extra,
  };
}

describe.each<BackendName>(["cpu", "wasm"])("on the %s backend", (backend) => {
  it("the same config, data and seed give identical weight bytes", async () => {
    await selectBackend(backend);
    const config = mlpConfig({ kind: "adam", lr: 0.01 });
    const a = await trainNetwork(config, data);
    const b = await trainNetwork(config, data);
    expect(a.history.backend).toBe(backend);
    expect(sameBytes(a.network, b.network)).toBe(true);
    expect(b.history.epochs).toEqual(a.history.epochs);
    const other = await trainNetwork({ ...config, seed: 12 }, data);
    expect(sameBytes(a.network, other.network)).toBe(false);
  });

  it.each<[string, TrainConfig["optimizer"]]>([
    ["adam", { kind: "adam", lr: 0.01 }],
    ["sgd with nesterov momentum", { kind: "sgd", lr: 0.05, momentum: 0.9, nesterov: true }],
    ["rmsprop with momentum", { kind: "rmsprop", lr: 0.005, momentum: 0.5 }],
  ])("resuming from any epoch's checkpoint gives the uninterrupted weights (%s)", async (_, optimizer) => {
    await selectBackend(backend);
    const config = mlpConfig(optimizer);
    const checkpoints: TrainCheckpoint[] = [];
    const full = await trainNetwork(config, data, {
      // through JSON, as a checkpoint written to disk would be
      onCheckpoint: (_epoch, cp) => void checkpoints.push(JSON.parse(JSON.stringify(cp)) as TrainCheckpoint),
    });
    expect(checkpoints.map((c) => c.epoch)).toEqual([0, 1, 2, 3]);
    for (const cp of checkpoints.slice(0, 3)) {
      const resumed = await trainNetwork(config, data, { resumeFrom: cp });
      expect(sameBytes(resumed.network, full.network)).toBe(true);
      expect(resumed.history.epochs).toEqual(full.history.epochs);
    }
  });
});

describe("resume", () => {
  it("carries early-stopping state and embeddings across a restart", async () => {
    await selectBackend("cpu");
    const ratings = ratingsProblem();
    const config: TrainConfig = {
      task: "recommendation",
      arch: { kind: "matrix_factorization", params: { dim: 4 } },
      optimizer: { kind: "adam", lr: 0.05 },
      epochs: 6,
      batchSize: 64,
      seed: 5,
      metrics: ["rmse", "ndcg@5"],
      earlyStop: { metric: "val.rmse", patience: 1 },
    };
    const checkpoints: TrainCheckpoint[] = [];
    const full = await trainNetwork(config, ratings, { onCheckpoint: (_e, cp) => void checkpoints.push(structuredClone(cp)) });
    const resumed = await trainNetwork(config, ratings, { resumeFrom: checkpoints[1]! });
    expect(sameBytes(resumed.network, full.network)).toBe(true);
    expect(resumed.history).toEqual(full.history);
  });

  it("refuses a checkpoint from a different run", async () => {
    await selectBackend("cpu");
    const config = mlpConfig({ kind: "adam", lr: 0.01 }, { epochs: 2 });
    let checkpoint: TrainCheckpoint | undefined;
    await trainNetwork(config, data, { onCheckpoint: (_e, cp) => void (checkpoint = cp) });
    await expect(trainNetwork({ ...config, seed: 99 }, data, { resumeFrom: checkpoint })).rejects.toThrow(ResumeMismatchError);
    const otherData = binaryProblem(240, 4, 77);
    await expect(trainNetwork(config, otherData, { resumeFrom: checkpoint })).rejects.toThrow(/different run/);
    // a longer run may continue from it
    const longer = await trainNetwork({ ...config, epochs: 3 }, data, { resumeFrom: checkpoint });
    expect(longer.history.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
  });

  it("leaves no tensors behind", async () => {
    await selectBackend("cpu");
    const config = mlpConfig({ kind: "sgd", lr: 0.05, momentum: 0.9 }, { epochs: 2, earlyStop: { metric: "auc", patience: 1 } });
    await trainNetwork(config, data);
    const before = tf.memory().numTensors;
    await trainNetwork(config, data, { onCheckpoint: () => {} });
    expect(tf.memory().numTensors).toBe(before);
  });
});
