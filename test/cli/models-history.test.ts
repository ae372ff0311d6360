/**
 * `mlspec models history` through the real bundle: every alias move with its time, versions
 * and who moved it (a run, a person through `models alias`), and `--at TIME`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { buildCliSnapshot, runCli } from "./cli-bundle.js";

let cliPath = "";
let project = "";

const mlspec = (args: string[]) => runCli(cliPath, args);

const T0 = Date.parse("2024-07-01T00:00:00Z");
const HOUR = 3_600_000;

beforeAll(() => {
  cliPath = buildCliSnapshot();
  project = mkdtempSync(path.join(tmpdir(), "mlspec-history-"));
  writeFileSync(path.join(project, "p.mlspec"), "mlspec 1\n");
  let now = T0;
  const ws = openWorkspace(path.join(project, ".mlspec"), { clock: () => now });
  try {
    for (const seed of [1, 2, 3]) {
      const sha = ws.artifacts.put(`model bytes ${seed}`, { kind: "onnx" });
      ws.registry.registerVersion({ name: "m", runId: null, status: "registered", metrics: { auc: 0.8 }, reasons: [], artifactSha256: sha, specHash: "s", dataHash: "d" });
    }
    ws.registry.setAlias("m", 1, "champion", "run 1"); // 00:00
    now = T0 + HOUR;
    ws.registry.setAlias("m", 2, "champion", "run 2"); // 01:00
    now = T0 + 2 * HOUR;
    ws.registry.setAlias("m", 3, "challenger", "rollout r"); // 02:00
  } finally {
    ws.close();
  }
}, 120_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("mlspec models history", () => {
  it("lists every move with time, versions and who moved it; `models alias` records the person", async () => {
    const spec = ["--spec", path.join(project, "p.mlspec")];
    const moved = await mlspec(["models", "alias", "m@1", "champion", ...spec]);
    expect(moved.status, moved.stderr).toBe(0);
    const r = await mlspec(["models", "history", "m", "--format", "json", ...spec]);
    expect(r.status, r.stderr).toBe(0);
    const events = JSON.parse(r.stdout) as Array<{ alias: string; fromVersion: number | null; toVersion: number | null; at: string; movedBy: string | null }>;
    expect(events.slice(0, 3)).toEqual([
      { name: "m", alias: "champion", fromVersion: null, toVersion: 1, at: "2024-07-01T00:00:00.000Z", movedBy: "run 1" },
      { name: "m", alias: "champion", fromVersion: 1, toVersion: 2, at: "2024-07-01T01:00:00.000Z", movedBy: "run 2" },
      { name: "m", alias: "challenger", fromVersion: null, toVersion: 3, at: "2024-07-01T02:00:00.000Z", movedBy: "rollout r" },
    ]);
    expect(events[3]).toMatchObject({ alias: "champion", fromVersion: 2, toVersion: 1, movedBy: `${userInfo().username} (mlspec models alias)` });
    const table = await mlspec(["models", "history", "m", "--alias", "challenger", ...spec]);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^time\s+alias\s+from\s+to\s+moved by\n/);
    expect(table.stdout).toMatch(/2024-07-01T02:00:00\.000Z\s+challenger\s+-\s+v3\s+rollout r/);
    expect(table.stdout).not.toMatch(/champion/);
  });

  it("--at TIME shows what each alias pointed at then", async () => {
    const spec = ["--spec", path.join(project, "p.mlspec")];
    const [before, first, later] = await Promise.all([
      mlspec(["models", "history", "m", "--at", "2024-06-30", "--format", "json", ...spec]),
      mlspec(["models", "history", "m", "--at", "2024-07-01T00:30:00Z", "--format", "json", ...spec]),
      mlspec(["models", "history", "m", "--at", "2024-07-01T02:00:00Z", ...spec]),
    ]);
    expect(JSON.parse(before.stdout)).toEqual({ name: "m", at: "2024-06-30T00:00:00.000Z", aliases: [] });
    expect(JSON.parse(first.stdout).aliases).toEqual([{ alias: "champion", version: 1, since: "2024-07-01T00:00:00.000Z", movedBy: "run 1" }]);
    expect(later.status).toBe(0);
    expect(later.stdout).toMatch(/challenger\s+v3\s+2024-07-01T02:00:00\.000Z\s+rollout r/);
    expect(later.stdout).toMatch(/champion\s+v2\s+2024-07-01T01:00:00\.000Z\s+run 2/);
  });

  it("a bad time or an unknown model is one line with a non-zero exit", async () => {
    const spec = ["--spec", path.join(project, "p.mlspec")];
    const [badTime, unknown] = await Promise.all([mlspec(["models", "history", "m", "--at", "yesterday", ...spec]), mlspec(["models", "history", "nope", ...spec])]);
    expect(badTime.status).toBe(2);
    expect(badTime.stderr).toMatch(/^mlspec: --at `yesterday` is not an ISO 8601 time/);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe("mlspec: no model named nope in the registry; registered models: m\n");
  });
});
