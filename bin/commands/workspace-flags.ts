/**
 * What every command over an existing workspace shares: `--workspace DIR` or
 * `--spec FILE`, opening that workspace, and who runs the command (for the
 * alias and rollout histories).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import type { Command } from "commander";
import { requireReadableSpec } from "../../compiler/load-spec.js";
import { CliError } from "../cli-error.js";

/** Who runs this command, for the alias history. */
export function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? "unknown user";
  }
}

export interface WorkspaceFlags {
  workspace?: string;
  spec?: string;
}

/** `--workspace DIR` or `--spec FILE`, on every command that reads a workspace. */
export function workspaceOptions(command: Command): Command {
  return command
    .option("-w, --workspace <dir>", "workspace directory (default: the nearest .mlspec in this directory or a parent)")
    .option("--spec <file>", "use the workspace of this spec (.mlspec beside it)");
}

/**
 * The workspace given (`--workspace`), the one beside the spec given (`--spec`,
 * as `run` and `serve` use), or the nearest `.mlspec` from here up; it must
 * exist for read-only commands.
 */
export async function openExisting(opts: WorkspaceFlags) {
  const { defaultWorkspaceDir, findWorkspaceDir, openWorkspace, DATABASE_FILENAME } = await import("../../runtime/workspace/workspace.js");
  if (opts.workspace !== undefined && opts.spec !== undefined) throw new CliError("give --workspace DIR or --spec FILE, not both");
  if (opts.spec !== undefined) requireReadableSpec(opts.spec);
  const dir = opts.workspace ?? (opts.spec !== undefined ? defaultWorkspaceDir(opts.spec) : findWorkspaceDir(process.cwd()));
  if (dir === undefined) {
    throw new CliError(`no workspace (.mlspec) in ${process.cwd()} or any parent; run \`mlspec run SPEC\` first, or pass --workspace DIR or --spec FILE`);
  }
  if (!fs.existsSync(`${dir}/${DATABASE_FILENAME}`)) {
    throw new CliError(`no workspace at ${dir}; run \`mlspec run SPEC\` first, or pass --workspace DIR or --spec FILE`);
  }
  try {
    return openWorkspace(dir);
  } catch (e) {
    throw new CliError(`cannot open the workspace ${dir}: ${(e as Error).message}`);
  }
}
