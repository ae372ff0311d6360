/**
 * `quarantined <= p%` in a contract, through the real binary: above the bound the run stops
 * with exit 4 and says why; at or below it the run goes on without the 5% warning; without
 * a bound the run warns above 5%; a malformed bound is a diagnostic (spec/language.md#contract).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "../run/fixtures.js";
import { buildCliSnapshot, runCli } from "./cli-bundle.js";

let cliPath = "";
beforeAll(() => {
  cliPath = buildCliSnapshot();
}, 120_000);
afterAll(() => removeTempDirs());

/** 100 rows, `bad` of them with a radius outside the contract's range. */
function project(contractExtra: string, bad: number): string {
  const dir = tempDir("mlspec-quarantine-");
  mkdirSync(path.join(dir, "data"), { recursive: true });
  const rows = Array.from({ length: 100 }, (_, i) => `${i < bad ? 99 : 10 + (i % 5)},${i % 2 ? "B" : "M"}`);
  writeFileSync(path.join(dir, "data", "cells.csv"), ["radius,diagnosis", ...rows].join("\n") + "\n");
  writeFileSync(
    path.join(dir, "cells.mlspec"),
    `mlspec 1\n\ndataset cells {\n  source = csv("data/cells.csv")\n  contract {\n    radius    : float range 0..50\n    diagnosis : enum("B", "M")\n${contractExtra}  }\n}\n`,
  );
  return dir;
}

describe("quarantined <= p% through the real binary", () => {
  it("above the bound: exit 4, with the share, the bound and the reasons", async () => {
    const r = await runCli(cliPath, ["run", "cells.mlspec"], project("    quarantined <= 5%\n", 9));
    expect(r.status).toBe(4);
    expect(r.stderr).toContain("dataset `cells` breaks its contract: 9 of 100 rows quarantined (9.0%), above `quarantined <= 5%`");
    expect(r.stderr).toMatch(/radius: 99 is outside .* for 9 of 100 rows/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("`<` is strict: a share equal to the bound fails, and below it runs", async () => {
    expect((await runCli(cliPath, ["run", "cells.mlspec"], project("    quarantined < 9%\n", 9))).status).toBe(4);
    const ok = await runCli(cliPath, ["run", "cells.mlspec"], project("    quarantined <= 9%\n", 9));
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("read 100 = accepted 91 + quarantined 9");
    // the contract's bound replaces the 5% warning
    expect(ok.stdout + ok.stderr).not.toContain("more than 5%");
  }, 60_000);

  it("without a bound: a warning above 5% that names the rule, exit 0", async () => {
    const r = await runCli(cliPath, ["run", "cells.mlspec"], project("", 9));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("warning: dataset `cells`: 9 of 100 rows (9.0%) quarantined, more than 5%; bound it in the contract with `quarantined <= p%`");
  }, 60_000);

  it("a malformed bound is E1202, a second one E1203, a share above 100% E0331 (exit 1)", async () => {
    for (const [extra, code] of [
      ["    quarantined <= 5\n", "E1202"],
      ["    quarantined >= 1%\n", "E1202"],
      ["    quarantined <= 1%\n    quarantined <= 2%\n", "E1203"],
      ["    quarantined <= 150%\n", "E0331"],
    ] as const) {
      const r = await runCli(cliPath, ["check", "cells.mlspec"], project(extra, 0));
      expect(r.status, extra).toBe(1);
      expect(r.stdout + r.stderr, extra).toContain(`error[${code}]`);
      expect((r.stdout + r.stderr).match(/error\[/g), extra).toHaveLength(1);
    }
  }, 60_000);
});
