/** `mlspec report` as a process (dist/mlspec.mjs): the file it writes, and bad input of each kind. */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { churnFixture, type Fixture } from "./fixture.js";

const CLI = join(import.meta.dirname, "../../dist/mlspec.mjs");
const report = (...args: string[]) => spawnSync(process.execPath, [CLI, "report", ...args], { encoding: "utf8" });

describe("mlspec report", () => {
  let fx: Fixture;
  beforeAll(() => {
    fx = churnFixture();
    fx.ws.close();
  });
  afterAll(() => fx.cleanup());

  it("writes one HTML file of the spec's workspace and says where", () => {
    const out = join(fx.dir, "out.html");
    const run = report(fx.spec, "--out", out);
    expect(run.stderr).toBe(`report written to ${out} (${Math.round(readFileSync(out).length / 1024)} KiB)\n`);
    expect(run.status).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("mlspec report: churn.mlspec");
  }, 60_000);

  it("without a workspace: exit 1 and how to make one", () => {
    const run = report(fx.spec, "--workspace", join(fx.dir, "nothing-here"), "--out", join(fx.dir, "x.html"));
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`mlspec: no workspace at ${join(fx.dir, "nothing-here")}; run \`mlspec run SPEC\` first, or pass --workspace DIR\n`);
    expect(existsSync(join(fx.dir, "x.html"))).toBe(false);
  });

  it("an output that cannot be written: exit 2, said before any work", () => {
    const missing = report(fx.spec, "--out", join(fx.dir, "no/such/dir/r.html"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`mlspec: cannot write ${join(fx.dir, "no/such/dir/r.html")}: its folder ${join(fx.dir, "no/such/dir")} does not exist\n`);
    const dir = report(fx.spec, "--out", fx.dir);
    expect(dir.status).toBe(2);
    expect(dir.stderr).toBe(`mlspec: cannot write ${fx.dir}: it is a directory\n`);
  });

  it("a spec that does not exist: exit 2, no stack", () => {
    const run = report(join(fx.dir, "nope.mlspec"), "--out", join(fx.dir, "y.html"));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^mlspec: cannot read .*nope\.mlspec: no such file\n$/);
  });
});
