/**
 * `mlspec predict SPEC --model NAME@REF --input DATA`: batch scoring with a registered
 * version (runtime/predict/batch-predict.ts). onnxruntime loads only when the command runs.
 */
import { type Command, Option } from "commander";
import { CliError } from "../cli-error.js";
import { allowedDirs, allowReadOption } from "./read-access.js";

interface PredictFlags {
  model: string;
  input: string;
  out?: string;
  format?: "csv" | "jsonl";
  quarantine?: string;
  workspace?: string;
  batchRows?: number;
  json?: boolean;
  allowRead?: string[];
}

function batchRows(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 1_000_000) throw new CliError(`--batch-rows must be a whole number from 1 to 1000000, got "${value}"`);
  return n;
}

export function registerPredict(program: Command, setExit: (code: number) => void): void {
  program
    .command("predict")
    .description("score a CSV or JSON Lines file with a registered model version; rows that break the contract go to a quarantine file")
    .argument("<file>", "spec file")
    .requiredOption("-m, --model <ref>", "NAME@VERSION or NAME@ALIAS (e.g. churn_mlp@champion, churn_mlp@3)")
    .requiredOption("-i, --input <data>", "the rows to score: a .csv or .jsonl file")
    .option("-o, --out <path>", "write the scored rows here (default: stdout)")
    .addOption(new Option("--format <format>", "output format (default: by --out's extension, else the input's)").choices(["csv", "jsonl"]))
    .option("--quarantine <path>", "where rows that break the contract go (default: OUT.quarantine.jsonl, or the workspace's quarantine folder)")
    .option("-w, --workspace <dir>", "workspace directory (default: .mlspec beside the spec)")
    .option("--batch-rows <n>", "rows read, checked and scored at once (default 8192)", batchRows)
    .option("--json", "print the summary as JSON on stderr")
    .addOption(allowReadOption())
    .action(async (file: string, flags: PredictFlags) => {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)@([A-Za-z0-9_-]+)$/.exec(flags.model);
      if (!m) throw new CliError(`--model \`${flags.model}\` is not NAME@VERSION or NAME@ALIAS (e.g. churn_mlp@3, churn_mlp@champion)`);
      const [, name, ref] = m as unknown as [string, string, string];
      const { loadPlan } = await import("../../compiler/plan/load-plan.js");
      const { plan } = loadPlan(file, { allowRead: allowedDirs(flags.allowRead) });
      const { ServeError } = await import("../../runtime/serve/errors.js");
      const { batchPredict, PredictError } = await import("../../runtime/predict/batch-predict.js");
      let summary;
      try {
        summary = await batchPredict({
          plan,
          specPath: file,
          model: name,
          ref: /^\d+$/.test(ref) ? Number(ref) : ref,
          input: flags.input,
          ...(flags.out !== undefined ? { out: flags.out } : {}),
          ...(flags.format !== undefined ? { format: flags.format } : {}),
          ...(flags.quarantine !== undefined ? { quarantine: flags.quarantine } : {}),
          ...(flags.workspace !== undefined ? { workspace: flags.workspace } : {}),
          ...(flags.batchRows !== undefined ? { batchRows: flags.batchRows } : {}),
        });
      } catch (error) {
        if (error instanceof PredictError) throw new CliError(error.message, error.exitCode);
        if (error instanceof ServeError) throw new CliError(error.message, 1);
        throw error;
      }
      if (flags.json) {
        process.stderr.write(`${JSON.stringify(summary)}\n`);
      } else {
        const { model, read, scored, quarantined } = summary;
        process.stderr.write(`${model.name} v${model.version}: read ${read} = scored ${scored} + quarantined ${quarantined}${summary.out ? ` → ${summary.out}` : ""}\n`);
        if (summary.quarantinePath) {
          for (const r of summary.reasons) process.stderr.write(`  ${r.rows} × ${r.reason}\n`);
          process.stderr.write(`quarantined rows: ${summary.quarantinePath}\n`);
        }
      }
      // rows read and every one quarantined: exit 4 (data rejected), as `run` does
      setExit(summary.read > 0 && summary.scored === 0 ? 4 : 0);
    });
}
