/**
 * `mlspec report FILE [--workspace DIR] [--out report.html]`: one self-contained HTML page
 * of what the workspace recorded for the spec (runtime/report). The charting libraries load
 * only when the command runs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { CliError } from "../cli-error.js";
import { allowedDirs, allowReadOption } from "./read-access.js";

/** Why `out` cannot be written, or undefined; checked before the report is rendered. */
function unwritable(out: string): string | undefined {
  const dir = path.dirname(path.resolve(out));
  if (fs.existsSync(out) && fs.statSync(out).isDirectory()) return "it is a directory";
  if (!fs.existsSync(dir)) return `its folder ${dir} does not exist`;
  if (!fs.statSync(dir).isDirectory()) return `${dir} is not a directory`;
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    return `${dir} is not writable`;
  }
  return undefined;
}

const WRITE_ERRORS: Record<string, string> = { ENOENT: "its folder does not exist", EISDIR: "it is a directory", EACCES: "permission denied", EPERM: "permission denied", ENOTDIR: "a parent is not a directory", ENOSPC: "no space left on the device" };

interface ReportFlags {
  workspace?: string;
  out?: string;
  allowRead?: string[];
}

export function registerReport(program: Command, setExit: (code: number) => void): void {
  program
    .command("report")
    .description("write one self-contained HTML report (data, training, search, registry, monitoring, rollouts) of the spec's workspace")
    .argument("<file>", "spec file")
    .option("-w, --workspace <dir>", "workspace directory (default: .mlspec beside the spec)")
    .option("-o, --out <path>", "the HTML file to write", "report.html")
    .addOption(allowReadOption())
    .action(async (file: string, flags: ReportFlags) => {
      const out = flags.out ?? "report.html";
      const why = unwritable(out);
      if (why !== undefined) throw new CliError(`cannot write ${out}: ${why}`, 2);
      const { loadPlan } = await import("../../compiler/plan/load-plan.js");
      const { plan } = loadPlan(file, { allowRead: allowedDirs(flags.allowRead) });
      const { runReportCommand, ReportError } = await import("../../runtime/report/workspace-report.js");
      try {
        const { file: written, bytes } = await runReportCommand(file, {
          plan,
          ...(flags.workspace !== undefined ? { workspace: flags.workspace } : {}),
          ...(flags.out !== undefined ? { out: flags.out } : {}),
        });
        process.stderr.write(`report written to ${written} (${(bytes / 1024).toFixed(0)} KiB)\n`);
        setExit(0);
      } catch (error) {
        if (error instanceof ReportError) throw new CliError(error.message, 1);
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== undefined && code in WRITE_ERRORS) throw new CliError(`cannot write ${out}: ${WRITE_ERRORS[code]}`, 2);
        throw error;
      }
    });
}
