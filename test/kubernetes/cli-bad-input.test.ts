/** `mlspec step` and `mlspec compile --target`: every bad input is one clear line and a non-zero exit, never a stack. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCliSnapshot, REPO, runCli } from "../cli/cli-bundle.js";

let cliPath = "";
const dir = mkdtempSync(path.join(os.tmpdir(), "mlspec-k8s-cli-"));
beforeAll(() => {
  cliPath = buildCliSnapshot();
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mlspec = (args: string[]) => runCli(cliPath, args);
const IRIS = path.join(REPO, "examples/iris/iris.mlspec");

function expectClean(r: { status: number | null; stderr: string }, code: number, message: RegExp): void {
  expect(r.status, r.stderr).toBe(code);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

describe("mlspec step: bad input", () => {
  let plan = "";
  beforeAll(async () => {
    plan = path.join(dir, "plan.json");
    expect((await mlspec(["plan", IRIS, "-o", plan])).status).toBe(0);
  });

  it("a plan that is missing, not JSON or not a plan", async () => {
    expectClean(await mlspec(["step", path.join(dir, "none.json"), "validate:iris", "--workspace", dir]), 2, /cannot read the plan .*ENOENT/);
    writeFileSync(path.join(dir, "bad.json"), "{ not json");
    expectClean(await mlspec(["step", path.join(dir, "bad.json"), "validate:iris", "--workspace", dir]), 2, /is not JSON/);
    writeFileSync(path.join(dir, "other.json"), JSON.stringify({ planVersion: 2, steps: [] }));
    expectClean(await mlspec(["step", path.join(dir, "other.json"), "validate:iris", "--workspace", dir]), 2, /is not an mlspec plan/);
  });

  it("a step the plan does not have, naming the ones it has", async () => {
    expectClean(await mlspec(["step", plan, "train:nope", "--workspace", path.join(dir, "ws")]), 2, /no step "train:nope"[\s\S]*its steps: validate:iris, profile:iris/);
  });

  it("no workspace, a PostgreSQL or other registry, a registry that is not the workspace's", async () => {
    expectClean(await mlspec(["step", plan, "validate:iris"]), 2, /--workspace DIR/);
    expectClean(await mlspec(["step", plan, "validate:iris", "--registry", "postgresql://db/mlspec"]), 2, /PostgreSQL registry is not supported yet/);
    expectClean(await mlspec(["step", plan, "validate:iris", "--registry", "s3://bucket/x"]), 2, /s3 registries are not supported/);
    expectClean(await mlspec(["step", plan, "validate:iris", "--registry", "sqlite:/tmp/x/other.db"]), 2, /registry file is named registry\.db/);
    expectClean(await mlspec(["step", plan, "validate:iris", "--registry", "sqlite:/tmp/a/registry.db", "--workspace", "/tmp/b"]), 2, /is not the registry of --workspace/);
    expectClean(await mlspec(["step", plan, "validate:iris", "--workspace", dir, "--parallel", "0"]), 2, /--parallel takes a whole number/);
  });

  it("MLSPEC_REGISTRY stands in for --registry", () => {
    const r = spawnSync(process.execPath, [cliPath, "step", plan, "validate:iris"], { env: { ...process.env, MLSPEC_REGISTRY: "postgresql://db/mlspec", MLSPEC_DEBUG: "" }, encoding: "utf8" });
    expectClean({ status: r.status, stderr: r.stderr }, 2, /PostgreSQL registry is not supported yet/);
  });

  it("data the plan names, missing under --project", async () => {
    expectClean(await mlspec(["step", plan, "validate:iris", "--workspace", path.join(dir, "ws2"), "--project", dir]), 2, /data file not found/);
  });
});

describe("mlspec compile --target: bad input", () => {
  it("no --image, no or an unknown --target, bad --requests, --project-dir or --prometheus", async () => {
    expectClean(await mlspec(["compile", IRIS, "--target", "argo"]), 2, /--image IMAGE is required/);
    expectClean(await mlspec(["compile", IRIS, "--image", "x"]), 2, /--target/);
    expectClean(await mlspec(["compile", IRIS, "--target", "nomad", "--image", "x"]), 2, /Allowed choices are argo, argo-rollouts, kserve/);
    expectClean(await mlspec(["compile", IRIS, "--target", "argo", "--image", "x", "--requests", "train=lots"]), 2, /KIND=CPU,MEMORY/);
    expectClean(await mlspec(["compile", IRIS, "--target", "argo", "--image", "x", "--requests", "trian=1,1Gi"]), 2, /no step kind trian/);
    expectClean(await mlspec(["compile", IRIS, "--target", "argo", "--image", "x", "--project-dir", "project"]), 2, /absolute/);
    expectClean(await mlspec(["compile", IRIS, "--target", "argo-rollouts", "--image", "x", "--prometheus", "prom:9090"]), 2, /http\(s\) URL/);
  });

  it("a missing spec or one with errors", async () => {
    expectClean(await mlspec(["compile", path.join(dir, "none.mlspec"), "--target", "argo", "--image", "x"]), 2, /none\.mlspec/);
    writeFileSync(path.join(dir, "broken.mlspec"), "mlspec 1\nmodel m { task = nope }\n");
    const r = await mlspec(["compile", path.join(dir, "broken.mlspec"), "--target", "argo", "--image", "x"]);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it("writes one file per manifest into --out, and says what it left out", async () => {
    const out = path.join(dir, "out");
    const r = await mlspec(["compile", path.join(REPO, "examples/churn/churn.mlspec"), "--target", "argo-rollouts", "--image", "x", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["analysistemplate-churn-rollout-guards.yaml", "rollout-churn-rollout.yaml"]);
    expect(r.stderr).toMatch(/note: rollout churn_rollout: guard `auc >= champion.auc - 0.01` has no Prometheus series/);
  });
});
