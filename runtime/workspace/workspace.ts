/**
 * A workspace is the directory next to a spec (`.mlspec/` by default) that
 * holds everything mlspec produces: content-addressed artifacts, the registry
 * database, quarantined rows and in-progress checkpoints. Opening one creates
 * what is missing and removes temp files left by writers that crashed.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ArtifactStore, removeStaleTempFiles, writeFileAtomic } from "./artifacts.js";
import { WorkspaceError } from "./errors.js";
import { Registry, type RegistryOptions } from "./registry.js";

export const DEFAULT_WORKSPACE_DIRNAME = ".mlspec";
export const DATABASE_FILENAME = "registry.db";

export interface WorkspaceOptions {
  /** ms since the epoch for every timestamp written (default Date.now); inject one for deterministic tests. */
  clock?: () => number;
  /** How long a write waits for another process's transaction (default 5000 ms). */
  busyTimeoutMs?: number;
  /** How runs are marked and judged alive (tests inject a process table); see RegistryOptions. */
  liveness?: RegistryOptions["liveness"];
  heartbeatMs?: number;
}

export interface Workspace {
  readonly root: string;
  readonly artifacts: ArtifactStore;
  readonly registry: Registry;
  readonly databasePath: string;
  /** Rejected input rows, one file per dataset load (written with writeFileAtomic). */
  readonly quarantineDir: string;
  /** Scratch space for checkpoints being assembled; finished ones go to the artifact store. */
  readonly checkpointsDir: string;
  /** Temp files from crashed writers that this open removed. */
  readonly removedTempFiles: readonly string[];
  close(): void;
}

/** `.mlspec/` beside the spec file. */
export function defaultWorkspaceDir(specPath: string): string {
  return join(dirname(resolve(specPath)), DEFAULT_WORKSPACE_DIRNAME);
}

/**
 * The workspace of a command run in `from` without `--workspace` or a spec: the
 * nearest `.mlspec/` holding a registry, in `from` or a parent, the way git
 * finds `.git`. Undefined when there is none.
 */
export function findWorkspaceDir(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, DEFAULT_WORKSPACE_DIRNAME);
    if (existsSync(join(candidate, DATABASE_FILENAME))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function ensureDirectory(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new WorkspaceError("WORKSPACE_NOT_A_DIRECTORY", `workspace path ${dir} exists and is not a directory`);
  }
  mkdirSync(dir, { recursive: true });
}

export function openWorkspace(dir: string, options: WorkspaceOptions = {}): Workspace {
  const root = resolve(dir);
  const artifactsDir = join(root, "artifacts");
  const quarantineDir = join(root, "quarantine");
  const checkpointsDir = join(root, "checkpoints");
  for (const path of [root, artifactsDir, quarantineDir, checkpointsDir]) ensureDirectory(path);
  // generated state, not source: keep it out of the user's git by default
  const gitignore = join(root, ".gitignore");
  if (!existsSync(gitignore)) writeFileAtomic(gitignore, "# mlspec workspace: generated, do not commit\n*\n");

  const removedTempFiles = [
    ...removeStaleTempFiles(root),
    ...removeStaleTempFiles(artifactsDir, { recursive: true }),
    ...removeStaleTempFiles(quarantineDir, { recursive: true }),
    ...removeStaleTempFiles(checkpointsDir, { recursive: true }),
  ];

  const databasePath = join(root, DATABASE_FILENAME);
  // the store and the registry refer to each other: the store records into the
  // registry's index, the registry checks that named artifacts exist
  let artifacts: ArtifactStore | undefined;
  const registry = Registry.open(databasePath, {
    clock: options.clock,
    busyTimeoutMs: options.busyTimeoutMs,
    ...(options.liveness ? { liveness: options.liveness } : {}),
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
    artifactExists: (sha) => artifacts!.has(sha),
  });
  artifacts = new ArtifactStore(artifactsDir, { index: registry });

  return {
    root,
    artifacts,
    registry,
    databasePath,
    quarantineDir,
    checkpointsDir,
    removedTempFiles,
    close: () => registry.close(),
  };
}

export interface WorkspaceCheck {
  ok: boolean;
  problems: string[];
}

/**
 * Check a workspace the way `mlspec doctor` would: the database passes
 * SQLite's integrity check and every artifact the registry names (versions,
 * checkpoints) exists and hashes to its name. `deep` also re-hashes every
 * stored artifact.
 */
export function verifyWorkspace(workspace: Workspace, options: { deep?: boolean } = {}): WorkspaceCheck {
  const problems: string[] = [];
  const integrity = workspace.registry.integrityCheck();
  if (integrity.length !== 1 || integrity[0] !== "ok") {
    problems.push(...integrity.map((line) => `database: ${line}`));
  }
  const referenced = new Map<string, string>();
  for (const version of workspace.registry.listVersions()) {
    referenced.set(version.artifactSha256, `model ${version.name} version ${version.version}`);
  }
  const checkpoints = workspace.registry.db
    .prepare("SELECT run_id, epoch, artifact_sha256 FROM checkpoints")
    .all() as { run_id: number; epoch: number; artifact_sha256: string }[];
  for (const checkpoint of checkpoints) {
    if (!referenced.has(checkpoint.artifact_sha256)) {
      referenced.set(checkpoint.artifact_sha256, `checkpoint of run ${checkpoint.run_id} epoch ${checkpoint.epoch}`);
    }
  }
  for (const [sha, owner] of referenced) {
    const check = workspace.artifacts.verify(sha);
    if (check !== "ok") problems.push(`${owner}: artifact ${sha} is ${check}`);
  }
  if (options.deep) {
    for (const sha of workspace.artifacts.list()) {
      if (referenced.has(sha)) continue;
      const check = workspace.artifacts.verify(sha);
      if (check !== "ok") problems.push(`artifact ${sha} is ${check}`);
    }
  }
  return { ok: problems.length === 0, problems };
}
