/**
 * `mlspec step PLAN.json STEP_ID`: one step of a plan in a process of its own,
 * as a pod of an Argo Workflow runs it (spec/kubernetes.md). The executor is the
 * one `mlspec run` uses: it replays the steps this one depends on from the
 * workspace (step cache, registry), then runs this one. Idempotent: a step done
 * before for the same plan and input files (its content key) does nothing.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PlanSchema, type Plan, type Step } from "../../compiler/plan/schema.js";
import { stepsToRun } from "../../compiler/plan/steps-to-run.js";
import { openWorkspace, type Workspace } from "../workspace/workspace.js";
import { contentKey } from "./content-key.js";
import { EXIT, RunError, exitCodeOf } from "./errors.js";
import { dependencyClosure, Executor } from "./executor.js";
import { Reporter } from "./reporter.js";

export interface OneStepOptions {
  workspace: string;
  /** Where the plan's relative paths (data, model files) resolve: the spec's folder (default: the current directory). */
  projectDir?: string;
  backend?: string;
  /** `--parallel N`: search trials at once, even beyond the cores a node reports. */
  parallel?: number;
  quiet?: boolean;
  /** Print the replayed steps' lines too. */
  verbose?: boolean;
  out?: NodeJS.WritableStream;
  allowRead?: readonly string[];
}

/** A plan file read and checked against the plan schema; a message for anything else. */
export function readPlanFile(file: string): Plan {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new RunError(`cannot read the plan ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.usage);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new RunError(`${file} is not JSON: ${(e as Error).message}`, EXIT.usage, ["write a plan with `mlspec plan SPEC -o plan.json`"]);
  }
  const parsed = PlanSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(the plan)"}: ${i.message}`);
    throw new RunError(`${file} is not an mlspec plan (version 1)`, EXIT.usage, issues);
  }
  return parsed.data;
}

/** The step `id` of `plan`, if it runs on its own; a message naming the steps that do otherwise. */
export function stepToRun(plan: Plan, id: string): Step {
  const runnable = stepsToRun(plan);
  const step = runnable.find((s) => s.id === id);
  if (step) return step;
  const owner = plan.steps.find((s) => s.kind === "search" && s.dependsOn[0] === id);
  if (owner) throw new RunError(`step ${id} is the trial template of ${owner.id}: it runs as that search's trials, not on its own`, EXIT.usage, [`run \`mlspec step PLAN ${owner.id}\``]);
  const shown = runnable.map((s) => s.id);
  throw new RunError(`the plan has no step ${JSON.stringify(id)}`, EXIT.usage, [`its steps: ${shown.slice(0, 12).join(", ")}${shown.length > 12 ? ", …" : ""}`]);
}

/** sha256 of every file the step and the steps it depends on read (data, imported models), by plan path. */
function inputFileHashes(plan: Plan, step: Step, projectDir: string): Record<string, string> {
  const needed = dependencyClosure(plan, step).add(step.id);
  const files: Record<string, string> = {};
  for (const s of plan.steps) {
    if (!needed.has(s.id)) continue;
    const rel = s.kind === "validate" ? s.params.source.path : s.kind === "import_model" ? s.params.path : undefined;
    if (rel === undefined) continue;
    const file = path.resolve(projectDir, rel);
    // a missing file is the validate step's to report, with its own message
    files[rel] = fs.existsSync(file) ? createHash("sha256").update(fs.readFileSync(file)).digest("hex") : "missing";
  }
  return files;
}

/** The content key of a step done: the plan, the step, its input files and the backend. */
export function stepDoneKey(plan: Plan, step: Step, projectDir: string, backend: string): string {
  return contentKey("step/1", plan.specHash, step.id, inputFileHashes(plan, step, projectDir), backend);
}

export async function runOneStep(planFile: string, stepId: string, opts: OneStepOptions): Promise<number> {
  const out = opts.out ?? process.stdout;
  const err = (text: string) => process.stderr.write(text + "\n");
  let ws: Workspace | undefined;
  try {
    const plan = readPlanFile(planFile);
    const step = stepToRun(plan, stepId);
    const projectDir = path.resolve(opts.projectDir ?? process.cwd());
    const { selectBackend, parseBackendName } = await import("../train/backend.js");
    const backend = (await selectBackend(opts.backend ? parseBackendName(opts.backend) : undefined)).name;
    try {
      ws = openWorkspace(opts.workspace);
    } catch (e) {
      throw new RunError(`cannot open the workspace ${opts.workspace}: ${(e as Error).message}`, EXIT.usage);
    }
    const reporter = new Reporter({ quiet: opts.quiet, out });
    const key = stepDoneKey(plan, step, projectDir, backend);
    const done = ws.registry.cachedStep(key);
    if (done && ws.artifacts.has(done)) {
      reporter.line(`mlspec step ${step.id}: done before (content key ${key.slice(0, 12)}); nothing to do`);
      return 0;
    }
    const replayed = dependencyClosure(plan, step).size;
    reporter.line(`mlspec step ${step.id}  (plan ${plan.specHash.slice(0, 12)}, ${replayed} earlier ${replayed === 1 ? "step" : "steps"} read back from the workspace, backend ${backend})`);
    const executor = new Executor(plan, {
      projectDir,
      workspace: ws,
      reporter,
      backend,
      // a restarted pod continues what its predecessor began; what ran before is found, not redone
      resume: true,
      useCache: true,
      runTag: new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z"),
      allowRead: (opts.allowRead ?? []).map((d) => path.resolve(d)),
      ...(opts.parallel ? { parallel: opts.parallel } : {}),
    });
    const { output } = await executor.runOne(step.id, opts.verbose ? reporter : new Reporter({ quiet: true }));
    reporter.endBar();
    const m = output.model;
    if (step.kind === "register" && m?.status === "rejected") {
      err(`${m.model} v${m.version} rejected by its gates:`);
      for (const r of m.gate.reasons) err(`  - ${r}`);
      return EXIT.gateFailed;
    }
    const summary = { step: step.id, kind: step.kind, ...(m ? { model: m.model, version: m.version ?? null, onnx: m.onnxSha ?? null } : {}) };
    ws.registry.cacheStep(key, "step", ws.artifacts.putJson(summary, { kind: "step_done", step: step.id }));
    return 0;
  } catch (e) {
    const exitCode = exitCodeOf(e);
    if (exitCode === undefined) throw e;
    err(`mlspec: ${(e as Error).message}`);
    if (e instanceof RunError) for (const d of e.details) err(`  ${d}`);
    return exitCode;
  } finally {
    ws?.close();
  }
}
