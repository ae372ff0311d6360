/**
 * README's "From your own CSV" walk-through, command by command, with the real binary on a copy
 * of examples/iris: init → run → serve (one request, then SIGTERM) → predict.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "../run/fixtures.js";
import { buildCliSnapshot, REPO, runCli } from "./cli-bundle.js";

let cliPath = "";
beforeAll(() => {
  cliPath = buildCliSnapshot();
}, 120_000);
afterAll(() => removeTempDirs());

/** Starts `mlspec serve`, waits for its address, posts one row, stops it with SIGTERM. */
function serveOnce(dir: string, spec: string, row: unknown): Promise<{ answer: unknown; status: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, "serve", spec, "--port", "0"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    let answer: unknown;
    const timer = setTimeout(() => (child.kill("SIGKILL"), reject(new Error(`serve did not answer: ${out}`))), 60_000);
    child.stdout.setEncoding("utf8").on("data", async (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m || answer !== undefined) return;
      answer = null;
      try {
        const res = await fetch(`${m[1]}/v1/iris_api/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(row) });
        answer = await res.json();
      } finally {
        child.kill("SIGTERM");
      }
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("close", (status) => (clearTimeout(timer), resolve({ answer, status })));
  });
}

describe("From your own CSV (README)", () => {
  it("init → run → serve → predict on examples/iris/data/iris.csv", async () => {
    const dir = tempDir("mlspec-own-csv-");
    cpSync(path.join(REPO, "examples", "iris", "data"), path.join(dir, "examples", "iris", "data"), { recursive: true });
    const spec = "examples/iris/my-iris.mlspec";

    const init = await runCli(cliPath, ["init", "examples/iris/data/iris.csv", "--label", "species", "--out", spec], dir);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toContain(`wrote ${spec}: multiclass, 5 columns in the contract, 4 as features`);

    const run = await runCli(cliPath, ["run", spec, "--backend", "cpu"], dir);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/iris_mlp +v1 +registered +@champion/);
    expect(run.stdout).toMatch(/baseline \(class prior\): accuracy 0\.3333/);

    const served = await serveOnce(dir, spec, { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });
    expect(served.status).toBe(0);
    expect(served.answer).toMatchObject({ prediction: "setosa", model: { name: "iris_mlp", version: 1 } });

    const predict = await runCli(cliPath, ["predict", spec, "--model", "iris_mlp@champion", "--input", "examples/iris/data/iris.csv", "--out", "scored.csv"], dir);
    expect(predict.status, predict.stderr).toBe(0);
    expect(predict.stderr).toContain("read 150 = scored 150 + quarantined 0");
    const scored = readFileSync(path.join(dir, "scored.csv"), "utf8").trim().split("\n");
    expect(scored[0]).toBe("sepal_length,sepal_width,petal_length,petal_width,species,prediction,probability_setosa,probability_versicolor,probability_virginica");
    expect(scored).toHaveLength(151);
    const right = scored.slice(1).filter((line) => line.split(",")[4] === line.split(",")[5]).length;
    expect(right / 150).toBeGreaterThan(0.9);
    expect(existsSync(path.join(dir, "examples", "iris", ".mlspec"))).toBe(true);
  }, 180_000);
});
