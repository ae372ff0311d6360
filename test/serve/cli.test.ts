/**
 * `mlspec serve` as a process: it prints where it listens once ready, SIGTERM
 * lets in-flight requests finish and exits 0, SIGHUP picks up a moved alias,
 * and what stops it starting is one line on stderr with a non-zero exit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { churnModel, churnRows, churnSpecText, makeProject, slowModel, type TestProject } from "./models.js";

// the real CLI entry, from the TypeScript sources
const ENTRY = fileURLToPath(new URL("../../bin/mlspec.ts", import.meta.url));

interface Cli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function cli(args: string[]): Cli {
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY, "serve", ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  let out = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function listening(run: Cli): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const match = run.stdout().match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    if (match) return match[1]!;
    if (run.child.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start:\n${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let projects: TestProject[] = [];
let children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const p of projects) p.cleanup();
  projects = [];
  children = [];
});

function project(spec: string): TestProject {
  const p = makeProject(spec);
  projects.push(p);
  return p;
}

function start(args: string[]): Cli {
  const run = cli(args);
  children.push(run.child);
  return run;
}

describe("mlspec serve", () => {
  it("on SIGTERM stops taking requests, finishes those in flight and exits 0", async () => {
    // a slow model (tens of ms a row): requests are still queued when the signal comes
    const p = project(churnSpecText({ timeout: "10s", batching: { maxBatch: 4, maxWait: "1ms" } }));
    p.register("churn_mlp", slowModel({ layers: 1 }));
    const run = start([p.specPath, "--port", "0", "--poll", "0"]);
    const url = await listening(run);
    expect(run.stdout()).toContain(`churn_api: POST ${url}/v1/churn_api/predict`);
    const rows = churnRows(16, 24);
    const inFlight = rows.map((row, i) =>
      fetch(`${url}/v1/churn_api/predict`, { method: "POST", headers: { "content-type": "application/json", "x-request-id": `r${i}` }, body: JSON.stringify(row) }),
    );
    await new Promise((r) => setTimeout(r, 50)); // the requests reach the server
    run.child.kill("SIGTERM");
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => a.status)).toEqual(rows.map(() => 200));
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toContain("SIGTERM: finishing in-flight requests, then exiting");
    // every answered request is in the prediction log
    const logged = new Set(p.workspace.registry.readPredictions({ serve: "churn_api" }).map((x) => x.requestId));
    expect(rows.every((_, i) => logged.has(`r${i}`))).toBe(true);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it("on SIGHUP switches to the version the alias points at now", async () => {
    const p = project(churnSpecText());
    p.register("churn_mlp", churnModel({ seed: 41 }).bytes);
    const run = start([p.specPath, "--port", "0", "--poll", "0", "--no-log"]);
    const url = await listening(run);
    const version = async () => ((await (await fetch(`${url}/v1/churn_api/model`)).json()) as { version: number }).version;
    expect(await version()).toBe(1);
    p.register("churn_mlp", churnModel({ seed: 42 }).bytes);
    expect(await version()).toBe(1); // no polling: it waits for the signal
    run.child.kill("SIGHUP");
    const deadline = Date.now() + 20_000;
    while ((await version()) !== 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(await version()).toBe(2);
    expect(run.stderr()).toContain("churn_api: switched churn_mlp from version 1 to 2 (primary)");
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  });

  it("says in one line what stops it starting, with a non-zero exit and no stack trace", async () => {
    const empty = project(churnSpecText());
    const broken = project(churnSpecText());
    writeFileSync(broken.specPath, churnSpecText().replace("standardize(tenure)", "standardize(tenur)"));
    const ok = project(churnSpecText());
    ok.register("churn_mlp", churnModel({ seed: 1 }).bytes);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const cases: Array<[string[], number, RegExp]> = [
        [[join(empty.dir, "missing.mlspec")], 2, /^mlspec: cannot read .*missing\.mlspec: no such file$/],
        [[broken.specPath], 1, /^mlspec: .*project\.mlspec: 1 error, first error\[E\d+\] at \d+:\d+: .*tenur.*mlspec check/],
        [[empty.specPath, "--port", "0"], 1, /^mlspec: serve churn_api: nothing to serve for churn_mlp@champion: no model named churn_mlp in the registry$/],
        [[ok.specPath, "--port", String(port), "--no-log"], 1, /^mlspec: cannot listen on 127\.0\.0\.1:\d+: the port is in use; choose another with --port$/],
        [[ok.specPath, "--port", "http"], 2, /^mlspec: --port must be an integer from 0 to 65535, got "http"$/],
        [[ok.specPath, "--workspace", join(ok.dir, "nowhere")], 1, /^mlspec: no workspace at .*nowhere: train and register a model first/],
      ];
      await Promise.all(
        cases.map(async ([args, code, message]) => {
          const run = start(args);
          expect(await run.exited, run.stderr()).toBe(code);
          const lines = run.stderr().trim().split("\n").filter((l) => l.startsWith("mlspec:"));
          expect(lines, run.stderr()).toHaveLength(1);
          expect(lines[0]).toMatch(message);
          expect(run.stderr()).not.toMatch(/\n\s+at /);
        }),
      );
    } finally {
      taken.close();
    }
  }, 120_000); // six CLI starts at once: slow on a loaded 2-core machine, not a measure of anything
});
