/**
 * Performance rules over the prediction log: labels from a source (with arrival times) and
 * from the feedback table, joined by key or request id; measured and estimated (CBPE)
 * values kept apart; insufficient below min_samples; firings stored and alerted.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMonitorCommand } from "../../bin/commands/monitor-command.js";
import { listFirings } from "../../runtime/monitor/monitor-store.js";
import { applyPipeline } from "../../runtime/features/pipeline.js";
import { predictNetwork } from "../../runtime/model/forward.js";
import { planForServing } from "../../runtime/serve/serve-plan.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { binaryCsv, binaryRows, binarySpec, removeTempDirs, run, writeProject, type Project } from "../run/fixtures.js";
import { networkOfRun, pipelineOfRun } from "../run/reference.js";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-12-03T10:00:00Z");
const SPEC =
  binarySpec() +
  `
serve api {
  model = m@champion
}

monitor watch for api {
  performance(auc >= 0.7, window = 1h, labels = csv("labels.csv"), key = id, min_samples = 100)
  performance(accuracy >= 0.7, window = 1h, min_samples = 100)
  alert(channel = file, target = "alerts.jsonl")
}
`;

/** Windows: [T0, +1h) labels true and arrived; [+1h, +2h) labels flipped; [+2h, +3h) labels arriving after T0 + 9h; [+3h, +4h) labels only by feedback. */
let p: Project;
beforeAll(async () => {
  p = writeProject(SPEC, binaryCsv(1500));
  expect((await run(p.spec)).exitCode).toBe(0);
  const ws = openWorkspace(path.join(p.dir, ".mlspec"));
  const labels: string[] = ["id,label,observed_at"];
  try {
    const v = ws.registry.resolve("m", "champion");
    const network = networkOfRun(ws, v.runId!);
    const pipeline = pipelineOfRun(ws, v.runId!);
    const log = ws.registry.predictionLog({ maxRows: 100_000 });
    for (const [w, seed] of [[0, 21], [1, 22], [2, 23], [3, 24]] as const) {
      const rows = binaryRows(300, seed).map((r) => [`w${w}-${r[0]}`, r[1], r[2], r[3], r[4]] as const);
      const raw = { id: rows.map((r) => r[0]), x1: rows.map((r) => r[1]), x2: rows.map((r) => r[2]), color: rows.map((r) => r[3]), label: rows.map((r) => r[4]) };
      const probs = predictNetwork(network, applyPipeline(pipeline, raw));
      const start = T0 + w * HOUR;
      rows.forEach((r, i) => {
        const pr = probs[i]!;
        log.log({ requestId: `req-${w}-${i}`, time: start + i * 1000, serve: "api", model: "m", version: v.version, inputs: { id: r[0], x1: r[1], x2: r[2], color: r[3] }, output: { prediction: pr >= 0.5, probabilities: { false: 1 - pr, true: pr } }, latencyMs: 1 });
        if (w === 0) labels.push(`${r[0]},${r[4]},2026-12-03T12:00:00Z`);
        if (w === 1) labels.push(`${r[0]},${!r[4]},2026-12-03T12:00:00Z`);
        if (w === 2) labels.push(`${r[0]},${r[4]},2026-12-03T20:00:00Z`);
      });
      if (w === 3) {
        log.close();
        // the feedback table comes with workspace migration 6 (POST /feedback); made here when this workspace predates it
        ws.registry.db.exec("CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY, serve TEXT NOT NULL, request_id TEXT, key_json TEXT, outcome REAL NOT NULL, received_at INTEGER NOT NULL, source TEXT NOT NULL)");
        const insert = ws.registry.db.prepare("INSERT INTO feedback (serve, request_id, key_json, outcome, received_at, source) VALUES ('api', ?, ?, ?, ?, 'http')");
        rows.forEach((r, i) => (i % 2 === 0 ? insert.run(`req-3-${i}`, null, r[4] ? 1 : 0, T0 + 5 * HOUR) : insert.run(null, JSON.stringify({ id: r[0] }), r[4] ? 1 : 0, T0 + 5 * HOUR)));
      }
    }
  } finally {
    ws.close();
  }
  fs.writeFileSync(path.join(p.dir, "labels.csv"), labels.join("\n") + "\n");
}, 120_000);

afterAll(removeTempDirs);

async function monitor(window: number, format: "json" | "text" = "json") {
  const out: string[] = [];
  const code = await runMonitorCommand(p.spec, { plan: planForServing(p.spec), format, from: T0 + window * HOUR, to: T0 + (window + 1) * HOUR, now: () => T0 + 9 * HOUR }, { out: (l) => out.push(l), err: () => {} });
  if (format === "text") return { code, text: out.join("\n"), rules: [] as Array<Record<string, any>> };
  return { code, text: "", rules: JSON.parse(out.join("\n")).monitors[0].performance as Array<Record<string, any>> };
}

describe("performance rules", () => {
  it("labels that arrived and agree with the model: auc measured on every row, holds; the estimate judges the unlabelled rule", async () => {
    const r = await monitor(0);
    const [auc, acc] = r.rules;
    expect(auc!.verdict).toBe("holds");
    expect(auc!.labels).toEqual({ source: "labels.csv", fromSource: 300, fromFeedback: 0, notYetArrived: 300 });
    const res = auc!.versions[0].result;
    expect(res.judgedOn).toBe("measured");
    expect(res.measured.n).toBe(300);
    expect(res.measured.value).toBeGreaterThan(0.8);
    // every row is labelled: nothing left to estimate
    expect(res.estimated).toEqual({ value: null, n: 0, holds: null });
    expect(acc!.versions[0].result.judgedOn).toBe("estimated");
    expect(acc!.versions[0].result.measured.n).toBe(0);
    expect(acc!.versions[0].result.estimated.n).toBe(300);
    expect(acc!.verdict).toBe("holds");
    expect(r.code).toBe(0);
  });

  it("flipped labels: auc fails, the rule fires, the firing is stored and alerted as measured", async () => {
    const r = await monitor(1);
    expect(r.rules[0]!.verdict).toBe("fails");
    expect(r.rules[0]!.versions[0].result.measured.value).toBeLessThan(0.3);
    expect(r.code).toBe(1);
    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    try {
      expect(listFirings(ws.registry.db, "watch").filter((f) => f.kind === "performance").map((f) => [f.rule, f.windowFrom])).toContainEqual(["performance #1", T0 + HOUR]);
    } finally {
      ws.close();
    }
    const alerts = fs.readFileSync(path.join(p.dir, "alerts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(alerts.find((a) => a.kind === "performance")).toMatchObject({ rule: "performance #1", metric: "auc", condition: "auc >= 0.7", estimated: false, n: 300 });
  });

  it("labels observed after the evaluation time have not arrived: insufficient, never holds", async () => {
    const r = await monitor(2);
    const auc = r.rules[0]!;
    expect(auc.labels.fromSource).toBe(0);
    expect(auc.verdict).toBe("insufficient");
    expect(auc.versions[0].result.measured.n).toBe(0);
    expect(auc.versions[0].result.estimated.n).toBe(300);
  });

  it("labels from the feedback table, by request id and by key", async () => {
    const r = await monitor(3);
    const auc = r.rules[0]!;
    expect(auc.labels.fromFeedback).toBe(300);
    expect(auc.labels.fromSource).toBe(0);
    expect(auc.versions[0].result.measured.n).toBe(300);
    expect(auc.verdict).toBe("holds");
  });

  it("the text report shows measured and estimated on separate lines", async () => {
    const r = await monitor(0, "text");
    expect(r.text).toMatch(/performance #1 auc >= 0.7, window .*: holds/);
    expect(r.text).toMatch(/measured {3}0\.\d{4} \(300 rows\)/);
    expect(r.text).toMatch(/performance #2 accuracy >= 0.7[\s\S]*labels: none \(estimated by CBPE\)[\s\S]*estimated {2}0\.\d{4} \(300 rows\)/);
  });
});
