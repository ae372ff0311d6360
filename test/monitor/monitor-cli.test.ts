/** `mlspec monitor` through the CLI bundle: exit codes and one-line messages. */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, hasStack, removeTempDirs, tempDir, type Project } from "../run/fixtures.js";
import { HOUR, monitoredProject, SPEC, windows } from "./monitored-project.js";

let p: Project;
beforeAll(async () => {
  p = await monitoredProject();
}, 120_000);
afterAll(removeTempDirs);

const iso = (ms: number) => new Date(ms).toISOString();

describe("mlspec monitor (CLI)", () => {
  it("names the shifted column and exits 1; an unshifted window exits 0", async () => {
    const shifted = await cli(["monitor", p.spec, "--once", "--from", iso(windows.shifted), "--to", iso(windows.shifted + HOUR)]);
    expect(shifted.stderr).toBe("");
    expect(shifted.status).toBe(1);
    expect(shifted.stdout).toMatch(/x2\s+ks\s+stat \S+ p \S+\s+p < \S+\s+DRIFT\s+400/);
    const calm = await cli(["monitor", p.spec, "--once", "--format", "json", "--from", String(windows.calm), "--to", String(windows.calm + HOUR)]);
    expect(calm.status).toBe(0);
    expect(JSON.parse(calm.stdout).monitors[0].drift.map((d: { verdict: string }) => d.verdict)).toEqual(["no_drift", "no_drift"]);
  }, 120_000);

  it("usage problems are one line and exit 2", async () => {
    const noOnce = await cli(["monitor", p.spec]);
    expect(noOnce.status).toBe(2);
    expect(noOnce.stderr).toMatch(/^mlspec: mlspec monitor runs once per call for now: pass --once/);
    const badTime = await cli(["monitor", p.spec, "--once", "--from", "yesterday"]);
    expect(badTime.status).toBe(2);
    expect(badTime.stderr.trim()).toBe('mlspec: --from must be an ISO 8601 time such as 2026-12-03T10:00:00Z or ms since the epoch, got "yesterday"');
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "spec.mlspec"), SPEC);
    const noWs = await cli(["monitor", path.join(dir, "spec.mlspec"), "--once"]);
    expect(noWs.status).toBe(2);
    expect(noWs.stderr).toMatch(/^mlspec: no workspace at .*\.mlspec: run `mlspec run/);
    for (const r of [noOnce, badTime, noWs]) expect(hasStack(r.stderr)).toBe(false);
  }, 120_000);
});
