import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { BackendUnavailableError, DivergedError, TrainConfigError, TrainDataError } from "../../runtime/train/errors.js";
import { parseBackendName, selectBackend } from "../../runtime/train/backend.js";
import { observeEpoch, initialEarlyStop, type EarlyStopRule } from "../../runtime/train/early-stop.js";
import { trainNetwork, type TrainCheckpoint, type TrainConfig } from "../../runtime/train/fit.js";
import { architectures } from "../../stdlib/arch/index.js";
import { optimizers } from "../../stdlib/optim/index.js";

const archSignatures = Object.fromEntries(Object.entries(architectures).map(([name, m]) => [name, m.signature]));
const optimizerSignatures = Object.fromEntries(Object.entries(optimizers).map(([name, m]) => [name, m.signature]));
import type { TaskKind } from "../../stdlib/signature.js";
import { binaryProblem, multiclassProblem, networkArrays, ratingsProblem, regressionProblem } from "./synthetic.js";

beforeAll(async () => {
  await selectBackend("cpu");
});

const binary = binaryProblem(200, 4);
const base: TrainConfig = {
  task: "binary",
  arch: { kind: "linear" },
  optimizer: { kind: "sgd", lr: 0.1 },
  epochs: 10,
  batchSize: 50,
  seed: 1,
};

describe("early stopping", () => {
  it("stops after `patience` epochs without improvement", async () => {
    // lr 0: the validation loss never changes, so only epoch 0 improves
    const config: TrainConfig = { ...base, optimizer: { kind: "sgd", lr: 0 }, earlyStop: { metric: "loss", patience: 2 } };
    const { history } = await trainNetwork(config, binary);
    expect(history.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(history.stopReason).toBe("early_stop");
    expect(history.bestEpoch).toBe(0);
  });

  it("returns the best epoch's weights", async () => {
    const checkpoints: TrainCheckpoint[] = [];
    const config: TrainConfig = {
      ...base,
      optimizer: { kind: "sgd", lr: 3 }, // large steps: the validation loss wanders
      epochs: 7,
      earlyStop: { metric: "val.auc", patience: 8 },
      metrics: ["auc"],
    };
    const { network, history } = await trainNetwork(config, binary, { onCheckpoint: (_e, cp) => void checkpoints.push(cp) });
    const aucs = history.epochs.map((e) => e.val.auc!);
    const best = aucs.indexOf(Math.max(...aucs));
    expect(history.bestEpoch).toBe(best);
    expect(best).toBeLessThan(history.epochs.length - 1); // else "best" and "last" coincide and this proves nothing
    const bestWeights = checkpoints.at(-1)!.earlyStop!.bestWeights!;
    const bestCheckpoint = checkpoints[best]!;
    expect(bestWeights.map((w) => w.data)).toEqual(bestCheckpoint.weights.map((w) => w.data));
    const arrays = networkArrays(network);
    expect(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64"))).toEqual(
      bestCheckpoint.weights.map((w) => w.data),
    );
  });

  it("matches a plain loop over the metric values (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(Number.NaN)), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom<"max" | "min">("max", "min"),
        (values, patience, mode) => {
          const rule: EarlyStopRule = { mode, patience, minDelta: 0 };
          let state = initialEarlyStop();
          let stoppedAt = -1;
          for (let e = 0; e < values.length && stoppedAt < 0; e++) {
            const step = observeEpoch(rule, state, e, values[e]!, null);
            state = step.state;
            if (step.stop) stoppedAt = e;
          }
          // reference: the best so far and how long since it last improved
          let best: number | null = null;
          let since = 0;
          let refStop = -1;
          for (let e = 0; e < values.length; e++) {
            const v = values[e]!;
            const better = !Number.isNaN(v) && (best === null || (mode === "max" ? v > best : v < best));
            if (better) {
              best = v;
              since = 0;
            } else if (++since >= patience) {
              refStop = e;
              break;
            }
          }
          expect(stoppedAt).toBe(refStop);
          expect(state.best).toBe(best);
        },
      ),
    );
  });
});

describe("callbacks", () => {
  it("onEpoch sees loss and validation metrics and can stop the run", async () => {
    const seen: Array<[number, string[]]> = [];
    const { history } = await trainNetwork({ ...base, metrics: ["auc", "logloss"] }, binary, {
      onEpoch: (epoch, report) => {
        seen.push([epoch, Object.keys(report.val).sort()]);
        expect(Number.isFinite(report.loss)).toBe(true);
        return epoch === 1 ? "stop" : undefined;
      },
    });
    expect(seen).toEqual([
      [0, ["auc", "logloss", "loss"]],
      [1, ["auc", "logloss", "loss"]],
    ]);
    expect(history.stopReason).toBe("callback");
  });

  it("a checkpoint taken when the run stopped resumes to the same end", async () => {
    let last: TrainCheckpoint | undefined;
    const first = await trainNetwork(base, binary, { onEpoch: (e) => (e === 2 ? "stop" : undefined), onCheckpoint: (_e, cp) => void (last = cp) });
    const resumed = await trainNetwork(base, binary, { resumeFrom: last });
    expect(resumed.history).toEqual(first.history);
  });
});

describe("bad runs and bad input give clear errors", () => {
  it("a diverging run throws DivergedError", async () => {
    const data = regressionProblem(100, 4);
    data.train.y = data.train.y.map((v) => v * 1e6);
    const config: TrainConfig = { ...base, task: "regression", arch: { kind: "mlp", params: { hidden: [8] } }, optimizer: { kind: "sgd", lr: 10 } };
    await expect(trainNetwork(config, data)).rejects.toThrow(DivergedError);
    await expect(trainNetwork(config, data)).rejects.toThrow(/diverged in epoch \d+.*learning rate/);
  });

  it.each<[string, Partial<TrainConfig>, RegExp]>([
    ["unknown architecture", { arch: { kind: "transformer" } }, /unknown architecture `transformer`; known: linear, mlp/],
    ["unknown optimizer", { optimizer: { kind: "lbfgs" } }, /unknown optimizer `lbfgs`/],
    ["unknown parameter", { arch: { kind: "mlp", params: { hiden: [4] } } }, /has no parameter `hiden`/],
    ["parameter out of range", { arch: { kind: "mlp", params: { dropout: 1.5 } } }, /`dropout` must be <= 0.9/],
    ["wrong parameter type", { arch: { kind: "mlp", params: { hidden: [4.5] } } }, /`hidden` must be an integer/],
    ["bad activation", { arch: { kind: "mlp", params: { activation: "swish" } } }, /one of relu, tanh, sigmoid, elu, gelu/],
    ["metric of another task", { metrics: ["rmse"] }, /metric `rmse` does not apply to binary models/],
    ["unknown metric", { metrics: ["aucc"] }, /unknown metric `aucc`/],
    ["arch of another task", { arch: { kind: "matrix_factorization" } }, /does not fit a binary task/],
    ["loss of another task", { loss: "mse" }, /loss `mse` does not fit a binary task/],
    ["non-integer epochs", { epochs: 2.5 }, /epochs/],
  ])("%s", async (_, change, message) => {
    const attempt = trainNetwork({ ...base, ...change }, binary);
    await expect(attempt).rejects.toThrow(TrainConfigError);
    await expect(trainNetwork({ ...base, ...change }, binary)).rejects.toThrow(message);
  });

  it("data that does not fit the config", async () => {
    const ragged = { train: { x: new Float32Array(7), y: new Float32Array(2) } };
    await expect(trainNetwork(base, ragged)).rejects.toThrow(/not a whole number of rows/);
    const notBinary = { train: { x: new Float32Array(4), y: Float32Array.of(0, 2) } };
    await expect(trainNetwork(base, notBinary)).rejects.toThrow(/must be 0 or 1/);
    const nan = { train: { x: Float32Array.of(1, Number.NaN), y: Float32Array.of(0, 1) } };
    await expect(trainNetwork(base, nan)).rejects.toThrow(TrainDataError);
    await expect(trainNetwork({ ...base, metrics: ["auc"] }, { train: binary.train })).rejects.toThrow(/need a validation split/);
    const noIds = { train: { x: new Float32Array(0), y: Float32Array.of(1, 2) } };
    const mf: TrainConfig = { ...base, task: "recommendation", arch: { kind: "matrix_factorization" } };
    await expect(trainNetwork(mf, noIds)).rejects.toThrow(/needs user and item indices/);
  });

  it("backend names", async () => {
    expect(parseBackendName("wasm")).toBe("wasm");
    expect(() => parseBackendName("gpu")).toThrow(/unknown backend `gpu`; choose one of node-gpu, node, wasm, cpu/);
    // tfjs-node is not installed here; forcing it must fail clearly, not fall back
    await expect(selectBackend("node")).rejects.toThrow(BackendUnavailableError);
    expect((await selectBackend("cpu")).name).toBe("cpu");
  });
});

describe("every task trains on the wasm backend", () => {
  it("binary, multiclass, regression and recommendation", async () => {
    const wasm = { backend: "wasm" as const };
    try {
      const cases: Array<[TrainConfig, ReturnType<typeof binaryProblem>]> = [
        [{ ...base, epochs: 2, arch: { kind: "wide_deep", params: { hidden: [8], activation: "gelu", dropout: 0.1 } }, metrics: ["auc", "f1"] }, binary],
        [{ ...base, epochs: 2, task: "multiclass", arch: { kind: "mlp", params: { hidden: [8] } }, metrics: ["accuracy", "auc"] }, multiclassProblem(150)],
        [{ ...base, epochs: 2, task: "regression", loss: "huber", metrics: ["r2"] }, regressionProblem(150)],
        [
          { ...base, epochs: 2, task: "recommendation", arch: { kind: "matrix_factorization", params: { dim: 3 } }, optimizer: { kind: "adam", lr: 0.05 }, metrics: ["rmse", "ndcg@3"] },
          ratingsProblem(10, 12),
        ],
      ];
      for (const [config, data] of cases) {
        const { history } = await trainNetwork(config, data, wasm);
        expect(history.backend).toBe("wasm");
        expect(Object.values(history.epochs.at(-1)!.val).every(Number.isFinite)).toBe(true);
      }
    } finally {
      await selectBackend("cpu");
    }
  });
});

describe("signatures", () => {
  it("list every architecture and optimizer under its own name, with tunable parameters", () => {
    for (const [name, sig] of Object.entries(archSignatures)) expect(sig.name).toBe(name);
    for (const [name, sig] of Object.entries(optimizerSignatures)) {
      expect(sig.name).toBe(name);
      expect(sig.params.find((p) => p.name === "lr")?.tunable).toBe(true);
    }
    expect(archSignatures.mlp!.params.map((p) => p.name)).toEqual(["hidden", "activation", "dropout", "l2"]);
  });
});

// every registered architecture on every task it declares, and every registered
// optimizer, so a new one is trained here without editing this file
const PROBLEMS: Record<TaskKind, () => ReturnType<typeof binaryProblem>> = {
  binary: () => binary,
  multiclass: () => multiclassProblem(150),
  regression: () => regressionProblem(150),
  recommendation: () => ratingsProblem(10, 12),
};

describe.each(Object.entries(archSignatures))("architecture %s", (name, sig) => {
  it.each(sig.tasks)("trains on a %s task with its default parameters", async (task) => {
    const { history } = await trainNetwork({ ...base, task, arch: { kind: name }, optimizer: { kind: "adam", lr: 0.01 }, epochs: 2 }, PROBLEMS[task]());
    expect(history.epochs).toHaveLength(2);
    expect(Object.values(history.epochs.at(-1)!.val).every(Number.isFinite)).toBe(true);
  });
});

describe.each(Object.keys(optimizerSignatures))("optimizer %s", (name) => {
  it("trains a linear model, lowering the training loss", async () => {
    const { history } = await trainNetwork({ ...base, optimizer: { kind: name, lr: 0.05 }, epochs: 5 }, binary);
    const losses = history.epochs.map((e) => e.loss);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  });
});
