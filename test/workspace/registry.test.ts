import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RegistryConflictError, RegistryNotFoundError, WorkspaceError } from "../../runtime/workspace/errors.js";
import type { NewRun } from "../../runtime/workspace/registry.js";
import { type Workspace, openWorkspace, verifyWorkspace } from "../../runtime/workspace/workspace.js";

const START = Date.UTC(2025, 0, 2, 3, 4, 5);
let now = START;
const clock = () => now;

let dir: string;
let ws: Workspace;
beforeEach(() => {
  now = START;
  dir = mkdtempSync(join(tmpdir(), "mlspec-registry-"));
  ws = openWorkspace(join(dir, ".mlspec"), { clock });
});
afterEach(() => {
  ws.close();
  rmSync(dir, { recursive: true, force: true });
});

function trainRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    kind: "train",
    modelName: "churn_mlp",
    specHash: "spec-a",
    dataHash: "data-a",
    seed: 7,
    backend: "cpu",
    params: { lr: 0.001, hidden: [64, 32] },
    ...overrides,
  };
}

function registerModel(name: string, status: "registered" | "rejected" = "registered", runId: number | null = null) {
  const sha = ws.artifacts.put(`${name} weights ${now}-${Math.random()}`, { kind: "model" });
  return ws.registry.registerVersion({
    name,
    runId,
    status,
    metrics: { auc: 0.9 },
    reasons: status === "rejected" ? ["auc 0.70 < 0.80"] : [],
    artifactSha256: sha,
    specHash: "spec-a",
    dataHash: "data-a",
  });
}

describe("runs", () => {
  it("creates, logs epochs and timings, and finishes a run", () => {
    const id = ws.registry.createRun(trainRun());
    now += 1000;
    ws.registry.logEpoch(id, 1, { loss: 0.5, "val.auc": 0.8 });
    ws.registry.logEpoch(id, 2, { loss: Number.NaN });
    ws.registry.logEpoch(id, 1, { loss: 0.4 }); // re-logged after a resume
    ws.registry.logTiming(id, "train", 12.5);
    ws.registry.logTiming(id, "export", 3);
    now += 1000;
    ws.registry.finishRun(id, { state: "complete", metrics: { auc: 0.91 } });

    const run = ws.registry.getRun(id);
    expect(run).toMatchObject({
      id,
      kind: "train",
      modelName: "churn_mlp",
      searchName: null,
      parentRunId: null,
      specHash: "spec-a",
      dataHash: "data-a",
      seed: 7,
      backend: "cpu",
      params: { lr: 0.001, hidden: [64, 32] },
      state: "complete",
      metrics: { auc: 0.91 },
      reason: null,
      createdAt: "2025-01-02T03:04:05.000Z",
      finishedAt: "2025-01-02T03:04:07.000Z",
    });
    expect(run.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(run.epochs[0]!.metrics).toEqual({ loss: 0.4 });
    expect(run.epochs[1]!.metrics.loss).toBeNaN();
    expect(run.timings.map((t) => [t.phase, t.ms])).toEqual([
      ["train", 12.5],
      ["export", 3],
    ]);
  });

  it("refuses to finish a run twice or log into a finished run", () => {
    const id = ws.registry.createRun(trainRun());
    ws.registry.finishRun(id, { state: "failed", reason: "loss diverged" });
    expect(() => ws.registry.finishRun(id, { state: "complete" })).toThrow(RegistryConflictError);
    expect(() => ws.registry.logEpoch(id, 3, { loss: 1 })).toThrow(/already finished as failed/);
    expect(ws.registry.getRun(id).reason).toBe("loss diverged");
  });

  it("shows a run whose process died as interrupted: its pid is gone on this host, or its heartbeat is stale", () => {
    const alive = new Set<number>([101, 202, 999]);
    const as = (pid: number, host = "box") => openWorkspace(join(dir, ".mlspec"), { clock, heartbeatMs: 0, liveness: { pid, host, isAlive: (p) => alive.has(p), staleAfterMs: 60_000 } });
    const first = as(101);
    const second = as(202);
    const remote = as(303, "other-box");
    try {
      const killed = first.registry.createRun(trainRun());
      const beating = second.registry.createRun(trainRun());
      const far = remote.registry.createRun(trainRun());
      const states = () => Object.fromEntries(ws.registry.listRuns().map((r) => [r.id, r.state]));
      expect(ws.registry.getRun(killed)).toMatchObject({ pid: 101, host: "box", heartbeatAt: "2025-01-02T03:04:05.000Z" });
      // `ws` is this test's process on another host: it judges the runs by heartbeat only
      const reader = as(999);
      try {
        const seen = () => Object.fromEntries(reader.registry.listRuns().map((r) => [r.id, r.state]));
        expect(seen()).toEqual({ [killed]: "running", [beating]: "running", [far]: "running" });
        alive.delete(101); // kill -9
        expect(seen()).toEqual({ [killed]: "interrupted", [beating]: "running", [far]: "running" });
        now += 50_000;
        second.registry.heartbeat();
        now += 20_000; // 70 s since the remote run's last beat, 20 s since the second's
        expect(seen()).toEqual({ [killed]: "interrupted", [beating]: "running", [far]: "interrupted" });
        expect(reader.registry.listRuns({ state: "interrupted" }).map((r) => r.id)).toEqual([killed, far]);
        expect(reader.registry.listRuns({ state: "running" }).map((r) => r.id)).toEqual([beating]);
        // --resume takes over an interrupted run, never one whose process lives
        expect(reader.registry.claimRun(beating)).toBe(false);
        expect(reader.registry.claimRun(killed)).toBe(true);
        expect(seen()[killed]).toBe("running");
        expect(reader.registry.getRun(killed)).toMatchObject({ pid: 999, host: "box" });
        expect(second.registry.claimRun(killed)).toBe(false);
        expect(states()[killed]).toBe("running");
      } finally {
        reader.close();
      }
    } finally {
      first.close();
      second.close();
      remote.close();
    }
  });

  it("renews its runs' heartbeat on a timer while they run, and stops when they finish", () => {
    vi.useFakeTimers();
    try {
      const own = openWorkspace(join(dir, ".mlspec"), { clock, heartbeatMs: 5_000 });
      try {
        const id = own.registry.createRun(trainRun());
        now += 5_000;
        vi.advanceTimersByTime(5_000);
        expect(own.registry.getRun(id).heartbeatAt).toBe(new Date(START + 5_000).toISOString());
        now += 5_000;
        own.registry.finishRun(id, { state: "complete" });
        vi.advanceTimersByTime(5_000);
        expect(own.registry.getRun(id).heartbeatAt).toBe(new Date(START + 5_000).toISOString());
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        own.close();
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it("gives clear errors for unknown runs and bad arguments", () => {
    expect(() => ws.registry.getRun(99)).toThrow(RegistryNotFoundError);
    expect(() => ws.registry.getRun(99)).toThrow(/no run with id 99/);
    expect(() => ws.registry.createRun(trainRun({ kind: "fit" as never }))).toThrow(
      /run kind must be one of train, trial, search, got fit/,
    );
    expect(() => ws.registry.createRun(trainRun({ parentRunId: 42 }))).toThrow(/no run with id 42/);
    expect(() => ws.registry.logTiming(1, "x", -1)).toThrow(WorkspaceError);
  });

  it("lists runs by search and model", () => {
    const search = ws.registry.createRun(trainRun({ kind: "search", searchName: "s1" }));
    const t1 = ws.registry.createRun(trainRun({ kind: "trial", searchName: "s1", parentRunId: search }));
    ws.registry.createRun(trainRun({ modelName: "other" }));
    expect(ws.registry.listRuns({ search: "s1" }).map((r) => r.id)).toEqual([search, t1]);
    expect(ws.registry.listRuns({ model: "other" })).toHaveLength(1);
    expect(ws.registry.listRuns({ search: "s1", kind: "trial" })[0]!.parentRunId).toBe(search);
    expect(ws.registry.listRuns()).toHaveLength(3);
  });

  it("checkpoints and finds the latest interrupted run to resume", () => {
    expect(ws.registry.findResumableRun("spec-a", "data-a", "churn_mlp")).toBeUndefined();
    const old = ws.registry.createRun(trainRun());
    const latest = ws.registry.createRun(trainRun());
    const done = ws.registry.createRun(trainRun());
    ws.registry.finishRun(done, { state: "complete" });
    ws.registry.createRun(trainRun({ dataHash: "data-b" }));
    // this process's own runs are running, not resumable
    expect(ws.registry.findResumableRun("spec-a", "data-a", "churn_mlp")).toBeUndefined();
    // the next command, after this process died, finds them interrupted
    const next = openWorkspace(join(dir, ".mlspec"), { clock, liveness: { isAlive: () => false } });
    try {
      expect(next.registry.findResumableRun("spec-a", "data-a", "churn_mlp")?.id).toBe(latest);
      expect(next.registry.findResumableRun("spec-a", "data-a", "churn_mlp", "search")).toBeUndefined();
    } finally {
      next.close();
    }
    expect(old).toBeLessThan(latest);

    expect(ws.registry.lastCheckpoint(latest)).toBeUndefined();
    const c1 = ws.artifacts.put("epoch 1 weights");
    const c3 = ws.artifacts.put("epoch 3 weights");
    ws.registry.saveCheckpoint(latest, 1, c1);
    ws.registry.saveCheckpoint(latest, 3, c3);
    expect(ws.registry.lastCheckpoint(latest)).toEqual({
      runId: latest,
      epoch: 3,
      artifactSha256: c3,
      createdAt: "2025-01-02T03:04:05.000Z",
    });
    expect(() => ws.registry.saveCheckpoint(latest, 4, "0".repeat(64))).toThrow(/is not stored; put it first/);
  });
});

describe("model versions", () => {
  it("numbers versions per model name", () => {
    expect(registerModel("a")).toBe(1);
    expect(registerModel("a", "rejected")).toBe(2);
    expect(registerModel("b")).toBe(1);
    expect(registerModel("a")).toBe(3);
    expect(ws.registry.listVersions("a").map((v) => [v.version, v.status])).toEqual([
      [1, "registered"],
      [2, "rejected"],
      [3, "registered"],
    ]);
  });

  it("numbers versions 1..n per name for any interleaving (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("m1", "m2", "m3"), { maxLength: 10 }), (names) => {
        const base = new Map<string, number>();
        for (const name of ["m1", "m2", "m3"]) base.set(name, ws.registry.listVersions(name).length);
        const expected = new Map(base);
        for (const name of names) {
          const next = expected.get(name)! + 1;
          expected.set(name, next);
          expect(registerModel(name)).toBe(next);
        }
        for (const [name, count] of expected) {
          expect(ws.registry.listVersions(name).map((v) => v.version)).toEqual(
            Array.from({ length: count }, (_, i) => i + 1),
          );
        }
      }),
      { numRuns: 20 },
    );
  });

  it("keeps lineage: run, spec hash, data hash, artifact, input schema", () => {
    const runId = ws.registry.createRun(trainRun());
    const sha = ws.artifacts.put("onnx bytes");
    const version = ws.registry.registerVersion({
      name: "churn_mlp",
      runId,
      status: "registered",
      metrics: { auc: 0.93, logloss: 0.2 },
      reasons: [],
      artifactSha256: sha,
      specHash: "spec-a",
      dataHash: "data-a",
      inputSchema: { type: "object", required: ["tenure"] },
    });
    expect(ws.registry.getVersion("churn_mlp", version)).toEqual({
      name: "churn_mlp",
      version: 1,
      runId,
      status: "registered",
      metrics: { auc: 0.93, logloss: 0.2 },
      reasons: [],
      artifactSha256: sha,
      specHash: "spec-a",
      dataHash: "data-a",
      inputSchema: { type: "object", required: ["tenure"] },
      aliases: [],
      createdAt: "2025-01-02T03:04:05.000Z",
      beatsBaseline: null,
    });
  });

  it("registers once per (model, run, artifact): a register step re-run by --resume gets the version it made", () => {
    const run = ws.registry.createRun(trainRun());
    const sha = ws.artifacts.put("onnx bytes of run 1", { kind: "onnx" });
    const entry = { name: "churn_mlp", runId: run, status: "registered" as const, metrics: { auc: 0.9 }, reasons: [], artifactSha256: sha, specHash: "spec-a", dataHash: "data-a" };
    expect(ws.registry.registerVersion(entry)).toBe(1);
    expect(ws.registry.registerVersion(entry)).toBe(1);
    expect(ws.registry.versionMadeBy("churn_mlp", run, sha)?.version).toBe(1);
    expect(ws.registry.listVersions("churn_mlp")).toHaveLength(1);
    // another run, or other bytes, is another version
    const other = ws.registry.createRun(trainRun());
    expect(ws.registry.registerVersion({ ...entry, runId: other })).toBe(2);
    expect(ws.registry.registerVersion({ ...entry, artifactSha256: ws.artifacts.put("retrained", { kind: "onnx" }) })).toBe(3);
    expect(ws.registry.versionMadeBy("churn_mlp", other, "f".repeat(64))).toBeUndefined();
  });

  it("refuses a version whose artifact or run does not exist", () => {
    expect(() =>
      ws.registry.registerVersion({
        name: "m",
        runId: null,
        status: "registered",
        metrics: {},
        reasons: [],
        artifactSha256: "a".repeat(64),
        specHash: "s",
        dataHash: "d",
      }),
    ).toThrow(/its artifact a+ is not stored/);
    const sha = ws.artifacts.put("x");
    expect(() =>
      ws.registry.registerVersion({
        name: "m",
        runId: 5,
        status: "registered",
        metrics: {},
        reasons: [],
        artifactSha256: sha,
        specHash: "s",
        dataHash: "d",
      }),
    ).toThrow(/no run with id 5/);
    expect(() => registerModel("bad name")).toThrow(/is not a valid name/);
  });

  it("moves an alias atomically and keeps its history", () => {
    registerModel("m");
    registerModel("m");
    expect(ws.registry.setAlias("m", 1, "champion")).toBeNull();
    expect(ws.registry.resolve("m", "champion").version).toBe(1);
    now += 60_000;
    expect(ws.registry.setAlias("m", 2, "champion")).toBe(1);
    ws.registry.setAlias("m", 1, "challenger");
    expect(ws.registry.resolve("m", "champion").version).toBe(2);
    expect(ws.registry.aliasesOf("m", 1)).toEqual(["challenger"]);
    expect(ws.registry.aliasesOf("m", 2)).toEqual(["champion"]);
    expect(ws.registry.getVersion("m", 2).aliases).toEqual(["champion"]);
    // an alias names one version only
    const rows = ws.registry.db.prepare("SELECT COUNT(*) AS n FROM aliases WHERE alias = 'champion'").get();
    expect(rows).toEqual({ n: 1 });
    expect(ws.registry.aliasHistory("m", "champion")).toEqual([
      { name: "m", alias: "champion", fromVersion: null, toVersion: 1, at: "2025-01-02T03:04:05.000Z", movedBy: null },
      { name: "m", alias: "champion", fromVersion: 1, toVersion: 2, at: "2025-01-02T03:05:05.000Z", movedBy: null },
    ]);
    expect(ws.registry.removeAlias("m", "challenger")).toBe(true);
    expect(ws.registry.removeAlias("m", "challenger")).toBe(false);
    expect(ws.registry.aliasesOf("m", 1)).toEqual([]);
  });

  it("does not let a rejected version take an alias", () => {
    registerModel("m");
    registerModel("m", "rejected");
    ws.registry.setAlias("m", 1, "champion");
    expect(() => ws.registry.setAlias("m", 2, "champion")).toThrow(RegistryConflictError);
    expect(() => ws.registry.setAlias("m", 2, "champion")).toThrow(
      /cannot make m version 2 the champion: it was rejected \(auc 0\.70 < 0\.80\)/,
    );
    // the alias did not move
    expect(ws.registry.resolve("m", "champion").version).toBe(1);
  });

  it("resolves versions, aliases and latest, with clear errors", () => {
    registerModel("m");
    registerModel("m");
    registerModel("m", "rejected");
    ws.registry.setAlias("m", 1, "champion");
    expect(ws.registry.resolve("m", 2).version).toBe(2);
    expect(ws.registry.resolve("m", "2").version).toBe(2);
    expect(ws.registry.resolve("m", "latest").version).toBe(2); // 3 was rejected
    expect(() => ws.registry.resolve("m", "canary")).toThrow(/model m has no alias "canary"; its aliases are champion/);
    expect(() => ws.registry.resolve("m", 9)).toThrow(/model m has no version 9 \(versions 1 to 3 exist\)/);
    expect(() => ws.registry.resolve("nope", "champion")).toThrow(/no model named nope in the registry; registered models: m/);
    expect(() => ws.registry.setAlias("m", 1, "latest")).toThrow(/reserved/);
    expect(() => ws.registry.setAlias("m", 1, "7")).toThrow(/not a valid name/);
  });

  it("lists models in the shape the CLI prints", () => {
    registerModel("b");
    now += 1;
    registerModel("a", "rejected");
    ws.registry.setAlias("b", 1, "champion");
    ws.registry.setAlias("b", 1, "stable");
    const listing = ws.registry.listModels();
    expect(listing).toEqual([
      {
        name: "a",
        version: 1,
        aliases: [],
        status: "rejected",
        metrics: { auc: 0.9 },
        artifactSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        createdAt: "2025-01-02T03:04:05.001Z",
        beatsBaseline: null,
      },
      {
        name: "b",
        version: 1,
        aliases: ["champion", "stable"],
        status: "registered",
        metrics: { auc: 0.9 },
        artifactSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        createdAt: "2025-01-02T03:04:05.000Z",
        beatsBaseline: null,
      },
    ]);
    expect(JSON.parse(JSON.stringify(listing))).toEqual(listing);
  });
});

describe("search trials", () => {
  it("records and updates trials so a search can resume", () => {
    const search = ws.registry.createRun(trainRun({ kind: "search", searchName: "s" }));
    ws.registry.recordTrial({ searchRunId: search, number: 0, params: { lr: 0.01 }, state: "running" });
    ws.registry.recordTrial({
      searchRunId: search,
      number: 1,
      params: { lr: 0.1 },
      state: "pruned",
      intermediate: [
        { step: 1, value: 0.6 },
        { step: 2, value: Number.NaN },
      ],
      reason: "below median at step 2",
      durationMs: 40,
    });
    now += 5;
    ws.registry.recordTrial({
      searchRunId: search,
      number: 0,
      params: { lr: 0.01 },
      state: "complete",
      value: 0.87,
      intermediate: [{ step: 1, value: 0.8 }],
      durationMs: 120,
    });
    const trials = ws.registry.listTrials(search);
    expect(trials.map((t) => [t.number, t.state, t.value])).toEqual([
      [0, "complete", 0.87],
      [1, "pruned", null],
    ]);
    expect(trials[0]).toMatchObject({ params: { lr: 0.01 }, durationMs: 120, updatedAt: "2025-01-02T03:04:05.005Z" });
    expect(trials[1]!.intermediate[0]).toEqual({ step: 1, value: 0.6 });
    expect(trials[1]!.intermediate[1]!.value).toBeNaN();
    expect(trials[1]!.reason).toBe("below median at step 2");

    const train = ws.registry.createRun(trainRun());
    expect(() => ws.registry.recordTrial({ searchRunId: train, number: 0, params: {}, state: "running" })).toThrow(
      /is a train run, not a search/,
    );
  });
});

describe("rollouts", () => {
  it("saves state with its transition and lists events", () => {
    expect(ws.registry.getRolloutState("r")).toBeUndefined();
    const first = ws.registry.saveRolloutState(
      "r",
      { step: 0, weight: 5 },
      { event: { from: null, to: "canary-5", reason: "started" } },
    );
    expect(first).toEqual({ name: "r", state: { step: 0, weight: 5 }, revision: 1, updatedAt: START });
    now += 600_000;
    ws.registry.saveRolloutState("r", { step: 1, weight: 25 }, {
      event: { from: "canary-5", to: "canary-25", reason: "guards passed" },
      expectRevision: 1,
    });
    expect(ws.registry.getRolloutState<{ weight: number }>("r")).toEqual({
      name: "r",
      state: { step: 1, weight: 25 },
      revision: 2,
      updatedAt: START + 600_000,
    });
    expect(ws.registry.listRolloutEvents("r")).toEqual([
      { rollout: "r", at: START, fromState: null, toState: "canary-5", reason: "started" },
      { rollout: "r", at: START + 600_000, fromState: "canary-5", toState: "canary-25", reason: "guards passed" },
    ]);
    expect(ws.registry.listRollouts().map((r) => r.name)).toEqual(["r"]);
  });

  it("detects a concurrent change with expectRevision and writes nothing", () => {
    ws.registry.saveRolloutState("r", { step: 0 });
    expect(() =>
      ws.registry.saveRolloutState("r", { step: 9 }, { event: { from: "a", to: "b", reason: "x" }, expectRevision: 0 }),
    ).toThrow(/expected revision 0, found 1/);
    expect(ws.registry.getRolloutState("r")?.state).toEqual({ step: 0 });
    expect(ws.registry.listRolloutEvents("r")).toEqual([]);
  });
});

describe("workspace", () => {
  it("creates its layout and survives reopening", () => {
    registerModel("m");
    ws.close();
    ws = openWorkspace(join(dir, ".mlspec"), { clock });
    expect(ws.registry.listVersions("m")).toHaveLength(1);
    expect(ws.quarantineDir).toBe(join(dir, ".mlspec", "quarantine"));
    expect(ws.checkpointsDir).toBe(join(dir, ".mlspec", "checkpoints"));
    expect(verifyWorkspace(ws, { deep: true })).toEqual({ ok: true, problems: [] });
    expect(ws.artifacts.meta(ws.registry.getVersion("m", 1).artifactSha256)).toEqual({ kind: "model" });
  });

  it("reports a registered version whose artifact went bad", () => {
    registerModel("m");
    const sha = ws.registry.getVersion("m", 1).artifactSha256;
    rmSync(ws.artifacts.path(sha));
    expect(verifyWorkspace(ws)).toEqual({
      ok: false,
      problems: [`model m version 1: artifact ${sha} is missing`],
    });
  });

  it("refuses a workspace path that is a file", () => {
    const file = join(dir, "file");
    writeFileSync(file, "x");
    expect(() => openWorkspace(file)).toThrow(/exists and is not a directory/);
  });
});
