/** `mlspec monitor` through the CLI bundle: exit codes and one-line messages. */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, cli, finished, hasStack, removeTempDirs, spawnCli, tempDir, type Project } from "../run/fixtures.js";
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
    const noOnce = await cli(["monitor", p.spec, "--from", iso(windows.calm)]);
    expect(noOnce.status).toBe(2);
    expect(noOnce.stderr.trim()).toBe("mlspec: --from needs --once (on its schedule a monitor judges each rule's latest window)");
    const badTime = await cli(["monitor", p.spec, "--once", "--from", "yesterday"]);
    expect(badTime.status).toBe(2);
    expect(badTime.stderr.trim()).toBe('mlspec: --from must be an ISO 8601 time such as 2026-12-03T10:00:00Z or ms since the epoch, got "yesterday"');
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "spec.mlspec"), SPEC);
    const noWs = await cli(["monitor", path.join(dir, "spec.mlspec"), "--once"]);
    expect(noWs.status).toBe(2);
    expect(noWs.stderr).toMatch(/^mlspec: no workspace at .*\.mlspec: run `mlspec run/);
    const noSpec = await cli(["monitor", "history", path.join(dir, "missing.mlspec")]);
    expect(noSpec.status).toBe(2);
    expect(noSpec.stderr.trim()).toBe(`mlspec: cannot read ${path.join(dir, "missing.mlspec")}: no such file`);
    for (const r of [noOnce, badTime, noWs, noSpec]) expect(hasStack(r.stderr)).toBe(false);
  }, 120_000);

  it("monitor history lists the firings the evaluations stored", async () => {
    await cli(["monitor", p.spec, "--once", "--from", iso(windows.shifted), "--to", iso(windows.shifted + HOUR)]);
    const text = await cli(["monitor", "history", p.spec]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^firings \(\d+\)/);
    expect(text.stdout).toMatch(/drift #1\s+m v1\s+2026-12-03T11:00:00.000Z \.\. 2026-12-03T12:00:00.000Z\s+drifted: x2/);
    expect(text.stdout).toMatch(/retrain triggers: none/);
    const json = JSON.parse((await cli(["monitor", "history", p.spec, "--format", "json"])).stdout);
    expect(json.firings[0]).toMatchObject({ monitor: "watch", rule: "drift #1", kind: "drift", windowFrom: "2026-12-03T11:00:00.000Z" });
    expect(json.retrains).toEqual([]);
  }, 120_000);

  it("without --once: evaluates on the schedule until SIGTERM, then exits 0", async () => {
    const child = spawnCli(["monitor", p.spec, "--format", "json"], await buildCli());
    const done = finished(child, 60_000);
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) child.kill("SIGTERM");
    });
    const r = await done;
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim().split("\n")[0]!)).toMatchObject({ monitor: "watch", serve: "api" });
    expect(r.stderr).toMatch(/^monitoring watch every 300s; SIGTERM stops\n[\s\S]*monitoring stopped\n$/);
  }, 120_000);
});
