/**
 * `mlspec step PLAN.json STEP_ID`: one step of a plan, then exit — what each
 * task of an emitted Argo Workflow runs (spec/kubernetes.md). The registry is
 * the workspace's SQLite file; PostgreSQL is not supported yet.
 */
import * as path from "node:path";
import type { Command } from "commander";
import { CliError } from "../cli-error.js";
import { allowedDirs, allowReadOption } from "./read-access.js";

interface StepFlags {
  workspace?: string;
  registry?: string;
  project?: string;
  backend?: string;
  quiet?: boolean;
  verbose?: boolean;
  parallel?: string;
  allowRead?: string[];
}

/**
 * The workspace a `--registry` names: `sqlite:PATH` or a plain PATH to the workspace's
 * registry file (its folder is the workspace, artifacts beside it).
 */
export function workspaceOfRegistry(url: string, registryFile: string): string {
  if (/^postgres(ql)?:\/\//i.test(url)) throw new CliError("--registry: a PostgreSQL registry is not supported yet; give the workspace's SQLite file (sqlite:DIR/registry.db) or --workspace DIR");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new CliError(`--registry: ${url.split(":")[0]} registries are not supported; give sqlite:DIR/${registryFile} or --workspace DIR`);
  const file = url.startsWith("sqlite:") ? url.slice("sqlite:".length) : url;
  if (path.basename(file) !== registryFile) throw new CliError(`--registry: the workspace's registry file is named ${registryFile} (got ${file}); or give --workspace DIR`);
  return path.dirname(file);
}

export function registerStepCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command("step")
    .description("run one step of a plan (written by `mlspec plan -o`) against a workspace and exit; a step done before does nothing")
    .argument("<plan>", "plan file (JSON)")
    .argument("<step>", "step id, as the plan names it (e.g. train:churn_mlp)")
    .option("-w, --workspace <dir>", "workspace directory shared by every step (registry and artifacts)")
    .option("--registry <url>", "the registry: sqlite:DIR/registry.db, its folder the workspace (default: $MLSPEC_REGISTRY; PostgreSQL is not supported yet)")
    .option("--project <dir>", "folder the plan's relative paths (data, model files) resolve against (default: the current directory)")
    .option("-b, --backend <name>", "tfjs backend: node-gpu, node, wasm or cpu (default: the best that loads)")
    .option("--parallel <n>", "search trials at once (default: the spec's, at most the cores)")
    .option("-q, --quiet", "print only errors")
    .option("--verbose", "also print the lines of the earlier steps read back")
    .addOption(allowReadOption())
    .action(async (plan: string, step: string, opts: StepFlags) => {
      // the workspace module (SQLite) loads only when this command runs
      const { DATABASE_FILENAME } = await import("../../runtime/workspace/workspace.js");
      // MLSPEC_REGISTRY stands in for --registry, as a pod's environment may set it once for every step
      const registry = opts.registry ?? (opts.workspace === undefined ? process.env.MLSPEC_REGISTRY || undefined : undefined);
      const fromRegistry = registry === undefined ? undefined : workspaceOfRegistry(registry, DATABASE_FILENAME);
      if (fromRegistry !== undefined && opts.workspace !== undefined && path.resolve(fromRegistry) !== path.resolve(opts.workspace)) {
        throw new CliError(`--registry ${registry} is not the registry of --workspace ${opts.workspace}; give one of them`);
      }
      const workspace = opts.workspace ?? fromRegistry;
      if (workspace === undefined) throw new CliError("give the workspace every step shares: --workspace DIR (or --registry sqlite:DIR/registry.db)");
      const parallel = opts.parallel === undefined ? undefined : Number(opts.parallel);
      if (parallel !== undefined && (!/^\d+$/.test(opts.parallel!.trim()) || parallel < 1 || parallel > 64)) throw new CliError(`--parallel takes a whole number from 1 to 64, not ${opts.parallel}`);
      const { runOneStep } = await import("../../runtime/run/one-step.js");
      setExit(
        await runOneStep(plan, step, {
          workspace,
          ...(opts.project !== undefined ? { projectDir: opts.project } : {}),
          ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
          ...(parallel !== undefined ? { parallel } : {}),
          quiet: opts.quiet === true,
          verbose: opts.verbose === true,
          allowRead: allowedDirs(opts.allowRead),
        }),
      );
    });
}
