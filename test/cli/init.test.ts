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

/**
 * A breast-cancer-like table: an id, a B/M diagnosis and 30 measurements of ten magnitudes
 * (seeded, so every run writes the same file).
 */
function cellsCsv(rows = 200): string {
  const kinds: Array<[string, number]> = [["radius", 28], ["texture", 39], ["perimeter", 188], ["area", 2501], ["smoothness", 0.16], ["compactness", 0.35], ["concavity", 0.43], ["concave_points", 0.2], ["symmetry", 0.3], ["fractal_dimension", 0.097]];
  const columns = ["mean", "se", "worst"].flatMap((part, p) => kinds.map(([k, hi]) => ({ name: `${k}_${part}`, hi: hi * [1, 0.12, 1.4][p]! })));
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = [["id", "diagnosis", ...columns.map((c) => c.name)].join(",")];
  for (let i = 0; i < rows; i++) {
    const malignant = rand() < 0.37;
    const level = 0.1 + rand() * 0.45 + (malignant ? 0.4 : 0);
    lines.push([842300 + i * 7, malignant ? "M" : "B", ...columns.map((c) => Number((c.hi * Math.min(1, level + (rand() - 0.5) * 0.1)).toPrecision(4)))].join(","));
  }
  return lines.join("\n") + "\n";
}

describe("mlspec init on a 30-column table writes column groups", () => {
  it("a handful of group lines instead of one line per column, checked clean, formatted, and planned column by column", async () => {
    const dir = tempDir("mlspec-init-");
    mkdirSync(path.join(dir, "data"));
    writeFileSync(path.join(dir, "data", "cells.csv"), cellsCsv());
    const init = await runCli(cliPath, ["init", "data/cells.csv", "--label", "diagnosis"], dir);
    expect(init.stderr).toBe("");
    expect(init.stdout).toContain("wrote cells.mlspec: binary, 32 columns in the contract, 30 as features");
    const text = readFileSync(path.join(dir, "cells.mlspec"), "utf8");
    const contract = text.slice(text.indexOf("contract {"), text.indexOf("rows >="));
    const statements = contract.split("\n").filter((l) => /^\s+(each \[|[a-z_]+ +:)/.test(l));
    expect(statements.length).toBeLessThanOrEqual(10);
    expect(text).toMatch(/each \[[^\]]*radius_mean[^\]]*\] : float range 0\.\.100\b/);
    expect(text).toContain("each numeric except id as *_z = standardize");
    expect(text).not.toMatch(/radius_mean_z +=/);
    expect((await runCli(cliPath, ["check", "cells.mlspec"], dir)).status).toBe(0);
    expect((await runCli(cliPath, ["fmt", "--check", "cells.mlspec"], dir)).status).toBe(0);
    const plan = await runCli(cliPath, ["plan", "cells.mlspec"], dir);
    const steps = (JSON.parse(plan.stdout) as { steps: Array<{ kind: string; params: { definitions?: Array<{ name: string }>; contract?: { columns: Array<{ name: string; range?: unknown }> } } }> }).steps;
    const definitions = steps.find((s) => s.kind === "fit_features")!.params.definitions!;
    expect(definitions.map((d) => d.name)).toHaveLength(30);
    expect(definitions[0]!.name).toBe("radius_mean_z");
    const columns = steps.find((s) => s.kind === "validate")!.params.contract!.columns;
    expect(columns).toHaveLength(32);
    expect(columns.find((c) => c.name === "area_mean")!.range).toEqual({ min: 0, max: 10000 });
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
