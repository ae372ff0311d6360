/**
 * A fixture workspace for the churn example's plan, filled through the registry's own API
 * with small known numbers: a profile, a quarantine file, two trained versions with
 * epochs, a search with complete, pruned and failed trials, alias moves, a monitoring
 * reference with logged predictions and a drift firing, and a rollout with transitions.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlan } from "../../compiler/plan/load-plan.js";
import type { Plan } from "../../compiler/plan/schema.js";
import { openWorkspace, type Workspace } from "../../runtime/workspace/workspace.js";
import { recordFiring, storeMonitoringReference } from "../../runtime/monitor/monitor-store.js";
import type { DatasetProfile } from "../../runtime/data/profile.js";
import { churnModel } from "../serve/models.js";

export const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);

export interface Fixture {
  dir: string;
  spec: string;
  plan: Plan;
  ws: Workspace;
  clock: { now: number };
  cleanup(): void;
}

export const PROFILE: DatasetProfile = {
  format: "mlspec-profile-v1",
  rows: 998,
  part: null,
  columns: [
    { name: "customer_id", type: "string", count: 998, nulls: 0, mean: null, std: null, min: "C00001", max: "C01000", distinct: 998, histogram: { kind: "categorical", values: ["C00001"], counts: [1], otherCount: 997 } },
    { name: "tenure", type: "int", count: 998, nulls: 0, mean: 30.5, std: 12.25, min: 0, max: 100, median: 30, distinct: 90, histogram: { kind: "numeric", edges: [0, 25, 50, 75, 100], counts: [300, 400, 200, 98] } },
    { name: "plan", type: "enum", count: 998, nulls: 0, mean: null, std: null, min: null, max: null, distinct: 3, histogram: { kind: "categorical", values: ["basic", "pro", "enterprise"], counts: [500, 400, 98], otherCount: 0 } },
  ],
};

/** Copies the churn example into a temp folder, plans it and fills its workspace. */
export function churnFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), "mlspec-report-"));
  cpSync(join(import.meta.dirname, "../../examples/churn/churn.mlspec"), join(dir, "churn.mlspec"));
  cpSync(join(import.meta.dirname, "../../examples/churn/data"), join(dir, "data"), { recursive: true });
  const spec = join(dir, "churn.mlspec");
  const { plan } = loadPlan(spec);
  const clock = { now: T0 };
  const ws = openWorkspace(join(dir, ".mlspec"), { clock: () => clock.now, heartbeatMs: 0 });
  const r = ws.registry;
  const tick = (ms = 1000) => (clock.now += ms);

  ws.artifacts.putJson(PROFILE, { kind: "profile", dataset: "customers" });
  writeFileSync(
    join(ws.quarantineDir, "customers-20261203T100000Z.jsonl"),
    [
      { row: 5, values: {}, reasons: ["tenure: 130 is out of range 0..120"] },
      { row: 9, values: {}, reasons: ["tenure: 150 is out of range 0..120", "plan: \"gold\" is not one of \"basic\", \"pro\", \"enterprise\""] },
    ]
      .map((x) => JSON.stringify(x))
      .join("\n") + "\n",
  );

  const common = { specHash: plan.specHash, dataHash: "d".repeat(64), seed: 1, backend: "cpu" };
  // the search and its trials
  const search = r.createRun({ ...common, kind: "search", modelName: "churn_mlp", searchName: "churn_search", params: {} });
  const trialValues: Array<[state: "complete" | "pruned" | "failed", value: number | null]> = [
    ["complete", 0.8],
    ["pruned", 0.7],
    ["complete", 0.82],
    ["failed", null],
    ["complete", 0.81],
  ];
  const trialRuns: number[] = [];
  trialValues.forEach(([state, value], number) => {
    const id = r.createRun({ ...common, kind: "trial", modelName: "churn_mlp", searchName: "churn_search", parentRunId: search, params: {} });
    trialRuns.push(id);
    if (number === 2) {
      for (const [epoch, loss, vloss, vauc] of [[1, 0.6, 0.55, 0.78], [2, 0.5, 0.5, 0.82], [3, 0.45, 0.52, 0.81]] as const) {
        r.logEpoch(id, epoch, { loss, "val.loss": vloss, "val.auc": vauc });
      }
    }
    r.finishRun(id, { state: state === "failed" ? "failed" : state, metrics: value === null ? {} : { "val.auc": value, ...(number === 2 ? { kept_epoch: 2 } : {}) } });
    r.recordTrial({ searchRunId: search, number, runId: id, params: { "arch.hidden": [16 * (number + 1)], "arch.dropout": 0.1 * number, "train.optimizer.lr": 0.001 * 2 ** number }, state, value, reason: state === "failed" ? "diverged" : null });
    tick();
  });
  r.finishRun(search, { state: "complete", metrics: { "best.auc": 0.82, trials: 5 } });

  // real ONNX graphs over the churn columns, so that \`mlspec serve\` can load the versions
  const onnx = ws.artifacts.put(churnModel({ seed: 1 }).bytes, { kind: "onnx", model: "churn_mlp" });
  const v1 = r.registerVersion({ name: "churn_mlp", runId: trialRuns[2]!, status: "registered", metrics: { "val.auc": 0.82, auc: 0.83, accuracy: 0.75 }, reasons: ["auc >= 0.78: 0.8300 >= 0.7800"], artifactSha256: onnx, specHash: plan.specHash, dataHash: common.dataHash, beatsBaseline: true });
  r.setAlias("churn_mlp", v1, "champion", "run 3");
  tick(60_000);
  const onnx2 = ws.artifacts.put(churnModel({ seed: 2 }).bytes, { kind: "onnx", model: "churn_mlp" });
  r.registerVersion({ name: "churn_mlp", runId: trialRuns[4]!, status: "rejected", metrics: { auc: 0.7 }, reasons: ["auc >= 0.78: 0.7000 < 0.7800"], artifactSha256: onnx2, specHash: plan.specHash, dataHash: common.dataHash, beatsBaseline: false });
  tick(60_000);
  const onnx3 = ws.artifacts.put(churnModel({ seed: 3 }).bytes, { kind: "onnx", model: "churn_mlp" });
  const v3 = r.registerVersion({ name: "churn_mlp", runId: trialRuns[0]!, status: "registered", metrics: { auc: 0.84 }, reasons: [], artifactSha256: onnx3, specHash: plan.specHash, dataHash: common.dataHash });
  r.setAlias("churn_mlp", v3, "challenger", "run 1");

  // churn_logreg: a plain training run (no kept_epoch: the best epoch is the watched metric's best)
  const train = r.createRun({ ...common, kind: "train", modelName: "churn_logreg", params: {} });
  for (const [epoch, vauc] of [[1, 0.7], [2, 0.79], [3, 0.75]] as const) r.logEpoch(train, epoch, { loss: 1 / epoch, "val.loss": 1.1 / epoch, "val.auc": vauc });
  r.finishRun(train, { state: "complete", metrics: { "val.auc": 0.79 } });
  const onnxLr = ws.artifacts.put(churnModel({ seed: 4, hidden: [], name: "churn_logreg" }).bytes, { kind: "onnx", model: "churn_logreg" });
  const lr = r.registerVersion({ name: "churn_logreg", runId: train, status: "registered", metrics: { "val.auc": 0.79, auc: 0.8 }, reasons: [], artifactSha256: onnxLr, specHash: plan.specHash, dataHash: common.dataHash });
  r.setAlias("churn_logreg", lr, "champion", "run 7");
  tick();

  // monitoring: churn_mlp@1's reference, live traffic shifted on tenure, and a drift firing
  const refTenure = Array.from({ length: 100 }, (_, i) => i % 50);
  storeMonitoringReference(
    r.db,
    ws.artifacts,
    {
      format: 1,
      model: "churn_mlp",
      version: v1,
      seed: 0,
      trainRows: 600,
      profileSha256: null,
      columns: { customer_id: refTenure.map((_, i) => `C${i}`), tenure: refTenure, plan: refTenure.map((t) => (t < 25 ? "basic" : "pro")) },
      prediction: { track: { kind: "numeric", what: "probability", positive: "true" }, values: refTenure.map((t) => t / 50) },
    },
    () => clock.now,
  );
  const log = r.predictionLog();
  for (let i = 0; i < 40; i++) {
    log.log({ requestId: `q${i}`, time: clock.now + i, serve: "churn_api", model: "churn_mlp", version: v1, inputs: { customer_id: `L${i}`, tenure: 40 + (i % 10), plan: "pro" }, output: { probability: 0.5 }, latencyMs: 1 });
  }
  log.flush();
  const from = clock.now;
  const to = clock.now + 3_600_000;
  recordFiring(r.db, {
    monitor: "churn_watch",
    rule: "drift #1",
    kind: "drift",
    model: "churn_mlp",
    version: v1,
    windowFrom: from,
    windowTo: to,
    result: {
      columns: [{ column: "tenure", test: "psi", yields: "distance", statistic: 1.5, pValue: null, threshold: 0.2, alpha: null, verdict: "drift", n: 40, nReference: 100 }],
      correction: "bonferroni",
      share: 0.5,
      driftedShare: 1,
      datasetDrift: true,
      fired: true,
      verdict: "drift",
    },
    at: to,
  });

  // a rollout that started and moved one step
  clock.now = to + 1000;
  r.saveRolloutState("churn_rollout", { phase: "progressing", weights: { current: 0.95, candidate: 0.05 }, guards: [], reason: "canary starts with 5% of the traffic" }, { event: { from: null, to: "progressing(step 1/4)", reason: "canary starts with 5% of the traffic" } });
  clock.now += 600_000;
  r.saveRolloutState(
    "churn_rollout",
    {
      phase: "progressing",
      weights: { current: 0.75, candidate: 0.25 },
      guards: [{ guard: "error_rate < 1%", arm: "candidate", value: 0, baseline: 0, samples: 113, verdict: "pass", why: "" }],
      reason: "step 1 (5%) held on 113 requests; on to 25%",
    },
    { event: { from: "progressing(step 1/4)", to: "progressing(step 2/4)", reason: "step 1 (5%) held on 113 requests; on to 25%" } },
  );
  clock.now += 1000;

  return {
    dir,
    spec,
    plan,
    ws,
    clock,
    cleanup: () => {
      ws.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
