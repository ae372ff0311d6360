/**
 * The CLI under test is the real bundle, dist/mlspec.mjs, built with
 * `npm run build` when it is missing or older than a source file. Other test files
 * rebuild dist/ while tests run (the build deletes it first), so the bundle is
 * copied into a private folder under node_modules/.cache, where its external
 * imports still resolve to the installed packages, and run from there.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
const DIST = path.join(REPO, "dist");
const BUNDLE = path.join(DIST, "mlspec.mjs");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith(".ts") || entry.name.endsWith(".mjs")) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

export function bundleIsStale(): boolean {
  if (!existsSync(BUNDLE)) return true;
  const built = statSync(BUNDLE).mtimeMs;
  const sources = Math.max(...["bin", "compiler", "stdlib", "runtime"].map((d) => newestSource(path.join(REPO, d))), statSync(path.join(REPO, "index.ts")).mtimeMs);
  return sources > built;
}

const made: string[] = [];
process.on("exit", () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Builds dist/ when needed and returns the path of a private copy of the bundle. */
export function buildCliSnapshot(): string {
  for (let attempt = 0; ; attempt++) {
    try {
      if (bundleIsStale()) execFileSync("npm", ["run", "build"], { cwd: REPO, stdio: "pipe" });
      const base = path.join(REPO, "node_modules", ".cache");
      mkdirSync(base, { recursive: true });
      const dir = mkdtempSync(path.join(base, "mlspec-cli-snapshot-"));
      made.push(dir);
      cpSync(DIST, dir, { recursive: true });
      return path.join(dir, "mlspec.mjs");
    } catch (e) {
      // another process may be rebuilding dist/ at this moment
      if (attempt >= 2) throw e;
    }
  }
}

/** Runs the bundle at `cliPath` with `args`; resolves with its exit status and output. */
export function runCli(cliPath: string, args: string[], cwd = REPO): Promise<{ status: number | null; stdout: string; stderr: string }> {
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
