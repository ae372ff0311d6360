/**
 * Quality gates (`require`): a version that fails one is registered as
 * `rejected` with its reasons, the run exits 3, and no alias moves; a bound
 * relative to the champion compares with the champion's recorded metric.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fmt } from "../../runtime/run/reporter.js";
import { openWorkspace, type Workspace } from "../../runtime/workspace/workspace.js";
import { binaryProject, binarySpec, removeTempDirs, run } from "./fixtures.js";

afterAll(removeTempDirs);

/** A model that sees only the weakly informative colour: its auc stays far below the full model's. */
const WEAK_FEATURES = "  c = onehot(color)";

function inWorkspace<T>(dir: string, f: (ws: Workspace) => T): T {
  const ws = openWorkspace(path.join(dir, ".mlspec"));
  try {
    return f(ws);
  } finally {
    ws.close();
  }
}

describe("gates", () => {
  const p = binaryProject({ epochs: 4, gates: ["auc >= 0.6"] });
  let championAuc = NaN;

  it("a passing gate registers the first version as @champion", async () => {
    const r = await run(p.spec);
    expect(r.exitCode).toBe(0);
    const m = r.summary!.models[0]!;
    expect(m.gate.passed).toBe(true);
    expect(m.gate.reasons).toEqual([`auc >= 0.6: ${fmt(m.metrics.auc!)} >= 0.6000`]);
    championAuc = m.metrics.auc!;
    expect(championAuc).toBeGreaterThan(0.9);
    inWorkspace(p.dir, (ws) => expect(ws.registry.resolve("m", "champion").version).toBe(1));
  }, 30_000);

  it("a failing `require` exits 3, records the version as rejected with reasons, and leaves the champion", async () => {
    fs.writeFileSync(p.spec, binarySpec({ epochs: 4, features: WEAK_FEATURES, gates: ["auc >= 0.95"] }));
    const r = await run(p.spec);
    expect(r.exitCode).toBe(3);
    const m = r.summary!.models[0]!;
    expect(m).toMatchObject({ status: "rejected", version: 2 });
    expect(m.alias).toBeUndefined();
    expect(m.gate.reasons).toEqual([`auc >= 0.95: auc is ${fmt(m.metrics.auc!)}, needs >= 0.9500`]);
    expect(r.stdout).toContain("m v2 rejected by its gates:");
    expect(r.stdout).toContain(`  - auc >= 0.95: auc is ${fmt(m.metrics.auc!)}, needs >= 0.9500`);
    inWorkspace(p.dir, (ws) => {
      const v2 = ws.registry.getVersion("m", 2);
      expect(v2.status).toBe("rejected");
      expect(v2.reasons).toEqual(m.gate.reasons);
      expect(v2.aliases).toEqual([]);
      expect(ws.artifacts.verify(v2.artifactSha256)).toBe("ok");
      expect(ws.registry.resolve("m", "champion").version).toBe(1);
      expect(ws.registry.listModels().map((l) => [l.version, l.status, l.aliases])).toEqual([
        [1, "registered", ["champion"]],
        [2, "rejected", []],
      ]);
    });
  }, 30_000);

  it("`auc >= champion.auc - 0.01` rejects a version clearly worse than the champion", async () => {
    fs.writeFileSync(p.spec, binarySpec({ epochs: 4, features: WEAK_FEATURES, gates: ["auc >= champion.auc - 0.01"] }));
    const r = await run(p.spec, { quiet: true });
    expect(r.exitCode).toBe(3);
    // --quiet still says why the run failed, on stderr
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^m v3 rejected by its gates:\n {2}- auc >= champion\.auc - 0\.01: auc is [\d.]+, needs >= [\d.]+\n$/);
    const m = r.summary!.models[0]!;
    expect(m.status).toBe("rejected");
    expect(m.metrics.auc!).toBeLessThan(championAuc - 0.01);
    expect(m.gate.reasons).toEqual([`auc >= champion.auc - 0.01: auc is ${fmt(m.metrics.auc!)}, needs >= ${fmt(championAuc - 0.01)}`]);
    inWorkspace(p.dir, (ws) => {
      expect(ws.registry.resolve("m", "champion").version).toBe(1);
      expect(ws.registry.getVersion("m", 3).status).toBe("rejected");
    });
  }, 30_000);

  it("`auc >= champion.auc - 0.01` passes a version as good as the champion, which then takes over", async () => {
    fs.writeFileSync(p.spec, binarySpec({ epochs: 4, gates: ["auc >= champion.auc - 0.01"] }));
    const r = await run(p.spec);
    expect(r.exitCode).toBe(0);
    const m = r.summary!.models[0]!;
    expect(m.metrics.auc).toBe(championAuc);
    expect(m.gate.reasons).toEqual([`auc >= champion.auc - 0.01: ${fmt(championAuc)} >= ${fmt(championAuc - 0.01)}`]);
    expect(m).toMatchObject({ status: "registered", version: 4, alias: "champion" });
    inWorkspace(p.dir, (ws) => {
      expect(ws.registry.resolve("m", "champion").version).toBe(4);
      expect(ws.registry.aliasHistory("m", "champion").map((e) => e.toVersion)).toEqual([1, 4]);
    });
  }, 30_000);

  it("a bound relative to a champion that does not exist yet passes, and says so", async () => {
    const q = binaryProject({ epochs: 2, gates: ["auc >= champion.auc - 0.01"] });
    const r = await run(q.spec);
    expect(r.exitCode).toBe(0);
    expect(r.summary!.models[0]!.gate.reasons).toEqual(["auc >= champion.auc - 0.01: no @champion to compare with yet; passes"]);
    expect(r.summary!.models[0]!.alias).toBe("champion");
  }, 30_000);
});
