/**
 * `--resume` after a kill -9 in the middle of a spec's second model: the first
 * model, finished and registered before the kill, keeps its one version (issue 9,
 * item 9), and the killed run is listed as `interrupted`, not `running`, until
 * `--resume` picks it up (issue 8, item 4).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { binaryCsv, binarySpec, buildCli, cli, finished, removeTempDirs, spawnCli, writeProject } from "../run/fixtures.js";

afterAll(removeTempDirs);

/** `m` trains in a moment; `m2`, after it in the plan, long enough to be killed mid-training. */
const spec =
  binarySpec({ epochs: 3 }) +
  `model m2 {
  task    = binary_classification(target = label)
  inputs  = f
  arch    = mlp(hidden = [32, 16], activation = relu)
  train { optimizer = adam(lr = 3e-3)  epochs = 16  batch = 32  seed = 2 }
  metrics = [auc, accuracy]
}
`;

async function killAt(args: string[], at: RegExp): Promise<void> {
  const child = spawnCli(args, await buildCli());
  let out = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    if (at.test(out) && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const result = await finished(child);
  expect(result.signal, result.stdout + result.stderr).toBe("SIGKILL");
}

describe("resume after a kill in the second model", () => {
  it("registers the first model once, and shows the killed run as interrupted", async () => {
    const project = writeProject(spec, binaryCsv(1000));
    await killAt(["run", project.spec, "--backend", "cpu", "--verbose"], /m2 epoch 3\/16/);
    const wsDir = path.join(project.dir, ".mlspec");
    const ws = openWorkspace(wsDir);
    try {
      expect(ws.registry.listVersions().map((v) => `${v.name} v${v.version}`)).toEqual(["m v1"]);
      const m2 = ws.registry.listRuns({ model: "m2" });
      expect(m2.map((r) => r.state)).toEqual(["interrupted"]);
    } finally {
      ws.close();
    }
    const listed = await cli(["runs", "list", "--workspace", wsDir]);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^\d+\s+train\s+m2\s+interrupted\s/m);

    const resumed = await cli(["run", project.spec, "--backend", "cpu", "--resume"]);
    expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stderr + resumed.stdout).toMatch(/resuming run \d+ after epoch/);
    const after = openWorkspace(wsDir);
    try {
      expect(after.registry.listVersions().map((v) => `${v.name} v${v.version}`)).toEqual(["m v1", "m2 v1"]);
      expect(after.registry.listRuns().map((r) => r.state)).not.toContain("interrupted");
      expect(fs.existsSync(wsDir)).toBe(true);
    } finally {
      after.close();
    }
  }, 120_000);
});
