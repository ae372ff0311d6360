/**
 * Imported models (`import = xgboost(...)`, `import = onnx(...)`) carry a monitoring
 * reference like trained ones: `mlspec run` stores a seeded sample of the training rows and
 * the imported graph's answers on them, and `mlspec monitor --once` judges drift against it
 * (no drift on rows like the training data, the shifted column named on shifted rows).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runMonitorCommand } from "../../bin/commands/monitor-command.js";
import { monitoringReferenceSha } from "../../runtime/monitor/monitor-store.js";
import type { MonitoringReference } from "../../runtime/monitor/reference.js";
import { planForServing } from "../../runtime/serve/serve-plan.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { removeTempDirs, run, tempDir } from "../run/fixtures.js";

afterAll(removeTempDirs);

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../import/fixtures");
const T0 = Date.parse("2026-12-03T10:00:00Z");
const HOUR = 3_600_000;

const MONITOR = `
serve legacy_api {
  model = legacy@champion
  http(port = 0)
}

monitor legacy_watch for legacy_api {
  drift(features = all, test = ks, window = 1h, min_samples = 50)
}
`;

interface ImportCase {
  name: string;
  csv: string;
  model: string;
  file: string;
  importCall: string;
  columns: string[];
}

const CASES: ImportCase[] = [
  { name: "xgboost", csv: "binary.csv", model: "binary.json", file: "models/legacy.json", importCall: 'xgboost("models/legacy.json")', columns: ["tenure", "monthly", "calls", "age"] },
  { name: "onnx", csv: "onnx-binary.csv", model: "onnx-binary.onnx", file: "models/legacy.onnx", importCall: 'onnx("models/legacy.onnx")', columns: ["a", "b", "c"] },
];

/** The fixture as a project (0/1 labels as bools) with a serve and a monitor; returns its rows. */
function project(c: ImportCase): { dir: string; spec: string; rows: Array<Record<string, number | null>> } {
  const dir = tempDir(`mlspec-import-ref-${c.name}-`);
  const lines = fs.readFileSync(path.join(FIXTURES, c.csv), "utf8").trim().split("\n");
  fs.writeFileSync(path.join(dir, "data.csv"), [lines[0], ...lines.slice(1).map((l) => l.replace(/,1$/, ",true").replace(/,0$/, ",false"))].join("\n") + "\n");
  fs.mkdirSync(path.join(dir, "models"));
  fs.copyFileSync(path.join(FIXTURES, c.model), path.join(dir, c.file));
  const spec = `mlspec 1
dataset d {
  source = csv("data.csv")
  label  = label
  split  = holdout(test = 25%, validation = 25%, seed = 3)
  contract {
${c.columns.map((col) => `    ${col} : float nulls <= 40%`).join("\n")}
    label : bool
  }
}
model legacy {
  task    = binary_classification(target = label)
  inputs  = columns(d)
  import  = ${c.importCall}
  metrics = [auc, accuracy]
}
${MONITOR}`;
  fs.writeFileSync(path.join(dir, "spec.mlspec"), spec);
  const rows = lines.slice(1).map((l) => Object.fromEntries(c.columns.map((col, j) => [col, l.split(",")[j] === "" ? null : Number(l.split(",")[j])])));
  return { dir, spec: path.join(dir, "spec.mlspec"), rows };
}

describe.each(CASES)("an imported $name model", (c) => {
  it("is registered with a monitoring reference, and mlspec monitor --once judges drift against it", async () => {
    const p = project(c);
    const result = await run(p.spec);
    expect(result.exitCode, result.stderr).toBe(0);
    const ws = openWorkspace(path.join(p.dir, ".mlspec"));
    try {
      const sha = monitoringReferenceSha(ws.registry.db, "legacy", 1);
      expect(sha).toBeDefined();
      const ref = ws.artifacts.getJson(sha!) as MonitoringReference;
      const train = result.summary!.datasets[0]!.split!.train;
      expect(ref).toMatchObject({ model: "legacy", version: 1, seed: 3, trainRows: train });
      expect(Object.keys(ref.columns).sort()).toEqual([...c.columns].sort());
      expect(ref.prediction.track).toEqual({ kind: "numeric", what: "probability", positive: "true" });
      expect(ref.prediction.values).toHaveLength(train);
      // the imported graph's probabilities: in [0, 1] and not all alike
      const probs = ref.prediction.values as number[];
      expect(probs.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(new Set(probs.map((v) => v.toFixed(3))).size).toBeGreaterThan(10);

      // half the file's rows in one hour, the other half the next hour with the first column shifted by 3
      const log = ws.registry.predictionLog({ maxRows: 10_000 });
      const shift = (r: Record<string, number | null>) => ({ ...r, [c.columns[0]!]: r[c.columns[0]!] === null ? null : r[c.columns[0]!]! + 3 });
      const logHour = (start: number, rows: Array<Record<string, number | null>>) =>
        rows.forEach((inputs, i) => log.log({ requestId: `${start}-${i}`, time: start + i * 1000, serve: "legacy_api", model: "legacy", version: 1, inputs, output: { prediction: true, probabilities: { false: 0.4, true: 0.6 } }, latencyMs: 1 }));
      const half = Math.floor(p.rows.length / 2);
      logHour(T0, p.rows.slice(0, half));
      logHour(T0 + HOUR, p.rows.slice(half).map(shift));
      log.close();
    } finally {
      ws.close();
    }
    const monitor = async (from: number) => {
      const out: string[] = [];
      const code = await runMonitorCommand(p.spec, { plan: planForServing(p.spec), format: "json", from, to: from + HOUR, now: () => T0 + 3 * HOUR }, { out: (l) => out.push(l), err: () => undefined });
      const rule = (JSON.parse(out.join("\n")) as { monitors: Array<{ drift: Array<{ verdict: string; versions: Array<{ result: { columns: Array<{ column: string; verdict: string; n: number }> } }> }> }> }).monitors[0]!.drift[0]!;
      return { code, rule, drifted: rule.versions[0]!.result.columns.filter((col) => col.verdict === "drift").map((col) => col.column) };
    };
    const calm = await monitor(T0);
    expect(calm.code).toBe(0);
    expect(calm.rule.verdict).toBe("no_drift");
    expect(calm.rule.versions[0]!.result.columns.map((col) => col.column).sort()).toEqual([...c.columns].sort());
    const shifted = await monitor(T0 + HOUR);
    expect(shifted.code).toBe(1);
    expect(shifted.drifted).toEqual([c.columns[0]]);
  }, 120_000);
});
