/**
 * The prediction log under load: a writer that falls behind holds answers
 * back (backpressure) instead of dropping rows, and shutdown drains what is
 * pending, so the rows logged equal mlspec_predictions_total.
 */
import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { createServeApp } from "../../runtime/serve/http-server.js";
import { loadServing, type Serving } from "../../runtime/serve/load-serving.js";
import { runServeCommand } from "../../bin/commands/serve-command.js";
import { churnModel, churnRows, churnSpecText, makeProject, type TestProject } from "./models.js";

let project: TestProject | undefined;
let serving: Serving | undefined;
afterEach(async () => {
  await serving?.close();
  project?.cleanup();
  serving = project = undefined;
});

function counter(metrics: string, name: string): number {
  let total = 0;
  for (const line of metrics.split("\n")) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  return total;
}

describe("the prediction log under load", () => {
  for (const mainThread of [false, true]) {
    it(`drops nothing when the writer falls behind: answers wait, and every answered row is logged (${mainThread ? "main thread" : "writer thread"})`, async () => {
      const warnings: string[] = [];
      project = makeProject(churnSpecText({ timeout: "30s" }));
      project.register("churn_mlp", churnModel({ seed: 1 }).bytes);
      // a bound far below the load: the writer (16-row transactions) falls behind at once
      serving = await loadServing(project.specPath, {
        pollMs: 0,
        onEvent: (e) => e.kind === "warning" && warnings.push(e.message),
        predictionLog: { maxPendingRows: 32, maxRows: 16, maxDelayMs: 5, mainThread },
      });
      const app = await createServeApp(serving);
      try {
        const requests = Array.from({ length: 150 }, (_, i) => churnRows(100 + i, 3));
        const answers = await Promise.all(
          requests.map((rows, i) => app.inject({ method: "POST", url: "/v1/churn_api/predict", payload: { instances: rows }, headers: { "x-request-id": `load-${i}` } })),
        );
        // (a slow machine may time a request out: the log must then hold exactly the answered ones)
        const answered = answers.filter((a) => a.statusCode === 200).length;
        expect(answered).toBeGreaterThan(0);
        const metrics = await serving.metrics.text();
        const predicted = counter(metrics, "mlspec_predictions_total");
        expect(predicted).toBe(answered * 3);
        await serving.close();
        const logged = project.workspace.registry.readPredictions({ serve: "churn_api" });
        expect(logged).toHaveLength(predicted);
        expect(new Set(logged.map((p) => p.requestId)).size).toBe(answered);
        expect(warnings).toEqual([]);
        if (!mainThread) expect(counter(metrics, "mlspec_prediction_log_waits_total")).toBeGreaterThan(0); // backpressure was exercised
      } finally {
        await app.close();
      }
    });
  }

  it("mlspec serve: after a load and SIGTERM, the rows logged equal mlspec_predictions_total", async () => {
    project = makeProject(churnSpecText({ timeout: "30s" }));
    project.register("churn_mlp", churnModel({ seed: 1 }).bytes);
    const signals = new EventEmitter();
    const out: string[] = [];
    const err: string[] = [];
    let listening!: (url: string) => void;
    const url = new Promise<string>((resolve) => (listening = resolve));
    const exited = runServeCommand(
      project.specPath,
      { pollMs: 0, port: 0, predictionLog: { maxPendingRows: 32, maxRows: 16, maxDelayMs: 5 } },
      {
        out: (line) => {
          out.push(line);
          const m = line.match(/^listening on (\S+)$/);
          if (m) listening(m[1]!);
        },
        err: (line) => err.push(line),
        signals,
      },
    );
    const base = await url;
    const requests = Array.from({ length: 120 }, (_, i) => churnRows(300 + i, 4));
    const answers = await Promise.all(
      requests.map((rows) =>
        fetch(`${base}/v1/churn_api/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ instances: rows }) }).then((r) => r.status),
      ),
    );
    expect(answers.every((s) => s === 200)).toBe(true);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const predicted = counter(metrics, "mlspec_predictions_total");
    expect(predicted).toBe(480);
    signals.emit("SIGTERM");
    expect(await exited).toBe(0);
    expect(err.join("\n")).not.toMatch(/could not be written/);
    expect(project.workspace.registry.readPredictions({ serve: "churn_api" })).toHaveLength(predicted);
    expect(counter(metrics, "mlspec_prediction_log_waits_total")).toBeGreaterThan(0); // the writer fell behind
  });
});
