/** What the run prints about quarantined rows: the top reasons with counts, and why when every row is quarantined. */
import { afterAll, describe, expect, it } from "vitest";
import { csvOf, removeTempDirs, run, writeProject } from "./fixtures.js";

afterAll(() => removeTempDirs());

const spec = `mlspec 1

dataset d {
  source = csv("data.csv")
  label  = diagnosis
  contract {
    radius    : float range 0..50
    diagnosis : enum("B", "M")
  }
}
`;

describe("quarantine in the console", () => {
  it("every row quarantined: the run says why, per reason, for how many rows (exit 4)", async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [10 + (i % 5), "malignant"] as [number, string]);
    const r = await run(writeProject(spec, csvOf(["radius", "diagnosis"], rows)).spec);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain("every row was quarantined (40 of 40)");
    expect(r.stderr).toMatch(/diagnosis: "malignant" is not one of "B", "M" for 40 of 40 rows/);
    expect(r.stdout).toMatch(/40 × diagnosis: "malignant" is not one of "B", "M"/);
  }, 60_000);

  it("some rows quarantined: the five most frequent reasons with counts, and a warning above 5%", async () => {
    const rows: Array<[number | string, string]> = Array.from({ length: 100 }, (_, i) => [10 + (i % 5), i % 2 ? "B" : "M"]);
    for (let i = 0; i < 8; i++) rows[i] = [99, "M"];
    rows[10] = [5, "X"];
    const r = await run(writeProject(spec, csvOf(["radius", "diagnosis"], rows)).spec);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("read 100 = accepted 91 + quarantined 9");
    const lines = r.stdout.split("\n").filter((l) => l.includes(" × "));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ +8 × radius: 99 is outside/);
    expect(lines[1]).toMatch(/^ +1 × diagnosis: "X" is not one of "B", "M"/);
    expect(r.stdout).toContain("warning: dataset `d`: 9 of 100 rows (9.0%) quarantined, more than 5%");
  }, 60_000);
});
