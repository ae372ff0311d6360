/**
 * `mlspec init` through the real binary: on each shipped example's data it writes a spec that
 * checks clean and is already formatted; JSON Lines and Parquet are read too; it never
 * overwrites, and bad input is a one-line message with exit 2.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataSession } from "../../runtime/data/session.js";
import { removeTempDirs, tempDir } from "../run/fixtures.js";
import { buildCliSnapshot, REPO, runCli } from "./cli-bundle.js";

let cliPath = "";
beforeAll(() => {
  cliPath = buildCliSnapshot();
}, 120_000);
afterAll(() => removeTempDirs());

const EXAMPLES: Array<[string, string, string, string]> = [
  ["churn", "customers.csv", "churned", "binary"],
  ["credit", "applicants.csv", "defaulted", "binary"],
  ["housing", "houses.csv", "price", "regression"],
  ["iris", "iris.csv", "species", "multiclass"],
  ["movies", "ratings.csv", "rating", "regression"],
];

/** A project folder holding a copy of one example's data file under data/. */
function projectWith(example: string, file: string): string {
  const dir = tempDir("mlspec-init-");
  mkdirSync(path.join(dir, "data"));
  cpSync(path.join(REPO, "examples", example, "data", file), path.join(dir, "data", file));
  return dir;
}

describe("mlspec init on the shipped examples' data", () => {
  for (const [example, file, label, task] of EXAMPLES) {
    it(`${example}: a ${task} spec that checks clean and is formatted`, async () => {
      const dir = projectWith(example, file);
      const init = await runCli(cliPath, ["init", `data/${file}`, "--label", label], dir);
      expect(init.stderr).toBe("");
      expect(init.status).toBe(0);
      const spec = file.replace(/\.csv$/, ".mlspec");
      expect(init.stdout).toContain(`wrote ${spec}: ${task}`);
      const text = readFileSync(path.join(dir, spec), "utf8");
      expect(text).toContain(`source = csv("data/${file}")`);
      expect(text).toMatch(/# seen .* widened by 10% of the span/);
      const check = await runCli(cliPath, ["check", spec], dir);
      expect(check.status, check.stdout + check.stderr).toBe(0);
      expect(check.stdout + check.stderr).toContain("no problems");
      expect((await runCli(cliPath, ["fmt", "--check", spec], dir)).status).toBe(0);
    }, 60_000);
  }

  it("writes what it inferred about churn's columns", async () => {
    const dir = projectWith("churn", "customers.csv");
    await runCli(cliPath, ["init", "data/customers.csv", "--label", "churned", "--out", "churn.mlspec"], dir);
    const text = readFileSync(path.join(dir, "churn.mlspec"), "utf8");
    expect(text).toMatch(/customer_id +: string unique +# every value distinct: an id/);
    expect(text).toMatch(/tenure +: int range 0\.\.140 +# seen 0\.\.120/);
    expect(text).toMatch(/monthly +: float range 0\.\.5100 nulls <= 2% +# .*0\.90% null seen/);
    expect(text).toMatch(/plan +: enum\("basic", "enterprise", "pro"\)/);
    expect(text).toMatch(/rows >= 1000 +# 2000 rows read/);
    expect(text).toContain("monthly_z       = impute(monthly, strategy = median) |> standardize");
    expect(text).toContain("plan_oh         = onehot(plan)");
    expect(text).toContain("# not a feature: customer_id, an id");
    expect(text).toMatch(/model customers_linear[\s\S]*arch += linear\(\)/);
    expect(text).toMatch(/model customers_mlp[\s\S]*arch += mlp\(/);
    expect(text).toMatch(/serve customers_api \{\s+model += customers_mlp@champion\s+fallback = customers_linear@champion/);
  }, 60_000);
});

describe("mlspec init reads JSON Lines and Parquet", () => {
  const rows = Array.from({ length: 60 }, (_, i) => ({ id: `r${i}`, x: i % 7, kind: ["a", "b", "c"][i % 3], y: i % 2 === 0 }));

  it("a .jsonl file", async () => {
    const dir = tempDir("mlspec-init-");
    writeFileSync(path.join(dir, "rows.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const init = await runCli(cliPath, ["init", "rows.jsonl", "--label", "y"], dir);
    expect(init.status, init.stderr).toBe(0);
    const text = readFileSync(path.join(dir, "rows.mlspec"), "utf8");
    expect(text).toContain('source = jsonl("rows.jsonl")');
    expect(text).toMatch(/kind +: enum\("a", "b", "c"\)/);
    expect((await runCli(cliPath, ["check", "rows.mlspec"], dir)).status).toBe(0);
  }, 60_000);

  it("a .parquet file", async () => {
    const dir = tempDir("mlspec-init-");
    const session = await DataSession.open();
    try {
      const values = rows.map((r) => `('${r.id}', ${r.x}, '${r.kind}', ${r.y})`).join(", ");
      await session.run(`COPY (SELECT * FROM (VALUES ${values}) t(id, x, kind, y)) TO '${path.join(dir, "rows.parquet")}' (FORMAT parquet)`);
    } finally {
      session.close();
    }
    const init = await runCli(cliPath, ["init", "rows.parquet", "--label", "y", "--out", "p.mlspec"], dir);
    expect(init.status, init.stderr).toBe(0);
    expect(readFileSync(path.join(dir, "p.mlspec"), "utf8")).toContain('source = parquet("rows.parquet")');
    expect((await runCli(cliPath, ["check", "p.mlspec"], dir)).status).toBe(0);
  }, 60_000);
});

describe("mlspec init refuses", () => {
  it("to overwrite a file, a missing label, a --task that does not fit, data outside the spec's folder, an unknown format", async () => {
    const dir = projectWith("iris", "iris.csv");
    writeFileSync(path.join(dir, "iris.mlspec"), "keep me");
    const cases: Array<[string[], RegExp]> = [
      [["init", "data/iris.csv", "--label", "species"], /iris\.mlspec exists; init never overwrites a file/],
      [["init", "data/iris.csv", "--label", "kind", "--out", "a.mlspec"], /the file has no column `kind`; its columns are sepal_length, /],
      [["init", "data/iris.csv", "--label", "species", "--task", "regression", "--out", "a.mlspec"], /--task regression does not fit the label `species`/],
      [["init", "data/iris.csv", "--label", "species", "--out", "data/sub/a.mlspec"], /the folder .* does not exist/],
      [["init", "iris.mlspec", "--label", "species", "--out", "a.mlspec"], /cannot tell the format of iris\.mlspec/],
      [["init", "data/none.csv", "--label", "species", "--out", "a.mlspec"], /cannot read data\/none\.csv: no such file/],
    ];
    mkdirSync(path.join(dir, "data", "deeper"));
    cpSync(path.join(dir, "data", "iris.csv"), path.join(dir, "outside.csv"));
    cases.push([["init", "../outside.csv", "--label", "species", "--out", "a.mlspec"], /does not hold \.\.\/outside\.csv; a spec reads only files inside its own folder/]);
    for (const [args, message] of cases) {
      const r = await runCli(cliPath, args, args.includes("../outside.csv") ? path.join(dir, "data") : dir);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    expect(readFileSync(path.join(dir, "iris.mlspec"), "utf8")).toBe("keep me");
    expect(existsSync(path.join(dir, "a.mlspec"))).toBe(false);
  }, 60_000);
});
