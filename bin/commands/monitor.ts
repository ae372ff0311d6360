/**
 * `mlspec monitor FILE [--once]` and `mlspec monitor history FILE`: the spec's monitors
 * against the prediction log (runtime/monitor), once or on their schedules until SIGTERM,
 * and what they have fired and retrained. Loads the compiler first so a bad spec is
 * reported before the workspace opens.
 */
import { type Command, Option } from "commander";
import { CliError } from "../cli-error.js";

interface MonitorFlags {
  once?: boolean;
  retrain?: boolean;
  from?: string;
  to?: string;
  format: "text" | "json";
  workspace?: string;
  monitor?: string;
}

async function usageErrors<T>(fn: () => Promise<T>): Promise<T> {
  const { MonitorUsageError } = await import("./monitor-command.js");
  try {
    return await fn();
  } catch (error) {
    if (error instanceof MonitorUsageError) throw new CliError(error.message, 2);
    throw error;
  }
}

const io = { out: (l: string) => process.stdout.write(`${l}\n`), err: (l: string) => process.stderr.write(`${l}\n`) };

export function registerMonitor(program: Command, setExit: (code: number) => void): void {
  const monitor = program
    .command("monitor")
    .description("evaluate the spec's monitors over the prediction log (drift, performance, retraining): once with --once (exit 1 when a rule fired), else on their schedules until SIGTERM")
    .argument("<file>", "spec file")
    .option("--once", "evaluate once and exit: 0 nothing fired, 1 a rule fired")
    .option("--retrain", "with --once: run a retraining the evaluation triggers and wait for it")
    .option("--from <time>", "with --once: window start (ISO 8601 or ms since the epoch); default: each rule's window before --to")
    .option("--to <time>", "with --once: window end, exclusive (default: now)")
    .option("--monitor <name>", "only this monitor block")
    .option("--workspace <dir>", "workspace directory (default: .mlspec beside the spec)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (file: string, flags: MonitorFlags) => {
      const { loadPlan } = await import("../../compiler/plan/load-plan.js");
      const { runMonitorCommand, runMonitorSchedule, parseTime } = await import("./monitor-command.js");
      if (!flags.once) {
        for (const f of ["from", "to", "retrain"] as const) if (flags[f] !== undefined) throw new CliError(`--${f} needs --once (on its schedule a monitor judges each rule's latest window)`);
        if (flags.monitor !== undefined) throw new CliError("--monitor needs --once (on the schedule every monitor runs)");
      }
      await usageErrors(async () => {
        const { plan } = loadPlan(file);
        const common = { plan, format: flags.format, ...(flags.workspace !== undefined ? { workspace: flags.workspace } : {}) };
        if (!flags.once) {
          setExit(await runMonitorSchedule(file, common, io));
          return;
        }
        setExit(
          await runMonitorCommand(
            file,
            {
              ...common,
              ...(flags.from !== undefined ? { from: parseTime("--from", flags.from) } : {}),
              ...(flags.to !== undefined ? { to: parseTime("--to", flags.to) } : {}),
              ...(flags.monitor !== undefined ? { monitor: flags.monitor } : {}),
              ...(flags.retrain ? { retrain: {} } : {}),
            },
            io,
          ),
        );
      });
    });
  monitor
    .command("history")
    .description("every firing of the spec's monitors and every retrain trigger: skipped (cooldown, already running) or run, and its outcome")
    .argument("<file>", "spec file")
    .option("--monitor <name>", "only this monitor block")
    .option("--workspace <dir>", "workspace directory (default: .mlspec beside the spec)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (file: string, _flags: unknown, command: Command) => {
      // `monitor` has the same options: commander gives them to whichever it saw first
      const flags = command.optsWithGlobals<Omit<MonitorFlags, "once" | "from" | "to" | "retrain">>();
      const { runMonitorHistory } = await import("./monitor-command.js");
      await usageErrors(async () => {
        setExit(runMonitorHistory(file, { format: flags.format, ...(flags.workspace !== undefined ? { workspace: flags.workspace } : {}), ...(flags.monitor !== undefined ? { monitor: flags.monitor } : {}) }, io));
      });
    });
}
