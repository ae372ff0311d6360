/**
 * `mlspec feedback SPEC FILE`: outcomes of earlier predictions from a JSON
 * Lines or CSV file into the workspace's feedback table, checked as
 * `POST /v1/<serve>/feedback` checks them. Exit 0 when every record was
 * stored, 1 when some were not (each listed: unknown request id, or invalid
 * and why), 2 for usage, an unreadable file or spec, or no workspace.
 */
import * as fs from "node:fs";
import { type Command, Option } from "commander";
import { CliError } from "../cli-error.js";
import { allowedDirs, allowReadOption } from "./read-access.js";

interface FeedbackFlags {
  serve?: string;
  workspace?: string;
  format: "text" | "json";
  allowRead?: string[];
}

/** Records listed in text output; --format json lists every one. */
const LISTED = 20;

export function registerFeedback(program: Command, setExit: (code: number) => void): void {
  program
    .command("feedback")
    .description("load outcomes of earlier predictions (JSON Lines or CSV) into the workspace, checked as POST /v1/<serve>/feedback checks them")
    .argument("<spec>", "spec file")
    .argument("<file>", "outcomes: .jsonl ({request_id, outcome} or {key: {column: value}, outcome} a line) or .csv (outcome, and request_id or one key column)")
    .option("--serve <name>", "the serve block the outcomes are for (default: the spec's only one)")
    .option("-w, --workspace <dir>", "workspace directory (default: .mlspec beside the spec)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .addOption(allowReadOption())
    .action(async (spec: string, file: string, flags: FeedbackFlags) => {
      const { loadPlan } = await import("../../compiler/plan/load-plan.js");
      const { SpecLoadError } = await import("../../compiler/load-spec.js");
      let plan;
      try {
        plan = loadPlan(spec, { allowRead: allowedDirs(flags.allowRead) }).plan;
      } catch (e) {
        if (e instanceof SpecLoadError) throw new CliError(e.problem === "unreadable" ? e.message : `${e.message} (run mlspec check ${spec})`, 2);
        throw e;
      }
      const names = plan.serves.map((s) => s.name);
      if (names.length === 0) throw new CliError(`${spec} has no serve block: feedback is for a serve's predictions`);
      if (flags.serve === undefined && names.length > 1) throw new CliError(`${spec} has serve blocks ${names.join(", ")}: say which with --serve NAME`);
      const serve = plan.serves.find((s) => s.name === (flags.serve ?? names[0]));
      if (!serve) throw new CliError(`${spec} has no serve block ${flags.serve}; it has ${names.join(", ")}`);

      const { defaultWorkspaceDir, openWorkspace, DATABASE_FILENAME } = await import("../../runtime/workspace/workspace.js");
      const dir = flags.workspace ?? defaultWorkspaceDir(spec);
      if (!fs.existsSync(`${dir}/${DATABASE_FILENAME}`)) throw new CliError(`no workspace at ${dir}: feedback joins predictions that mlspec serve logged there; pass --workspace DIR`);
      let workspace;
      try {
        workspace = openWorkspace(dir);
      } catch (e) {
        throw new CliError(`cannot open the workspace ${dir}: ${(e as Error).message}`);
      }
      try {
        const { FeedbackFileError, loadFeedbackFile, serveKeyColumns } = await import("../../runtime/serve/feedback-file.js");
        const db = workspace.registry.db;
        let result;
        try {
          result = await loadFeedbackFile(file, { db, serve: serve.name, now: Date.now }, { keyColumns: serveKeyColumns(plan, serve, db) });
        } catch (e) {
          if (e instanceof FeedbackFileError) throw new CliError(e.message, 2);
          throw e;
        }
        if (flags.format === "json") {
          process.stdout.write(JSON.stringify(result, null, 2) + "\n");
        } else {
          const unknown = result.notStored.filter((s) => s.status === "unknown_request_id").length;
          const invalid = result.notStored.length - unknown;
          let text = `${serve.name}: stored ${result.accepted} of ${result.records} outcomes from ${file}`;
          text += result.rejected === 0 ? "\n" : ` (${unknown} unknown request ids, ${invalid} invalid)\n`;
          for (const s of result.notStored.slice(0, LISTED)) text += `  row ${s.row}: ${s.status === "unknown_request_id" ? "unknown request id: " : "invalid: "}${s.error}\n`;
          if (result.notStored.length > LISTED) text += `  … and ${result.notStored.length - LISTED} more (--format json lists every one)\n`;
          process.stdout.write(text);
        }
        setExit(result.rejected === 0 ? 0 : 1);
      } finally {
        workspace.close();
      }
    });
}
