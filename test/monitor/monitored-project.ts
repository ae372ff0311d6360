/** A trained binary project whose prediction log holds three windows (test/monitor). */
import * as path from "node:path";
import { expect } from "vitest";
import { applyPipeline } from "../../runtime/features/pipeline.js";
import { predictNetwork } from "../../runtime/model/forward.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { binaryCsv, binaryRows, binarySpec, run, writeProject, type Project } from "../run/fixtures.js";
import { networkOfRun, pipelineOfRun } from "../run/reference.js";

export const SPEC =
  binarySpec() +
  `
serve api {
  model = m@champion
  http(port = 8080)
}

monitor watch for api {
  drift(features = all, window = 1h, min_samples = 100)
  drift(prediction, test = ks, p_value < 0.01, window = 1h, min_samples = 100)
  alert(channel = file, target = "alerts.jsonl")
}
`;

export const HOUR = 3_600_000;
export const T0 = Date.parse("2026-12-03T10:00:00Z");
/** Windows: [T0, T0+1h) unshifted, [T0+1h, T0+2h) x2 + 1, [T0+2h, T0+3h) only 40 rows. */
export const windows = { calm: T0, shifted: T0 + HOUR, small: T0 + 2 * HOUR };

/** Trains the project and logs the windows; returns it. */
export async function monitoredProject(): Promise<Project> {
  const p = writeProject(SPEC, binaryCsv(1500));
  expect((await run(p.spec)).exitCode).toBe(0);
  const ws = openWorkspace(path.join(p.dir, ".mlspec"));
  try {
    const v = ws.registry.resolve("m", "champion");
    const network = networkOfRun(ws, v.runId!);
    const pipeline = pipelineOfRun(ws, v.runId!);
    const log = ws.registry.predictionLog({ maxRows: 100_000 });
    const logWindow = (start: number, rows: ReturnType<typeof binaryRows>) => {
      const raw = { id: rows.map((r) => r[0]), x1: rows.map((r) => r[1]), x2: rows.map((r) => r[2]), color: rows.map((r) => r[3]), label: rows.map((r) => r[4]) };
      const probs = predictNetwork(network, applyPipeline(pipeline, raw));
      rows.forEach((r, i) => {
        const pr = probs[i]!;
        log.log({ requestId: `${start}-${i}`, time: start + i * 1000, serve: "api", model: "m", version: v.version, inputs: { id: r[0], x1: r[1], x2: r[2], color: r[3] }, output: { prediction: pr >= 0.5, probabilities: { false: 1 - pr, true: pr } }, latencyMs: 1 });
      });
    };
    logWindow(windows.calm, binaryRows(400, 7));
    logWindow(
      windows.shifted,
      binaryRows(400, 8).map((r) => [r[0], r[1], Number((r[2] + 1).toFixed(3)), r[3], r[4]] as (typeof r)),
    );
    logWindow(windows.small, binaryRows(40, 9));
    log.close();
  } finally {
    ws.close();
  }
  return p;
}

