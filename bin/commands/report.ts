/**
 * `mlspec report FILE [--workspace DIR] [--out report.html]`: one self-contained HTML page
 * of what the workspace recorded for the spec (runtime/report). The charting libraries load
 * only when the command runs.
 */
import type { Command } from "commander";
import { CliError } from "../cli-error.js";
import { allowedDirs, allowReadOption } from "./read-access.js";

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
      const { loadPlan } = await import("../../compiler/plan/load-plan.js");
      const { plan } = loadPlan(file, { allowRead: allowedDirs(flags.allowRead) });
      const { runReportCommand, ReportError } = await import("../../runtime/report/report-command.js");
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
        if (code === "ENOENT" || code === "EACCES" || code === "EISDIR" || code === "ENOTDIR") {
          throw new CliError(`cannot write ${flags.out}: ${(error as Error).message}`, 2);
        }
        throw error;
      }
    });
}
