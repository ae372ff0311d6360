/**
 * The `mlspec` command line with only the serve command registered, handling
 * errors as bin/mlspec.ts does, for tests that spawn the CLI process.
 */
import { Command, CommanderError } from "commander";
import { CliError } from "../../bin/cli-error.js";
import { registerServe } from "../../bin/commands/serve.js";

let exitCode = 0;
const program = new Command().name("mlspec").exitOverride();
registerServe(program, (code) => {
  exitCode = code;
});
try {
  await program.parseAsync(process.argv);
  process.exitCode = exitCode;
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = 2;
  else if (e instanceof CliError) {
    process.stderr.write(`mlspec: ${e.message}\n`);
    process.exitCode = e.exitCode;
  } else {
    process.stderr.write(`mlspec: internal error: ${(e as Error).message}\n`);
    process.exitCode = 70;
  }
}
