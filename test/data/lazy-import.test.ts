import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

describe("DuckDB is loaded lazily", () => {
  it("importing the data layer loads no native DuckDB library; opening a session does", () => {
    // process.report lists the shared objects the process has loaded.
    const script = `
      const loaded = () => process.report.getReport().sharedObjects.some((s) => /duckdb/i.test(s));
      const data = await import(${JSON.stringify(resolve(root, "runtime/data/index.ts"))});
      const before = loaded();
      const session = await data.DataSession.open();
      session.close();
      console.log(JSON.stringify({ before, after: loaded() }));`;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
    });
    expect(JSON.parse(out.trim().split("\n").pop()!)).toEqual({ before: false, after: true });
  }, 30_000);
});
