/**
 * `mlspec runs show` and `mlspec runs compare` through the real bundle, on runs recorded in a
 * workspace: parameters, metrics and per-epoch curves, as text tables and JSON.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { buildCliSnapshot, runCli } from "./cli-bundle.js";

let cliPath = "";
let project = "";

const mlspec = (args: string[]) => runCli(cliPath, args);

beforeAll(() => {
  cliPath = buildCliSnapshot();
  project = mkdtempSync(path.join(tmpdir(), "mlspec-runs-"));
  writeFileSync(path.join(project, "p.mlspec"), "mlspec 1\n");
  const ws = openWorkspace(path.join(project, ".mlspec"), { clock: () => Date.parse("2024-07-01T00:00:00Z") });
  try {
    for (const [lr, losses, auc] of [[0.01, [0.7, 0.5], 0.81], [0.03, [0.6, 0.4, 0.3], 0.86]] as const) {
      const id = ws.registry.createRun({ kind: "train", modelName: "m", specHash: "s".repeat(64), dataHash: "d".repeat(64), seed: 1, backend: "cpu", params: { arch: { hidden: [8] }, train: { lr, epochs: losses.length } } });
      losses.forEach((loss, i) => ws.registry.logEpoch(id, i + 1, { loss, "val.auc": auc - 0.1 + i * 0.01 }));
      ws.registry.finishRun(id, { state: "complete", metrics: { auc } });
    }
  } finally {
    ws.close();
  }
}, 120_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("mlspec runs show / compare", () => {
  it("show prints a run's params, metrics and curve; --format json the whole record", async () => {
    const spec = ["--spec", path.join(project, "p.mlspec")];
    const [text, json] = await Promise.all([mlspec(["runs", "show", "1", ...spec]), mlspec(["runs", "show", "1", "--format", "json", ...spec])]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^run 1: train m, complete;/);
    expect(text.stdout).toMatch(/^train\.lr\s+0\.01$/m);
    expect(text.stdout).toMatch(/^arch\.hidden\s+\[8\]$/m);
    expect(text.stdout).toMatch(/^auc\s+0\.8100$/m);
    expect(text.stdout).toMatch(/^epoch\s+loss\s+val\.auc\n-+\s+-+\s+-+\n1\s+0\.7000\s+0\.7100\n2\s+0\.5000\s+0\.7200\n/m);
    const record = JSON.parse(json.stdout) as { id: number; epochs: Array<{ epoch: number; metrics: Record<string, number> }> };
    expect(record.id).toBe(1);
    expect(record.epochs.map((e) => e.metrics.loss)).toEqual([0.7, 0.5]);
  });

  it("compare lines runs up: differing params marked, metrics, each curve by epoch", async () => {
    const spec = ["--spec", path.join(project, "p.mlspec")];
    const [text, json] = await Promise.all([mlspec(["runs", "compare", "1", "2", ...spec]), mlspec(["runs", "compare", "1", "2", "--format", "json", ...spec])]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^\* train\.lr\s+0\.01\s+0\.03$/m);
    expect(text.stdout).toMatch(/^ {2}arch\.hidden\s+\[8\]\s+\[8\]$/m);
    expect(text.stdout).toMatch(/^loss by epoch\nepoch\s+run 1\s+run 2\n[- ]+\n1\s+0\.7000\s+0\.6000\n2\s+0\.5000\s+0\.4000\n3\s+-\s+0\.3000\n/m);
    const c = JSON.parse(json.stdout);
    expect(c.runs).toEqual([1, 2]);
    expect(c.params["train.lr"]).toEqual({ values: ["0.01", "0.03"], differs: true });
    expect(c.metrics.auc).toEqual([0.81, 0.86]);
    expect(c.curves.loss).toEqual([
      { epoch: 1, values: [0.7, 0.6] },
      { epoch: 2, values: [0.5, 0.4] },
      { epoch: 3, values: [null, 0.3] },
    ]);
  });

  it("a bad or unknown id is one line with a non-zero exit", async () => {
    const spec = ["--spec", path.join(project, "p.mlspec")];
    const [bad, unknown, one] = await Promise.all([
      mlspec(["runs", "show", "x1", ...spec]),
      mlspec(["runs", "compare", "1", "9", ...spec]),
      mlspec(["runs", "compare", "1", ...spec]),
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^mlspec: `x1` is not a run id/);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe("mlspec: no run with id 9 in this workspace\n");
    expect(one.status).toBe(2);
    expect(one.stderr).toMatch(/two or more run ids/);
  });
});
