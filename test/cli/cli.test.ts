/**
 * The CLI contract of the compile commands, through the real bundle: exit codes,
 * one-line errors without stacks, the JSON and SARIF diagnostic formats, `plan
 * --out`, `fmt --check`, and `--help` on every command.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "../../compiler/language/parse.js";
import { printFile } from "../../compiler/language/printer.js";
import { buildCliSnapshot, REPO } from "./cli-bundle.js";

let cliPath = "";
let work = "";

beforeAll(() => {
  cliPath = buildCliSnapshot();
  work = mkdtempSync(path.join(tmpdir(), "mlspec-cli-test-"));
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs the CLI; asynchronous so that the concurrent tests overlap their processes. */
function mlspec(args: string[], cwd = REPO): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", MLSPEC_DEBUG: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const CHURN = path.join(REPO, "examples/churn/churn.mlspec");

/** A spec with one error (E0210, an unknown column) and one warning (W0001, an unused block). */
const BROKEN = `mlspec 1

dataset d {
  source = csv("d.csv")
  label  = y
  contract { x : float  y : bool }
}

features f from d {
  xz = standardize(xx)
}

features unused from d {
  x2 = standardize(x)
}

model m {
  task   = binary_classification(target = y)
  inputs = f
  arch   = linear()
}
`;

let written = 0;
/** A spec file of its own for each call: the tests run concurrently. */
function writeSpec(name: string, text: string): string {
  const file = path.join(work, `${written++}-${name}`);
  writeFileSync(file, text);
  return file;
}

function expectNoStack(text: string): void {
  expect(text).not.toMatch(/^\s+at /m);
  expect(text).not.toMatch(/internal error/);
}

describe.concurrent("mlspec check", () => {
  it("exits 0 on a clean spec and says so", async () => {
    const r = await mlspec(["check", CHURN]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/no problems/);
  });

  it("exits 1 when the spec has errors, printing each as a code frame", async () => {
    const r = await mlspec(["check", writeSpec("broken.mlspec", BROKEN)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^error\[E0210\]: unknown column `xx`/m);
    expect(r.stdout).toMatch(/--> .*broken\.mlspec:10:20/);
    expect(r.stdout).toMatch(/= help: did you mean `x`\?/);
    expect(r.stderr).toMatch(/1 error, 1 warning/);
  });

  it("exits 1 with E0006, not an internal error (exit 70), on 300 open parentheses (issue 9)", async () => {
    const file = writeSpec("deep.mlspec", `x = ${"(".repeat(300)}`);
    for (const command of ["check", "plan", "fmt"]) {
      const r = await mlspec([command, file]);
      expect(r.status, command).toBe(1);
      expect(r.stdout + r.stderr).toContain("error[E0006]");
      expectNoStack(r.stderr);
    }
  });

  it("exits 0 when the spec has only warnings", async () => {
    const text = BROKEN.replace("standardize(xx)", "standardize(x)");
    const r = await mlspec(["check", writeSpec("warned.mlspec", text)]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^warning\[W0001\]/m);
  });

  it("shows only errors with --quiet", async () => {
    const r = await mlspec(["check", "--quiet", writeSpec("broken.mlspec", BROKEN)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/E0210/);
    expect(r.stdout).not.toMatch(/W0001/);
  });

  it("exits 2 with one line and no stack for a missing file", async () => {
    const r = await mlspec(["check", path.join(work, "nope.mlspec")]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^mlspec: cannot read .*nope\.mlspec: no such file\n$/);
    expectNoStack(r.stderr);
  });

  it("exits 2 for a directory given as a file", async () => {
    const r = await mlspec(["check", work]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not a file/);
    expectNoStack(r.stderr);
  });

  it("exits 2 on an unknown option, an unknown format and no file", async () => {
    const cases = [["check", "--bogus", CHURN], ["check", "--format", "xml", CHURN], ["check"], ["frobnicate"]];
    const results = await Promise.all(cases.map((args) => mlspec(args)));
    results.forEach((r, i) => {
      expect(r.status, cases[i]!.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expectNoStack(r.stderr);
    });
  });

  it("--allow-read DIR (repeatable) lets a spec read a directory outside its own; a link does not", async () => {
    const base = mkdtempSync(path.join(work, "allow-"));
    const project = path.join(base, "project");
    const outside = path.join(base, "outside");
    mkdirSync(project);
    mkdirSync(outside);
    writeFileSync(path.join(outside, "d.csv"), "x\n1\n");
    symlinkSync(path.join(outside, "d.csv"), path.join(project, "d.csv"));
    const spec = path.join(project, "spec.mlspec");
    writeFileSync(spec, 'mlspec 1\n\ndataset d {\n  source = csv("d.csv")\n  contract {\n    x : int\n  }\n}\n');
    const refused = await mlspec(["check", spec]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/error\[E0111\]: `d\.csv` leads outside the project directory/);
    const allowed = await mlspec(["check", spec, "--allow-read", work, "--allow-read", outside]);
    expect(allowed.status, allowed.stdout + allowed.stderr).toBe(0);
    const missing = await mlspec(["check", spec, "--allow-read", path.join(base, "nope")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^mlspec: --allow-read .*nope: no such directory\n$/);
  });

  it("runs list and models list find the workspace as run makes it: --workspace, --spec, or the nearest .mlspec up from here", async () => {
    const { openWorkspace } = await import("../../runtime/workspace/workspace.js");
    const project = mkdtempSync(path.join(work, "ws-"));
    writeFileSync(path.join(project, "p.mlspec"), "mlspec 1\n");
    const ws = openWorkspace(path.join(project, ".mlspec"));
    try {
      const sha = ws.artifacts.put("model bytes", { kind: "onnx" });
      ws.registry.registerVersion({ name: "m", runId: null, status: "registered", metrics: { auc: 0.9 }, reasons: [], artifactSha256: sha, specHash: "s", dataHash: "d" });
    } finally {
      ws.close();
    }
    const deep = path.join(project, "src", "deeper");
    mkdirSync(deep, { recursive: true });
    const elsewhere = mkdtempSync(path.join(tmpdir(), "mlspec-no-ws-"));
    try {
      const [fromDeep, bySpec, byDir, runsFromDeep, none, both] = await Promise.all([
        mlspec(["models", "list", "--format", "json"], deep),
        mlspec(["models", "list", "--format", "json", "--spec", path.join(project, "p.mlspec")], elsewhere),
        mlspec(["models", "list", "--format", "json", "--workspace", path.join(project, ".mlspec")], elsewhere),
        mlspec(["runs", "list"], deep),
        mlspec(["models", "list"], elsewhere),
        mlspec(["models", "list", "--workspace", project, "--spec", path.join(project, "p.mlspec")], elsewhere),
      ]);
      for (const r of [fromDeep, bySpec, byDir]) {
        expect(r.status, r.stderr).toBe(0);
        expect((JSON.parse(r.stdout) as Array<{ name: string; version: number }>).map((v) => `${v.name}@${v.version}`)).toEqual(["m@1"]);
      }
      expect(runsFromDeep.status, runsFromDeep.stderr).toBe(0);
      expect(none.status).toBe(2);
      expect(none.stderr).toMatch(/^mlspec: no workspace \(\.mlspec\) in .* or any parent; run `mlspec run SPEC` first, or pass --workspace DIR or --spec FILE\n$/);
      expect(both.status).toBe(2);
      expect(both.stderr).toMatch(/not both/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it("the README lists exit code 70 (internal error) and asks to report it", () => {
    const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
    expect(readme).toMatch(/exits \*\*70\*\* on an internal error/);
    expect(readme).toMatch(/Please report it/);
    // and the CLI says the same when it happens
    expect(readFileSync(path.join(REPO, "bin", "mlspec.ts"), "utf8")).toMatch(/this is a bug in mlspec; please report it/);
  });

  it("checks several files and fails when any has errors", async () => {
    const r = await mlspec(["check", CHURN, writeSpec("broken.mlspec", BROKEN)]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/2 files: 1 error, 1 warning/);
  });

  it("--format json prints exactly {diagnostics: [...]} with the documented fields", async () => {
    const file = writeSpec("broken.mlspec", BROKEN);
    const r = await mlspec(["check", "--format", "json", file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { diagnostics: Array<Record<string, unknown>> };
    expect(Object.keys(out)).toEqual(["diagnostics"]);
    expect(out.diagnostics).toHaveLength(2);
    for (const d of out.diagnostics) {
      expect(Object.keys(d)).toEqual(["code", "severity", "message", "file", "line", "column", "endLine", "endColumn", "help"]);
      expect(d.code).toMatch(/^[EW]\d{4}$/);
      expect(["error", "warning"]).toContain(d.severity);
      for (const k of ["line", "column", "endLine", "endColumn"]) expect(Number.isInteger(d[k]) && (d[k] as number) >= 1).toBe(true);
      expect(typeof d.message).toBe("string");
      expect(d.help === null || typeof d.help === "string").toBe(true);
    }
    const error = out.diagnostics.find((d) => d.severity === "error")!;
    expect(error).toEqual({
      code: "E0210",
      severity: "error",
      message: "unknown column `xx` in dataset `d`",
      file: error.file,
      line: 10,
      column: 20,
      endLine: 10,
      endColumn: 22,
      help: "did you mean `x`?",
    });
    expect(String(error.file).endsWith("broken.mlspec")).toBe(true);
  });

  it("--format json prints an empty list for a clean spec", async () => {
    const r = await mlspec(["check", "--format", "json", CHURN]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ diagnostics: [] });
  });

  it("--format sarif prints a SARIF 2.1.0 log", async () => {
    const r = await mlspec(["check", "--format", "sarif", writeSpec("broken.mlspec", BROKEN)]);
    expect(r.status).toBe(1);
    const log = JSON.parse(r.stdout) as any;
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe("mlspec");
    expect(typeof run.tool.driver.version).toBe("string");
    const ruleIds = run.tool.driver.rules.map((x: any) => x.id);
    expect(ruleIds).toEqual(["E0210", "W0001"]);
    expect(run.results).toHaveLength(2);
    for (const res of run.results) {
      expect(ruleIds[res.ruleIndex]).toBe(res.ruleId);
      expect(["error", "warning", "note", "none"]).toContain(res.level);
      expect(typeof res.message.text).toBe("string");
      const loc = res.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).toMatch(/broken\.mlspec$/);
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(loc.region.startColumn).toBeGreaterThanOrEqual(1);
    }
    expect(run.results.find((x: any) => x.ruleId === "E0210").level).toBe("error");
    expect(run.results.find((x: any) => x.ruleId === "W0001").level).toBe("warning");
  });
});

describe.concurrent("mlspec plan", () => {
  it("prints the plan on stdout", async () => {
    const r = await mlspec(["plan", CHURN]);
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.planVersion).toBe(1);
    expect(r.stdout).toBe(readFileSync(path.join(REPO, "test/plan/golden/churn.plan.json"), "utf8"));
  });

  it("--out writes the same plan to a file and nothing to stdout", async () => {
    const out = path.join(work, "churn.plan.json");
    const r = await mlspec(["plan", CHURN, "--out", out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/plan written to/);
    expect(readFileSync(out, "utf8")).toBe((await mlspec(["plan", CHURN])).stdout);
  });

  it("exits 1 without writing a plan when the spec has errors", async () => {
    const out = path.join(work, "broken.plan.json");
    const r = await mlspec(["plan", writeSpec("broken.mlspec", BROKEN), "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/E0210/);
    expect(r.stderr).toMatch(/no plan/);
    expect(existsSync(out)).toBe(false);
  });

  it("exits 2 for a missing file or an unwritable --out", async () => {
    expect((await mlspec(["plan", path.join(work, "nope.mlspec")])).status).toBe(2);
    const r = await mlspec(["plan", CHURN, "--out", path.join(work, "no-such-dir", "plan.json")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^mlspec: cannot write /);
    expectNoStack(r.stderr);
  });
});

describe.concurrent("mlspec fmt", () => {
  const messy = readFileSync(CHURN, "utf8").replace(/ {2}/g, "    ").replace(/ = /g, "=");

  it("--check exits 1 and lists an unformatted file, changing nothing", async () => {
    const file = writeSpec("messy.mlspec", messy);
    const r = await mlspec(["fmt", "--check", file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(`${file}\n`);
    expect(readFileSync(file, "utf8")).toBe(messy);
  });

  it("formats in place; --check then exits 0", async () => {
    const file = writeSpec("messy.mlspec", messy);
    expect((await mlspec(["fmt", file])).status).toBe(0);
    const formatted = readFileSync(file, "utf8");
    expect(formatted).toBe(printFile(parse(messy).file));
    const r = await mlspec(["fmt", "--check", file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
  });

  it("leaves a formatted file untouched", async () => {
    const formatted = printFile(parse(readFileSync(CHURN, "utf8")).file);
    const file = writeSpec("formatted.mlspec", formatted);
    const r = await mlspec(["fmt", file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(readFileSync(file, "utf8")).toBe(formatted);
  });

  it("exits 1 on a file with syntax errors and does not rewrite it", async () => {
    const bad = "mlspec 1\ndataset d {\n  source = \n";
    const file = writeSpec("syntax.mlspec", bad);
    const r = await mlspec(["fmt", file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not formatted, it has errors/);
    expect(readFileSync(file, "utf8")).toBe(bad);
  });

  // issue 9: each of these was rewritten (`objective = ?`, `mlspec NaN`, `mlspec
  // Infinity`, `at,`) and reported as "formatted"
  it.each([
    ["objective = maximize val.auc", "objective = maximize van(warmup = 3)", "E0003"],
    ["mlspec 1", "mlspec 1y", "E0102"],
    ["mlspec 1", "mlspec 1e999", "E0102"],
    ["at most 1 per 1d", "at mostz1 per 1d", "E0607"],
  ])("refuses a file with an error (%s → %s) and leaves it as it was", async (from, to, code) => {
    const text = readFileSync(CHURN, "utf8").replace(from, to);
    const file = writeSpec("with-error.mlspec", text);
    const r = await mlspec(["fmt", file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error[${code}]`);
    expect(r.stderr).not.toMatch(/^formatted/m);
    expect(readFileSync(file, "utf8")).toBe(text);
  });

  it("exits 2 for a missing file", async () => {
    expect((await mlspec(["fmt", path.join(work, "nope.mlspec")])).status).toBe(2);
  });
});

describe.concurrent("help", () => {
  it("`mlspec --help` and `--version` exit 0", async () => {
    const help = await mlspec(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: mlspec/);
    expect((await mlspec(["--version"])).status).toBe(0);
  });

  it("every command answers --help with exit 0", async () => {
    const listed = (await mlspec(["--help"])).stdout.split("Commands:")[1] ?? "";
    const commands = [...listed.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((c) => c !== "help");
    expect(commands).toEqual(expect.arrayContaining(["check", "plan", "fmt"]));
    const results = await Promise.all(commands.map((c) => mlspec([c, "--help"])));
    results.forEach((r, i) => {
      expect(r.status, commands[i]).toBe(0);
      expect(r.stdout, commands[i]).toMatch(new RegExp(`Usage: mlspec ${commands[i]}`));
    });
  });
});
