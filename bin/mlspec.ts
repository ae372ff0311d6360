#!/usr/bin/env node
/**
 * The mlspec command line. Compile commands are loaded eagerly (they are light);
 * runtime commands import their modules only when run.
 */
import { createRequire } from "node:module";
import { Command, CommanderError, Option } from "commander";
import { CliError } from "./cli-error.js";
import { SpecLoadError } from "../compiler/load-spec.js";
import { type DiagnosticFormat, runCheck, runFmt, runPlan } from "./commands/compile-commands.js";
import { registerRunCommands } from "./commands/run-commands.js";
import { registerMonitor } from "./commands/monitor.js";
import { registerServe } from "./commands/serve.js";
import { registerPredict } from "./commands/predict.js";
import { registerInit } from "./commands/init.js";
import { registerRollout } from "./commands/rollout.js";
import { registerReport } from "./commands/report.js";
import { registerStepCommand } from "./commands/step.js";
import { registerCompile } from "./commands/compile-manifests.js";
import { registerFeedback } from "./commands/feedback.js";
import { allowedDirs, allowReadOption } from "./commands/read-access.js";

const require = createRequire(import.meta.url);
function packageVersion(): string {
  for (const p of ["../package.json", "../../package.json"]) {
    try {
      return (require(p) as { version: string }).version;
    } catch {
      /* try the next layout: dist/bin or bin */
    }
  }
  return "0.0.0";
}
const version = packageVersion();

let exitCode = 0;
const program = new Command()
  .name("mlspec")
  .description("A typed language, compiler and runtime for production machine learning")
  .version(version)
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();

program
  .command("check")
  .description("type-check spec files; exit 0 when clean (warnings allowed), 1 on errors, 2 on usage or I/O problems")
  .argument("<files...>", "spec files")
  .addOption(new Option("--format <format>", "output format").choices(["text", "json", "sarif"]).default("text"))
  .option("-q, --quiet", "show errors only")
  .addOption(allowReadOption())
  .action((files: string[], opts: { format: DiagnosticFormat; quiet?: boolean; allowRead?: string[] }) => {
    exitCode = runCheck(files, { ...opts, allowRead: allowedDirs(opts.allowRead) }, version);
  });

program
  .command("plan")
  .description("print the execution plan of a spec as JSON (spec/plan.md)")
  .argument("<file>", "spec file")
  .option("-o, --out <path>", "write the plan to a file instead of stdout")
  .addOption(allowReadOption())
  .action(async (file: string, opts: { out?: string; allowRead?: string[] }) => {
    exitCode = await runPlan(file, { ...opts, allowRead: allowedDirs(opts.allowRead) }, version);
  });

program
  .command("fmt")
  .description("format spec files in place; --check lists files that would change and exits 1")
  .argument("<files...>", "spec files")
  .option("--check", "only check; change nothing")
  .action((files: string[], opts: { check?: boolean }) => {
    exitCode = runFmt(files, opts, version);
  });

registerInit(program, (code) => (exitCode = code));
registerRunCommands(program, (code) => (exitCode = code));
registerServe(program, (code) => (exitCode = code));
registerPredict(program, (code) => (exitCode = code));
registerMonitor(program, (code) => (exitCode = code));
registerRollout(program, (code) => (exitCode = code));
registerReport(program, (code) => (exitCode = code));
registerStepCommand(program, (code) => (exitCode = code));
registerCompile(program, (code) => (exitCode = code));
registerFeedback(program, (code) => (exitCode = code));

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version are successes; everything else is a usage error
      process.exitCode = e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help" ? 0 : 2;
      return;
    }
    if (e instanceof CliError || e instanceof SpecLoadError) {
      process.stderr.write(`mlspec: ${e.message}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    const err = e as Error;
    process.stderr.write(`mlspec: internal error: ${err.message}\n`);
    // exit 70 is documented in the README as a bug to report
    process.stderr.write("this is a bug in mlspec; please report it with the command and the spec (MLSPEC_DEBUG=1 prints the stack)\n");
    if (process.env.MLSPEC_DEBUG) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 70;
    return;
  }
  process.exitCode = exitCode;
}

await main();
