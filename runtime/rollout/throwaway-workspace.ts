/**
 * A throwaway copy of a project for rehearsals (`mlspec rollout replay` with its monitor):
 * the spec's folder (without workspaces, .git, node_modules) and the workspace, copied
 * into a temporary folder, so that what the rehearsal writes — predictions, firings,
 * retrainings, new versions, alias moves — never reaches the user's workspace. The
 * registry is copied with `VACUUM INTO` from a read-only connection: a consistent
 * snapshot even while a server writes to the original.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DATABASE_FILENAME, DEFAULT_WORKSPACE_DIRNAME } from "../workspace/workspace.js";

const require = createRequire(import.meta.url);
const BetterSqlite3 = require("better-sqlite3") as new (file: string, options: { readonly: boolean; fileMustExist: boolean }) => { prepare(sql: string): { run(...p: unknown[]): unknown }; close(): void };

const SKIPPED_DIRS = new Set([DEFAULT_WORKSPACE_DIRNAME, ".git", "node_modules"]);

export interface ThrowawayCopy {
  /** The copy of the spec file. */
  specPath: string;
  /** The copy's folder (the spec's folder's copy). */
  projectDir: string;
  /** The copy of the workspace. */
  workspaceDir: string;
  remove(): void;
}

export function throwawayCopy(specPath: string, workspaceDir: string): ThrowawayCopy {
  const root = mkdtempSync(path.join(tmpdir(), "mlspec-rehearsal-"));
  try {
    const specDir = path.dirname(path.resolve(specPath));
    const wsDir = path.resolve(workspaceDir);
    const projectDir = path.join(root, "project");
    cpSync(specDir, projectDir, { recursive: true, filter: (src) => path.resolve(src) !== wsDir && !SKIPPED_DIRS.has(path.basename(src)) });
    const copyWs = path.join(projectDir, DEFAULT_WORKSPACE_DIRNAME);
    // the workspace's files but its database (and that database's journal files)
    cpSync(wsDir, copyWs, { recursive: true, filter: (src) => !path.basename(src).startsWith(DATABASE_FILENAME) });
    const db = new BetterSqlite3(path.join(wsDir, DATABASE_FILENAME), { readonly: true, fileMustExist: true });
    try {
      db.prepare("VACUUM INTO ?").run(path.join(copyWs, DATABASE_FILENAME));
    } finally {
      db.close();
    }
    return { specPath: path.join(projectDir, path.basename(specPath)), projectDir, workspaceDir: copyWs, remove: () => rmSync(root, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
