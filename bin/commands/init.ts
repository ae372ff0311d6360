/**
 * `mlspec init DATA --label COLUMN [--task T] [--out FILE.mlspec]`: a spec inferred from a
 * data file (runtime/init/). DuckDB loads only when the command runs.
 */
import * as path from "node:path";
import { type Command, Option } from "commander";
import { CliError } from "../cli-error.js";

export function registerInit(program: Command, setExit: (code: number) => void): void {
  program
    .command("init")
    .description("profile a CSV, JSON Lines or Parquet file and write a spec for it: inferred contract, features, a linear model and an MLP, a serve block")
    .argument("<data>", "the data file (.csv, .jsonl or .parquet)")
    .requiredOption("-l, --label <column>", "the column to predict")
    .addOption(new Option("--task <task>", "what to predict (default: from the label's type)").choices(["binary", "multiclass", "regression"]))
    .option("-o, --out <file>", "the spec to write (default: NAME.mlspec in this directory, from the data file's name); never overwritten")
    .action(async (data: string, opts: { label: string; task?: "binary" | "multiclass" | "regression"; out?: string }) => {
      const { initSpec } = await import("./init-command.js");
      const { InitError } = await import("../../runtime/init/infer-contract.js");
      const { DataError } = await import("../../runtime/data/errors.js");
      try {
        const r = await initSpec(data, opts);
        const shown = path.relative(process.cwd(), r.specPath) || r.specPath;
        process.stdout.write(`wrote ${shown}: ${r.task}, ${r.columns} columns in the contract, ${r.features} as features\n`);
        process.stdout.write(`next: mlspec check ${shown} && mlspec run ${shown}\n`);
        setExit(0);
      } catch (e) {
        if (e instanceof InitError || e instanceof DataError) throw new CliError(e.message, 2);
        throw e;
      }
    });
}
