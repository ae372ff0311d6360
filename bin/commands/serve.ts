/**
 * `mlspec serve FILE`: the registered models behind each serve block, over
 * HTTP. The serving runtime (fastify, onnxruntime) is imported only when the
 * command runs, so the compile commands never load it.
 */
import { type Command, Option } from "commander";
import { CliError } from "../cli-error.js";
import { allowedDirs, allowReadOption } from "./read-access.js";

interface ServeFlags {
  workspace?: string;
  port?: number;
  host?: string;
  executor?: "inline" | "worker";
  poll?: number;
  log: boolean;
  allowRead?: string[];
}

function integerFlag(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new CliError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
}

export function registerServe(program: Command, setExit: (code: number) => void): void {
  program
    .command("serve")
    .description("serve the models behind each serve block over HTTP; prints `listening on http://HOST:PORT` when ready")
    .argument("<file>", "spec file")
    .option("-w, --workspace <dir>", "workspace directory (default: .mlspec beside the spec)")
    .option("--port <n>", "listen on this port for every serve block (0: any free port)", integerFlag("--port", 0, 65535))
    .option("--host <host>", "listen on this address for every serve block")
    .addOption(
      new Option("--executor <where>", "where models run: on the event-loop thread (least overhead) or a worker thread each (deadlines fire during a slow run)")
        .choices(["inline", "worker"])
        .default("inline"),
    )
    .option("--poll <ms>", "how often to check the registry for new model versions (0: only on SIGHUP)", integerFlag("--poll", 0, 86_400_000))
    .option("--no-log", "do not log predictions to the workspace")
    .addOption(allowReadOption())
    .action(async (file: string, flags: ServeFlags) => {
      // the spec first: a bad path or a spec with errors is reported before onnxruntime loads
      const { loadPlan } = await import("../../compiler/plan/load-plan.js");
      const { plan } = loadPlan(file, { allowRead: allowedDirs(flags.allowRead) });
      const { ServeError } = await import("../../runtime/serve/errors.js");
      try {
        const { runServeCommand } = await import("./serve-command.js");
        setExit(
          await runServeCommand(file, {
            plan,
            ...(flags.workspace !== undefined ? { workspace: flags.workspace } : {}),
            ...(flags.port !== undefined ? { port: flags.port } : {}),
            ...(flags.host !== undefined ? { host: flags.host } : {}),
            ...(flags.executor ? { executor: flags.executor } : {}),
            ...(flags.poll !== undefined ? { pollMs: flags.poll } : {}),
            noPredictionLog: !flags.log,
          }),
        );
      } catch (error) {
        if (error instanceof ServeError) throw new CliError(error.message, error.code === "BAD_PORT" ? 2 : 1);
        throw error;
      }
    });
}
