import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { join } from "node:path";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { bestEpoch, bestSoFar, buildReportModel, canaryWeights, quarantineSummary, sharedBins, type ReportModel } from "../../runtime/report/report-model.js";
import { renderReportHtml, SECTIONS } from "../../runtime/report/report-html.js";
import { churnFixture, PROFILE, type Fixture } from "./fixture.js";

describe("the report's data model from a fixture workspace", () => {
  let fx: Fixture;
  let model: ReportModel;
  beforeAll(() => {
    fx = churnFixture();
    model = buildReportModel(fx.plan, fx.ws, { now: () => fx.clock.now });
  });
  afterAll(() => fx.cleanup());

  it("has every section, each for the spec's blocks", () => {
    expect(model.generatedAt).toBe(new Date(fx.clock.now).toISOString());
    expect(model.specHash).toBe(fx.plan.specHash);
    expect(model.data.map((d) => d.name)).toEqual(["customers"]);
    expect(model.training.map((t) => t.model)).toEqual(["churn_mlp", "churn_logreg"]);
    expect(model.search.map((s) => s.search)).toEqual(["churn_search"]);
    expect(model.registry.map((r) => r.model).sort()).toEqual(["churn_logreg", "churn_mlp"]);
    expect(model.monitoring.map((m) => m.monitor)).toEqual(["churn_watch"]);
    expect(model.rollouts.map((r) => r.rollout)).toEqual(["churn_rollout"]);
  });

  it("data: rows read = accepted + quarantined, the reasons and the profile as stored", () => {
    const d = model.data[0]!;
    expect(d).toMatchObject({ accepted: 998, quarantined: 2, read: 1000, trainRows: 600 });
    expect(d.topReasons).toEqual([
      { reason: 'plan: "gold" is not one of "basic", "pro", "enterprise"', rows: 1 },
      { reason: "tenure: 130 is out of range 0..120", rows: 1 },
      { reason: "tenure: 150 is out of range 0..120", rows: 1 },
    ]);
    expect(d.columns).toEqual(PROFILE.columns);
    expect(d.split).toEqual({ method: "stratified", fractions: { test: 0.2, validation: 0.2 } });
  });

  it("training: the champion's run, its epochs, the best epoch and the version's metrics", () => {
    const [mlp, lr] = model.training;
    const champion = fx.ws.registry.resolve("churn_mlp", "champion");
    expect(mlp).toMatchObject({ version: champion.version, runId: champion.runId, watched: "val.auc", bestEpoch: 2, metrics: champion.metrics, beatsBaseline: true });
    const run = fx.ws.registry.getRun(champion.runId!);
    expect(mlp!.curves.filter((p) => p.metric === "val.auc").map((p) => p.value)).toEqual(run.epochs.map((e) => e.metrics["val.auc"]));
    // no kept_epoch recorded and no early stopping: the best of the first metric on validation
    expect(lr).toMatchObject({ watched: "val.auc", bestEpoch: 2, metrics: { "val.auc": 0.79, auc: 0.8 } });
  });

  it("search: every trial in order with its state, value and the best so far", () => {
    const s = model.search[0]!;
    const trials = fx.ws.registry.listTrials(s.runId!);
    expect(s.trials.map((t) => [t.number, t.state, t.value])).toEqual(trials.map((t) => [t.number, t.state, t.value]));
    expect(s.trials.map((t) => t.bestSoFar)).toEqual([0.8, 0.8, 0.82, 0.82, 0.82]);
    expect(s.parameters).toEqual([
      { path: "arch.hidden", log: false },
      { path: "arch.dropout", log: false },
      { path: "train.optimizer.lr", log: true },
    ]);
    expect(s).toMatchObject({ objective: "val.auc", direction: "maximize" });
  });

  it("registry: versions with status, metrics, reasons and aliases, and the alias history", () => {
    const mlp = model.registry.find((r) => r.model === "churn_mlp")!;
    const versions = fx.ws.registry.listVersions("churn_mlp");
    expect(mlp.versions.map((v) => [v.version, v.status, v.aliases, v.metrics, v.reasons, v.beatsBaseline])).toEqual(
      versions.map((v) => [v.version, v.status, v.aliases, v.metrics, v.reasons, v.beatsBaseline]),
    );
    expect(mlp.aliasHistory).toEqual(fx.ws.registry.aliasHistory("churn_mlp"));
    expect(mlp.aliasHistory.map((e) => [e.alias, e.toVersion, e.movedBy])).toEqual([
      ["champion", 1, "run 3"],
      ["challenger", 3, "run 1"],
    ]);
  });

  it("monitoring: the firing, and reference vs live shares per column with the firing's test value", () => {
    const m = model.monitoring[0]!;
    expect(m).toMatchObject({ serve: "churn_api", model: "churn_mlp", version: 1, liveRows: 40 });
    expect(m.firings).toMatchObject([{ rule: "drift #1", kind: "drift", verdict: "drift" }]);
    const tenure = m.columns.find((c) => c.column === "tenure")!;
    expect(tenure).toMatchObject({ test: "psi", statistic: 1.5, verdict: "drift" });
    const sum = (k: "reference" | "live") => tenure.bins.reduce((a, b) => a + b[k], 0);
    expect(sum("reference")).toBeCloseTo(1, 12);
    expect(sum("live")).toBeCloseTo(1, 12);
    // every live tenure (40..49) sits in the reference's top bins (range 0..49, 10 bins of 4.9)
    expect(tenure.bins.slice(0, 8).every((b) => b.live === 0)).toBe(true);
    expect(m.columns.map((c) => c.column)).not.toContain("customer_id"); // an id: every value distinct
    expect(m.columns.find((c) => c.column === "plan")!.bins).toEqual([
      { bin: "basic", reference: 0.5, live: 0 },
      { bin: "pro", reference: 0.5, live: 1 },
    ]);
  });

  it("rollouts: phase, weights, guards and every transition as stored", () => {
    const r = model.rollouts[0]!;
    expect(r).toMatchObject({ strategy: "canary", phase: "progressing", weights: { current: 0.75, candidate: 0.25 } });
    expect(r.guards).toEqual([{ guard: "error_rate < 1%", arm: "candidate", value: 0, baseline: 0, samples: 113, verdict: "pass" }]);
    expect(r.events.map((e) => [e.from, e.to])).toEqual(fx.ws.registry.listRolloutEvents("churn_rollout").map((e) => [e.fromState, e.toState]));
    // the churn canary's steps are 5%, 25%, 50%, 100%
    expect(r.candidateWeights.map((w) => [w.state, w.weight])).toEqual([
      ["progressing(step 1/4)", 0.05],
      ["progressing(step 2/4)", 0.25],
    ]);
  });

  it("renders every section and a figure with a table for each chart, with no script and no external reference", async () => {
    const html = await renderReportHtml(model);
    for (const [id] of SECTIONS) expect(html).toContain(`data-section="${id}"`);
    const figures = html.match(/<figure class="chart"/g)?.length ?? 0;
    expect(figures).toBeGreaterThan(10);
    expect(html.match(/<svg/g)?.length).toBe(figures);
    expect(html.match(/<table class="numbers"/g)?.length).toBe(figures);
    expect(html).not.toMatch(/<script|<link|@import|url\(|src="http/i);
    expect(html).toContain("default-src 'none'");
  });

  it("an empty workspace gives every section with its no-data line", async () => {
    const ws = openWorkspace(join(fx.dir, "empty-workspace"));
    try {
      const empty = buildReportModel(fx.plan, ws, { now: () => 0 });
      expect(empty.data[0]).toMatchObject({ read: null, accepted: null, columns: [] });
      expect(empty.training.every((t) => t.version === null && t.curves.length === 0)).toBe(true);
      expect(empty.search[0]!.trials).toEqual([]);
      expect(empty.monitoring[0]).toMatchObject({ window: null, columns: [], firings: [] });
      expect(empty.rollouts[0]).toMatchObject({ phase: null, events: [] });
      const html = await renderReportHtml(empty);
      for (const [id] of SECTIONS) expect(html).toContain(`data-section="${id}"`);
      // data, each model, the search, each registered model, the monitor, the rollout
      expect(html.match(/class="empty"/g)!.length).toBe(1 + 2 + 1 + 2 + 1 + 1);
      expect(html).not.toContain("<svg");
    } finally {
      ws.close();
    }
  });
});

describe("the model's statistics", () => {
  it("bestSoFar is the running best of the complete trials only", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ state: fc.constantFrom("complete", "pruned", "failed", "running"), value: fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true })) })), fc.boolean(), (trials, max) => {
        const dir = max ? "maximize" : "minimize";
        const got = bestSoFar(trials as never, dir);
        trials.forEach((_, i) => {
          const done = trials.slice(0, i + 1).filter((t) => t.state === "complete" && t.value !== null).map((t) => t.value!);
          expect(got[i]).toBe(done.length ? (max ? Math.max(...done) : Math.min(...done)) : null);
        });
      }),
    );
  });

  it("bestEpoch takes the recorded epoch, else the watched metric's best", () => {
    const curves = [1, 2, 3].map((epoch) => ({ epoch, metric: "val.loss", value: [0.5, 0.3, 0.4][epoch - 1]! }));
    expect(bestEpoch(curves, "val.loss", "min", undefined)).toBe(2);
    expect(bestEpoch(curves, "val.loss", "max", undefined)).toBe(1);
    expect(bestEpoch(curves, "val.loss", "min", 3)).toBe(3);
    expect(bestEpoch(curves, "val.auc", "max", undefined)).toBeNull();
  });

  it("sharedBins: shares of each sample sum to 1 and every value is counted once", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1 }), fc.array(fc.double({ min: -1e7, max: 1e7, noNaN: true }), { minLength: 1 }), fc.integer({ min: 1, max: 30 }), (ref, live, bins) => {
        const out = sharedBins({ kind: "numeric", values: ref }, { kind: "numeric", values: live }, bins);
        expect(out.length).toBe(new Set(ref).size === 1 ? 1 : bins);
        expect(out.reduce((a, b) => a + b.reference, 0)).toBeCloseTo(1, 9);
        expect(out.reduce((a, b) => a + b.live, 0)).toBeCloseTo(1, 9);
      }),
    );
  });

  it("canaryWeights: each step's weight, all on promotion, none on rollback, unchanged on a pause", () => {
    const at = "2026-12-03T00:00:00.000Z";
    const states = ["progressing(step 1/3)", "paused", "progressing(step 3/3)", "promoted", "rolled_back", "progressing(step 9/3)"];
    expect(canaryWeights([0.1, 0.5, 1], states.map((to) => ({ at, to }))).map((w) => w.weight)).toEqual([0.1, 0.1, 1, 1, 0, 0]);
  });

  it("quarantineSummary counts rows, and a row once per distinct reason", () => {
    const text = ['{"reasons":["a","a","b"]}', "", '{"reasons":["b"]}', "not json"].join("\n");
    expect(quarantineSummary(text)).toEqual({ rows: 3, topReasons: [{ reason: "b", rows: 2 }, { reason: "a", rows: 1 }] });
  });
});
