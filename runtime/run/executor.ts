/**
 * Runs a plan's steps in order (the plan lists them topologically) against a
 * workspace. The executor knows the DAG, not the kinds: each step runs through
 * the step table (step-table.ts), reads what earlier steps made through its
 * context and hands back what it made, kept here under its name for the steps
 * after it. Work whose inputs are unchanged is reused from the step cache.
 */
import type { Plan, Step, TaskSpec } from "../../compiler/plan/schema.js";
import { stepsToRun } from "../../compiler/plan/steps-to-run.js";
import type { Workspace } from "../workspace/workspace.js";
import type { FeaturesView } from "./features-view.js";
import { checkTrainingClasses, classLabels, encodeLabels } from "./labels.js";
import type { Reporter } from "./reporter.js";
import { type DatasetOutcome, outcomeOf, type RunSummary } from "./run-summary.js";
import type { DatasetState, Labels, ModelState, StepContext, StepOutput } from "./step-context.js";
import { runStep } from "./step-table.js";

export interface RunOptions {
  projectDir: string;
  workspace: Workspace;
  reporter: Reporter;
  backend: string;
  resume: boolean;
  useCache: boolean;
  /** Tag of this invocation, used in quarantine file names. */
  runTag: string;
  /** `--parallel N`: search trials at once, even beyond the cores. */
  parallel?: number;
  /** Monotonic milliseconds for search time budgets; default performance.now. */
  clock?: () => number;
  /** `--allow-read DIR`: directories data may be read from besides the project (absolute). */
  allowRead?: readonly string[];
}

export class Executor {
  private readonly datasets = new Map<string, DatasetState>();
  private readonly features = new Map<string, FeaturesView>();
  private readonly models = new Map<string, ModelState>();

  constructor(
    private readonly plan: Plan,
    private readonly opts: RunOptions,
  ) {}

  async run(): Promise<RunSummary> {
    const ctx = this.context();
    try {
      for (const step of stepsToRun(this.plan)) this.keep(await runStep(step, ctx));
    } finally {
      for (const d of this.datasets.values()) d.validation.session.close();
    }
    return {
      specHash: this.plan.specHash,
      backend: this.opts.backend,
      datasets: [...this.datasets.values()].map(datasetOutcome),
      models: [...this.models.values()].map(outcomeOf),
    };
  }

  /**
   * One step of the plan in a process of its own (`mlspec step`): the steps it
   * depends on are replayed first, reporting to `replay`, so that it finds what
   * they made in memory. Replaying makes nothing new when they ran before: fitted
   * features and trained models come from the step cache, a search, a train run
   * and a registered version from the registry (the replay resumes, as --resume).
   */
  async runOne(stepId: string, replay: Reporter): Promise<{ step: Step; output: StepOutput }> {
    const order = stepsToRun(this.plan);
    const target = order.find((s) => s.id === stepId);
    if (!target) throw new Error(`plan: no step ${stepId} runs on its own`);
    const needed = dependencyClosure(this.plan, target);
    const replayCtx = this.context(replay);
    const ctx = this.context();
    try {
      for (const step of order) if (needed.has(step.id)) this.keep(await runStep(step, replayCtx));
      const output = await runStep(target, ctx);
      this.keep(output);
      return { step: target, output };
    } finally {
      for (const d of this.datasets.values()) d.validation.session.close();
    }
  }

  /** A step's output replaces what was kept under the same name (a dataset split, a model evaluated). */
  private keep(out: StepOutput): void {
    if (out.dataset) this.datasets.set(out.dataset.name, out.dataset);
    if (out.features) this.features.set(out.features.name, out.features);
    if (out.model) this.models.set(out.model.model, out.model);
  }

  private context(reporter: Reporter = this.opts.reporter): StepContext {
    const made = <T>(map: Map<string, T>, what: string) => (name: string): T => {
      const value = map.get(name);
      // the plan orders every step after the steps it depends on: a miss is a planner bug
      if (value === undefined) throw new Error(`plan: no ${what} \`${name}\` before the step that reads it`);
      return value;
    };
    return {
      plan: this.plan,
      ws: this.opts.workspace,
      reporter,
      projectDir: this.opts.projectDir,
      allowRead: this.opts.allowRead ?? [],
      runTag: this.opts.runTag,
      backend: this.opts.backend,
      resume: this.opts.resume,
      useCache: this.opts.useCache,
      ...(this.opts.parallel ? { parallelOverride: this.opts.parallel } : {}),
      ...(this.opts.clock ? { clock: this.opts.clock } : {}),
      dataset: made(this.datasets, "dataset"),
      features: made(this.features, "features block"),
      model: made(this.models, "model"),
      dataHash: (dataset) => made(this.datasets, "dataset")(dataset).validation.dataHash,
      labels: labelsOf,
    };
  }
}

/**
 * Every step `target` reads from, directly or through others (a search's trial
 * template and what it reads included). A dataset comes with its profile: the
 * register step stores it with the monitoring reference, and in one process the
 * profile step has always run by then.
 */
export function dependencyClosure(plan: Plan, target: Step): Set<string> {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const profileOf = new Map(plan.steps.flatMap((s) => (s.kind === "profile" ? s.dependsOn.map((d) => [d, s.id] as const) : [])));
  const seen = new Set<string>();
  const pending = [...target.dependsOn];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (seen.has(id) || id === target.id) continue;
    seen.add(id);
    pending.push(...(byId.get(id)?.dependsOn ?? []));
    const profile = profileOf.get(id);
    if (profile !== undefined) pending.push(profile);
  }
  return seen;
}

function labelsOf(task: TaskSpec, f: FeaturesView): Labels {
  const classes = classLabels(task, f.raw.train[task.target]!);
  const train = encodeLabels(task, f.raw.train[task.target]!, classes, "train").y;
  checkTrainingClasses(task, train, classes);
  return {
    classes,
    train,
    validation: encodeLabels(task, f.raw.validation[task.target]!, classes, "validation").y,
    test: encodeLabels(task, f.raw.test[task.target]!, classes, "test").y,
  };
}

function datasetOutcome(d: DatasetState): DatasetOutcome {
  const v = d.validation;
  return {
    name: d.name,
    read: v.read,
    accepted: v.accepted,
    quarantined: v.quarantined,
    ...(v.quarantined > 0 ? { quarantinePath: d.quarantinePath } : {}),
    dataHash: v.dataHash,
    ...(d.split ? { split: { train: d.split.train.length, validation: d.split.validation.length, test: d.split.test.length } } : {}),
  };
}
