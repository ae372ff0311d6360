/**
 * kill -9 a process that is writing to a workspace, several times at random
 * moments, then check that the workspace reopens in a consistent last good
 * state. The writer is test/workspace/fixtures/crash-writer.ts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Rng } from "../../core/rng.js";
import { TEMP_PREFIX } from "../../runtime/workspace/artifacts.js";
import { openWorkspace, verifyWorkspace } from "../../runtime/workspace/workspace.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../..");
const writerScript = join(here, "fixtures", "crash-writer.ts");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mlspec-crash-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function startWriter(workspaceDir: string, ...args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", writerScript, workspaceDir, ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Resolve with the child's stdout so far once `ready(stdout)` holds; reject if it exits first. */
function waitForOutput(child: ChildProcess, ready: (stdout: string) => boolean): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let stdout = "";
    let stderr = "";
    const onExit = (code: number | null) =>
      reject(new Error(`writer exited early (code ${code}):\n${stderr || stdout}`));
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (ready(stdout)) {
        child.off("exit", onExit);
        resolvePromise(stdout);
      }
    });
    child.once("exit", onExit);
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolvePromise();
    child.once("exit", () => resolvePromise());
    child.kill("SIGKILL");
  });
}

function tempFiles(root: string): string[] {
  return (readdirSync(root, { recursive: true, encoding: "utf8" }) as string[]).filter((path) =>
    path.split("/").pop()!.startsWith(TEMP_PREFIX),
  );
}

describe("crash safety", () => {
  it("leaves the last good state after repeated kill -9", { timeout: 90_000 }, async () => {
    const workspaceDir = join(dir, ".mlspec");
    const rng = new Rng(20250601);

    for (let round = 0; round < 5; round++) {
      const child = startWriter(workspaceDir, "loop", String(round + 1));
      const iterations = rng.int(1, 12);
      await waitForOutput(child, (out) => out.split("\n").filter((line) => line.startsWith("iter ")).length >= iterations);
      // a random moment inside a later round: mid-artifact, mid-transaction or between writes
      await new Promise((r) => setTimeout(r, rng.int(0, 25)));
      await killHard(child);
    }

    // one kill that surely lands mid-write and mid-transaction
    const staller = startWriter(workspaceDir, "stall");
    const stalledOutput = await waitForOutput(staller, (out) => out.includes("\n"));
    const stalledTemp = stalledOutput.trim().replace(/^stalled /, "");
    await killHard(staller);
    expect(existsSync(stalledTemp)).toBe(true);

    const ws = openWorkspace(workspaceDir);
    try {
      // the dead writers' temp files are removed on open and were never artifacts
      expect(ws.removedTempFiles).toContain(stalledTemp);
      expect(tempFiles(ws.root)).toEqual([]);
      expect(ws.artifacts.list().every((sha) => /^[0-9a-f]{64}$/.test(sha))).toBe(true);

      expect(ws.registry.integrityCheck()).toEqual(["ok"]);
      expect(verifyWorkspace(ws, { deep: true })).toEqual({ ok: true, problems: [] });

      // every registered version's artifact exists and hash-verifies; numbering has no gaps
      const versions = ws.registry.listVersions();
      expect(versions.length).toBeGreaterThan(0);
      const byName = new Map<string, number[]>();
      for (const version of versions) {
        expect(ws.artifacts.verify(version.artifactSha256)).toBe("ok");
        expect(ws.artifacts.get(version.artifactSha256).toString("utf8", 0, 6)).toBe("model ");
        byName.set(version.name, [...(byName.get(version.name) ?? []), version.version]);
        if (version.runId !== null) expect(ws.registry.getRun(version.runId).modelName).toBe(version.name);
      }
      for (const numbers of byName.values()) {
        expect(numbers).toEqual(numbers.map((_, i) => i + 1));
      }
      // the stalled transaction never committed
      expect(byName.has("uncommitted")).toBe(false);

      // aliases point only at registered versions, and resolve to them
      const aliased = versions.filter((version) => version.aliases.length > 0);
      expect(aliased.length).toBeGreaterThan(0);
      for (const version of aliased) {
        expect(version.status).toBe("registered");
        expect(ws.registry.resolve(version.name, "champion").version).toBe(version.version);
      }

      // checkpoints resolve to stored artifacts
      for (const run of ws.registry.listRuns()) {
        const checkpoint = ws.registry.lastCheckpoint(run.id);
        if (checkpoint) expect(ws.artifacts.verify(checkpoint.artifactSha256)).toBe("ok");
      }

      // the prediction log holds only whole rows from committed batches
      const predictions = ws.registry.readPredictions({ serve: "api" });
      expect(predictions.length).toBeGreaterThan(0);
      for (const row of predictions) {
        expect(row.inputs).toMatchObject({ tag: "é✓" });
        expect(typeof (row.output as { p: number }).p).toBe("number");
      }

      // the workspace is still writable, and an interrupted run is found for resuming
      const runs = ws.registry.listRuns({ state: "interrupted" });
      for (const run of runs) {
        expect(ws.registry.findResumableRun(run.specHash, run.dataHash, run.modelName)).toBeDefined();
      }
      const sha = ws.artifacts.put("after the crashes");
      expect(ws.artifacts.getText(sha)).toBe("after the crashes");
    } finally {
      ws.close();
    }
  });

  it("keeps version numbers unique when two processes register at once", { timeout: 60_000 }, async () => {
    const workspaceDir = join(dir, "concurrent");
    const iterationsSeen = (out: string) => out.split("\n").filter((line) => line.startsWith("iter ")).length;
    const writers = [startWriter(workspaceDir, "loop", "101"), startWriter(workspaceDir, "loop", "202")];
    try {
      await Promise.all(writers.map((child) => waitForOutput(child, (out) => iterationsSeen(out) >= 8)));
    } finally {
      await Promise.all(writers.map(killHard));
    }
    const ws = openWorkspace(workspaceDir);
    try {
      expect(verifyWorkspace(ws, { deep: true })).toEqual({ ok: true, problems: [] });
      const byName = new Map<string, number[]>();
      const seedsByName = new Map<string, Set<string>>();
      for (const version of ws.registry.listVersions()) {
        byName.set(version.name, [...(byName.get(version.name) ?? []), version.version]);
        const seed = ws.registry.getRun(version.runId!).seed;
        seedsByName.set(version.name, (seedsByName.get(version.name) ?? new Set()).add(String(seed)));
      }
      for (const numbers of byName.values()) expect(numbers).toEqual(numbers.map((_, i) => i + 1));
      // both writers registered versions of the same models
      expect([...seedsByName.values()].some((seeds) => seeds.size === 2)).toBe(true);
    } finally {
      ws.close();
    }
  });
});
