/**
 * `mlspec run`, `mlspec runs list`, `mlspec models list|show|alias`: commands
 * over the workspace. Their modules load only when one of them runs.
 */
import { type Command, Option } from "commander";
import { requireReadableSpec } from "../../compiler/load-spec.js";
import { CliError } from "../cli-error.js";
import { allowedDirs, allowReadOption } from "./read-access.js";
import { openExisting, userName, workspaceOptions, type WorkspaceFlags } from "./workspace-flags.js";

function parseRef(ref: string): { name: string; version: string } {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)@([A-Za-z0-9_]+)$/.exec(ref);
  if (!m) throw new CliError(`\`${ref}\` is not NAME@VERSION or NAME@ALIAS (e.g. churn_mlp@3, churn_mlp@champion)`);
  return { name: m[1]!, version: m[2]! };
}

async function withRegistryErrors<T>(f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const name = (e as Error).constructor?.name ?? "";
    if (/^(Registry|Workspace|Artifact|SchemaVersion)/.test(name)) throw new CliError((e as Error).message, 1);
    throw e;
  }
}

export function registerRunCommands(program: Command, setExit: (code: number) => void): void {
  program
    .command("run")
    .description("validate data, fit features, train (or search), evaluate, gate, export to ONNX and register every model of a spec")
    .argument("<file>", "spec file")
    .option("-w, --workspace <dir>", "workspace directory (default: .mlspec next to the spec)")
    .option("-b, --backend <name>", "tfjs backend: node-gpu, node, wasm or cpu (default: the best that loads)")
    .option("--resume", "continue an interrupted training or search from its last checkpoint")
    .option("--no-cache", "retrain even when the same config, features and data trained before")
    .option("-q, --quiet", "print only errors")
    .option("-v, --verbose", "print every epoch (by default a line every 10% of the epochs when not on a terminal)")
    .option("--json", "print a JSON summary on stdout (progress goes to stderr)")
    .option("--parallel <n>", "search trials at once (default: the spec's, at most the cores)")
    .option("--seed <n>", "override every seed of the spec (splits, training, searches) with this one; recorded with the run")
    .addOption(allowReadOption())
    .action(async (file: string, opts: { workspace?: string; backend?: string; resume?: boolean; cache?: boolean; quiet?: boolean; verbose?: boolean; json?: boolean; parallel?: string; seed?: string; allowRead?: string[] }) => {
      requireReadableSpec(file);
      const allowRead = allowedDirs(opts.allowRead);
      const parallel = opts.parallel === undefined ? undefined : Number(opts.parallel);
      if (parallel !== undefined && (!Number.isInteger(parallel) || parallel < 1 || parallel > 64)) throw new CliError(`--parallel takes a whole number from 1 to 64, not ${opts.parallel}`);
      const seed = opts.seed === undefined ? undefined : Number(opts.seed);
      if (seed !== undefined && (!/^\d+$/.test(opts.seed!.trim()) || seed > 2 ** 31 - 1)) throw new CliError(`--seed takes a whole number from 0 to ${2 ** 31 - 1}, not ${opts.seed}`);
      const { runSpec } = await import("../../runtime/run/run-spec.js");
      const { seed: _text, ...rest } = opts;
      const { exitCode } = await runSpec(file, { ...rest, parallel, allowRead, ...(seed !== undefined ? { seed } : {}) });
      setExit(exitCode);
    });

  const runs = program.command("runs").description("training runs recorded in a workspace");
  workspaceOptions(runs.command("list").description("list runs (newest first)"))
    .option("--search <name>", "only the trials of this search")
    .option("--model <name>", "only runs of this model")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: WorkspaceFlags & { search?: string; model?: string; format: string }) => {
      const ws = await openExisting(opts);
      try {
        await withRegistryErrors(async () => {
          const { printRuns } = await import("./list-commands.js");
          printRuns(ws, opts);
        });
      } finally {
        ws.close();
      }
    });

  const runId = (text: string): number => {
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new CliError(`\`${text}\` is not a run id (a whole number, as \`mlspec runs list\` shows)`);
    return Number(text);
  };
  workspaceOptions(runs.command("show").description("one run: its parameters, metrics and per-epoch curve").argument("<id>", "run id"))
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (id: string, opts: WorkspaceFlags & { format: string }) => {
      const n = runId(id);
      const ws = await openExisting(opts);
      try {
        await withRegistryErrors(async () => {
          const { showText } = await import("./run-report.js");
          const run = ws.registry.getRun(n);
          process.stdout.write(opts.format === "json" ? `${JSON.stringify(run, null, 2)}\n` : showText(run));
        });
      } finally {
        ws.close();
      }
    });
  workspaceOptions(runs.command("compare").description("runs side by side: parameters (differences marked), metrics, per-epoch curves").argument("<ids...>", "two or more run ids"))
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (ids: string[], opts: WorkspaceFlags & { format: string }) => {
      const ns = ids.map(runId);
      if (ns.length < 2) throw new CliError("give two or more run ids to compare");
      const ws = await openExisting(opts);
      try {
        await withRegistryErrors(async () => {
          const { compareRuns, compareText } = await import("./run-report.js");
          const records = ns.map((n) => ws.registry.getRun(n));
          process.stdout.write(opts.format === "json" ? `${JSON.stringify(compareRuns(records), null, 2)}\n` : compareText(records));
        });
      } finally {
        ws.close();
      }
    });

  const models = program.command("models").description("registered model versions and aliases");
  workspaceOptions(models.command("list").description("list model versions"))
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: WorkspaceFlags & { format: string }) => {
      const ws = await openExisting(opts);
      try {
        const { printModels } = await import("./list-commands.js");
        printModels(ws, opts.format);
      } finally {
        ws.close();
      }
    });
  workspaceOptions(models.command("show").description("show one version: metrics, gate reasons, lineage").argument("<ref>", "NAME@VERSION or NAME@ALIAS"))
    .action(async (ref: string, opts: WorkspaceFlags) => {
      const { name, version } = parseRef(ref);
      const ws = await openExisting(opts);
      try {
        await withRegistryErrors(async () => {
          const { showVersion } = await import("./list-commands.js");
          process.stdout.write(JSON.stringify(showVersion(ws, name, /^\d+$/.test(version) ? Number(version) : version), null, 2) + "\n");
        });
      } finally {
        ws.close();
      }
    });
  workspaceOptions(models.command("alias").description("point an alias (champion, challenger, any name) at a registered version").argument("<ref>", "NAME@VERSION").argument("<alias>", "alias name"))
    .action(async (ref: string, alias: string, opts: WorkspaceFlags) => {
      const { name, version } = parseRef(ref);
      if (!/^\d+$/.test(version)) throw new CliError(`give a version number: ${name}@3, not ${ref}`);
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(alias)) throw new CliError(`\`${alias}\` is not a valid alias name`);
      const ws = await openExisting(opts);
      try {
        await withRegistryErrors(() => {
          const previous = ws.registry.setAlias(name, Number(version), alias, `${userName()} (mlspec models alias)`);
          const was = previous === null ? " (new alias)" : previous === Number(version) ? " (unchanged)" : ` (was v${previous})`;
          process.stdout.write(`${name}@${alias} → v${version}${was}\n`);
        });
      } finally {
        ws.close();
      }
    });
  workspaceOptions(
    models
      .command("history")
      .description("every move of a model's aliases: when, from and to which version, who moved it; --at TIME: what each alias pointed at then")
      .argument("<name>", "model name"),
  )
    .option("--alias <alias>", "only this alias")
    .option("--at <time>", "what each alias pointed at at this time (ISO 8601, e.g. 2024-07-01T12:00:00Z)")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (name: string, opts: WorkspaceFlags & { alias?: string; at?: string; format: string }) => {
      const { parseTime, aliasesAt, historyText, aliasesAtText } = await import("./alias-history.js");
      const at = opts.at === undefined ? undefined : parseTime(opts.at);
      const ws = await openExisting(opts);
      try {
        await withRegistryErrors(() => {
          if (ws.registry.listVersions(name).length === 0) {
            const names = [...new Set(ws.registry.listVersions().map((x) => x.name))];
            throw new CliError(`no model named ${name} in the registry${names.length ? `; registered models: ${names.join(", ")}` : ""}`, 1);
          }
          const events = ws.registry.aliasHistory(name, opts.alias);
          if (at === undefined) {
            process.stdout.write(opts.format === "json" ? `${JSON.stringify(events, null, 2)}\n` : historyText(name, events));
            return;
          }
          const when = new Date(at).toISOString();
          const aliases = aliasesAt(events, at);
          process.stdout.write(opts.format === "json" ? `${JSON.stringify({ name, at: when, aliases }, null, 2)}\n` : aliasesAtText(name, when, aliases));
        });
      } finally {
        ws.close();
      }
    });
}
