/**
 * Nothing lost: every input row is accepted or quarantined with its reason, the
 * counts reconcile (`read = accepted + quarantined`, printed and in the --json
 * summary), and the quarantine file names each bad row by number.
 */
import * as fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { BINARY_HEADER, binaryRows, binarySpec, removeTempDirs, run, writeProject } from "./fixtures.js";

afterAll(removeTempDirs);

interface QuarantinedRow {
  row: number;
  reasons: string[];
  values?: Record<string, unknown>;
  line?: string;
}

describe("quarantine", () => {
  it("reconciles read = accepted + quarantined and names each bad row with its reason", async () => {
    const rows: string[] = binaryRows(200).map((r) => r.join(","));
    // data row numbers are 1-based, the header is not a row
    const bad: Record<number, { line: string; reason: RegExp }> = {
      5: { line: "bad5,55,0.1,red,true", reason: /x1/ }, // out of range 0..10
      17: { line: "bad17,3,abc,red,false", reason: /x2/ }, // not a float
      42: { line: "bad42,3,0.2,purple,true", reason: /color/ }, // not one of the enum values
      150: { line: "bad150,3,0.2,red,", reason: /label/ }, // no label
      180: { line: "bad180,3,0.2", reason: /expected 5 fields, found 3/ }, // ragged
    };
    for (const n of Object.keys(bad).map(Number).sort((a, b) => a - b)) rows.splice(n - 1, 0, bad[n]!.line);
    const p = writeProject(binarySpec({ epochs: 2 }), [BINARY_HEADER.join(","), ...rows].join("\n") + "\n");

    const r = await run(p.spec, { json: true });
    expect(r.exitCode).toBe(0);
    // with --json, stdout is the summary alone and progress goes to stderr
    const summary = JSON.parse(r.stdout) as { datasets: Array<{ read: number; accepted: number; quarantined: number; quarantinePath: string; split: Record<string, number> }> };
    const d = summary.datasets[0]!;
    expect(d).toMatchObject({ read: 205, accepted: 200, quarantined: 5 });
    expect(d.read).toBe(d.accepted + d.quarantined);
    expect(d.split.train + d.split.validation + d.split.test).toBe(d.accepted);
    expect(r.stderr).toMatch(/^validate:d\s+read 205 = accepted 200 \+ quarantined 5 \(quarantined rows: .*\.jsonl\)$/m);

    const lines = fs.readFileSync(d.quarantinePath, "utf8").trim().split("\n");
    const quarantined = lines.map((l) => JSON.parse(l) as QuarantinedRow);
    expect(quarantined.map((q) => q.row).sort((a, b) => a - b)).toEqual(Object.keys(bad).map(Number));
    for (const q of quarantined) {
      expect(q.reasons.length).toBeGreaterThan(0);
      expect(q.reasons.join("; ")).toMatch(bad[q.row]!.reason);
    }
  }, 30_000);

  it("prints the reconciliation without --json too, and a clean file quarantines nothing", async () => {
    const p = writeProject(binarySpec({ epochs: 1 }), [BINARY_HEADER.join(","), ...binaryRows(120).map((r) => r.join(","))].join("\n") + "\n");
    const r = await run(p.spec);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^validate:d\s+read 120 = accepted 120 \+ quarantined 0$/m);
    expect(r.summary!.datasets[0]).toMatchObject({ read: 120, accepted: 120, quarantined: 0 });
    expect(r.summary!.datasets[0]!.quarantinePath).toBeUndefined();
  }, 30_000);

  it("echoes only bounded excerpts of user data: a huge header and a huge bad line", async () => {
    const extra = Array.from({ length: 500 }, (_, k) => `extra${k}_${"z".repeat(2_000)}`);
    const header = [...BINARY_HEADER, ...extra].join(",");
    const rows = binaryRows(120).map((r) => [...r, ...extra.map(() => "1")].join(","));
    rows.splice(3, 0, `${"q".repeat(500_000)}\u0007`);
    const p = writeProject(binarySpec({ epochs: 1 }), [header, ...rows].join("\n") + "\n");
    const r = await run(p.spec);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/note: columns not in the contract are ignored: extra0_z+…, .* and 492 more$/m);
    expect(r.stdout.length + r.stderr.length).toBeLessThan(5_000);
    const q = JSON.parse(fs.readFileSync(r.summary!.datasets[0]!.quarantinePath!, "utf8").trim()) as QuarantinedRow;
    expect(q.row).toBe(4);
    expect(q.line!.length).toBeLessThanOrEqual(1_001);
  }, 60_000);
});
