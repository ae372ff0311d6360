/**
 * `mlspec monitor FILE --once`: the spec's monitors evaluated once against the
 * prediction log (runtime/monitor). Loads the compiler first so a bad spec is
 * reported before the workspace opens.
 */
import { type Command, Option } from "commander";
import { CliError } from "../cli-error.js";

interface MonitorFlags {
  once?: boolean;
  from?: string;
  to?: string;
  format: "text" | "json";
  workspace?: string;
  monitor?: string;
}

export function registerMonitor(program: Command, setExit: (code: number) => void): void {
  program
    .command("monitor")
    .description("evaluate the spec's monitors once over the prediction log: drift per rule and column; exit 0 when nothing fired, 1 when a rule fired")
    .argument("<file>", "spec file")
    .option("--once", "evaluate once and exit (the only mode so far)")
    .option("--from <time>", "window start (ISO 8601 or ms since the epoch); default: each rule's window before --to")
    .option("--to <time>", "window end, exclusive (default: now)")
    .option("--monitor <name>", "only this monitor block")
    .option("--workspace <dir>", "workspace directory (default: .mlspec beside the spec)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (file: string, flags: MonitorFlags) => {
      if (!flags.once) throw new CliError("mlspec monitor runs once per call for now: pass --once (running on the monitor's schedule is not available yet)");
      const { loadPlan } = await import("../../compiler/plan/load-plan.js");
      const { runMonitorCommand, parseTime, MonitorUsageError } = await import("../../runtime/monitor/monitor-command.js");
      try {
        const { plan } = loadPlan(file);
        setExit(
          await runMonitorCommand(
            file,
            {
              plan,
              format: flags.format,
              ...(flags.from !== undefined ? { from: parseTime("--from", flags.from) } : {}),
              ...(flags.to !== undefined ? { to: parseTime("--to", flags.to) } : {}),
              ...(flags.workspace !== undefined ? { workspace: flags.workspace } : {}),
              ...(flags.monitor !== undefined ? { monitor: flags.monitor } : {}),
            },
            { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) },
          ),
        );
      } catch (error) {
        if (error instanceof MonitorUsageError) throw new CliError(error.message, 2);
        throw error;
      }
    });
}
