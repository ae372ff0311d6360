/**
 * `mlspec run FILE`: compile, plan, then execute the plan against the workspace
 * next to the spec. Returns the process exit code; every failure a user can act
 * on is a message, never a stack.
 */
import * as path from "node:path";
import { renderText } from "../../compiler/diagnostics/render.js";
import { SpecLoadError } from "../../compiler/load-spec.js";
import { loadPlan } from "../../compiler/plan/load-plan.js";
import type { Plan } from "../../compiler/plan/schema.js";
import { defaultWorkspaceDir, openWorkspace, type Workspace } from "../workspace/workspace.js";
import { EXIT, RunError, exitCodeOf } from "./errors.js";
import { Executor } from "./executor.js";
import type { RunSummary } from "./run-summary.js";
import { Reporter, fmt } from "./reporter.js";
import { withSeed } from "./seed-override.js";

export interface RunSpecOptions {
  workspace?: string;
  backend?: string;
  resume?: boolean;
  cache?: boolean;
  quiet?: boolean;
  /** `--verbose`: an epoch line for every epoch (off a terminal, every 10% otherwise). */
  verbose?: boolean;
  json?: boolean;
  parallel?: number;
  /** Where progress lines go (default stdout, or stderr with --json). */
  out?: NodeJS.WritableStream;
  /** Monotonic milliseconds that a search's time budget reads; tests replace it. */
  clock?: () => number;
  /** `--allow-read DIR` (repeatable): directories the spec may read besides its own. */
  allowRead?: readonly string[];
  /** `--seed N`: every seed of the spec (splits, training, searches) set to N. */
  seed?: number;
}

/** Check errors that say a model file exists but cannot be imported (malformed, unsupported): exit 5, as at run time. */
const UNIMPORTABLE_MODEL = new Set(["E0802", "E0803"]);

export async function runSpec(specPath: string, opts: RunSpecOptions = {}): Promise<{ exitCode: number; summary?: RunSummary }> {
  const reporter = new Reporter({ quiet: opts.quiet, verbose: opts.verbose, json: opts.json, ...(opts.out ? { out: opts.out } : {}) });
  const err = (text: string) => process.stderr.write(text + "\n");
  const allowRead = (opts.allowRead ?? []).map((d) => path.resolve(d));
  let plan: Plan;
  try {
    plan = loadPlan(specPath, { allowRead }).plan;
  } catch (e) {
    if (!(e instanceof SpecLoadError)) throw e;
    if (e.problem === "errors" && e.compiled) {
      const errors = e.compiled.diagnostics.filter((x) => x.severity === "error");
      for (const d of errors) err(renderText(d) + "\n");
      // a model file that is there but cannot be imported is the model's failure, as at run time
      if (errors.every((d) => UNIMPORTABLE_MODEL.has(d.code))) {
        err(`${specPath}: a model file cannot be imported; nothing was run or registered`);
        return { exitCode: EXIT.trainingFailed };
      }
      err(`${specPath}: the spec has errors; nothing was run`);
    } else err(`mlspec: ${e.message}`);
    return { exitCode: e.problem === "unreadable" ? EXIT.usage : EXIT.specErrors };
  }
  if (opts.seed !== undefined) plan = withSeed(plan, opts.seed);
  const projectDir = path.dirname(path.resolve(specPath));
  const { selectBackend, parseBackendName } = await import("../train/backend.js");
  let backendName: string;
  try {
    const choice = await selectBackend(opts.backend ? parseBackendName(opts.backend) : undefined);
    backendName = choice.name;
  } catch (e) {
    err(`mlspec: ${(e as Error).message}`);
    return { exitCode: EXIT.usage };
  }
  const seeded = opts.seed !== undefined ? `, every seed ${opts.seed} (--seed)` : "";
  reporter.line(`mlspec run ${specPath}  (plan ${plan.specHash.slice(0, 12)}, ${plan.steps.length} steps, backend ${backendName}${seeded})`);
  const wsDir = opts.workspace ?? defaultWorkspaceDir(specPath);
  let ws: Workspace;
  try {
    ws = openWorkspace(wsDir);
  } catch (e) {
    err(`mlspec: cannot open the workspace ${wsDir}: ${(e as Error).message}`);
    return { exitCode: EXIT.usage };
  }
  const runTag = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const executor = new Executor(plan, {
    projectDir,
    workspace: ws,
    reporter,
    backend: backendName,
    resume: opts.resume === true,
    useCache: opts.cache !== false,
    runTag,
    allowRead,
    ...(opts.parallel ? { parallel: opts.parallel } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  try {
    const summary = await executor.run();
    reporter.endBar();
    reporter.line("");
    const columns = metricColumns(summary);
    const cells = (metrics: Record<string, number>) => columns.map((k) => (metrics[k] === undefined ? "" : fmt(metrics[k]!)));
    // each model's row, then its baseline's on the same test split
    reporter.table(
      ["model", "version", "status", "alias", ...columns],
      summary.models.flatMap((m) => [
        [m.model, m.version ? `v${m.version}` : "-", m.status ?? "-", m.alias ? `@${m.alias}` : "-", ...cells(m.metrics)],
        ...(m.baseline ? [[`  baseline${m.baseline.beats === false ? " (not beaten)" : ""}`, "", "", "", ...cells(m.baseline.metrics)]] : []),
      ]),
    );
    // a rejection is what exit 3 means: with --quiet it is still said, on stderr
    const explain = opts.quiet ? err : (text: string) => reporter.line(text);
    for (const m of summary.models.filter((x) => x.status === "rejected")) {
      explain(`${m.model} v${m.version} rejected by its gates:`);
      for (const r of m.gate.reasons) explain(`  - ${r}`);
    }
    if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
    return { exitCode: summary.models.some((m) => m.status === "rejected") ? EXIT.gateFailed : 0, summary };
  } catch (e) {
    reporter.endBar();
    const exitCode = exitCodeOf(e);
    if (exitCode === undefined) throw e;
    err(`mlspec: ${(e as Error).message}`);
    if (e instanceof RunError) for (const d of e.details) err(`  ${d}`);
    return { exitCode };
  } finally {
    ws.close();
  }
}

function metricColumns(summary: RunSummary): string[] {
  const keys: string[] = [];
  for (const m of summary.models) for (const k of Object.keys(m.metrics)) if (!k.startsWith("val.") && !keys.includes(k)) keys.push(k);
  return keys;
}
