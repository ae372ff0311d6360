/**
 * Runs a plan's steps in order (the plan lists them topologically) against a
 * workspace: validate → profile → split → fit features → train or search →
 * evaluate → gate → export → register. Work whose inputs are unchanged is reused
 * from the step cache (keys are content hashes).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Plan, Step, StepOf, TaskSpec } from "../../compiler/plan/schema.js";
import type { ColumnArrays } from "../data/load.js";
import type { DataSplit } from "../data/split.js";
import type { ValidationResult } from "../data/contract.js";
import type { FittedPipeline, PipelineOutput } from "../features/pipeline.js";
import type { Network } from "../model/network.js";
import type { Workspace } from "../workspace/workspace.js";
import { boundaryHelp, boundaryMessage, nodeRealPath, openableReal } from "../../compiler/check/project-boundary.js";
import { RunError, EXIT } from "./errors.js";
import type { FeaturesView } from "./train-step.js";
import type { ImportedModel } from "./import-step.js";
import { checkTrainingClasses, classLabels, encodeLabels } from "./labels.js";
import type { Reporter } from "./reporter.js";
import { fmt } from "./reporter.js";
import { excerpt } from "../data/excerpt.js";

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

interface DatasetState {
  validation: ValidationResult;
  split?: DataSplit;
  profileSha?: string;
  parts?: Record<Part, ColumnArrays>;
}

type Part = "train" | "validation" | "test";
const PARTS: Part[] = ["train", "validation", "test"];

type FeaturesState = FeaturesView;

export interface ModelOutcome {
  model: string;
  runId: number;
  task: TaskSpec;
  metrics: Record<string, number>;
  gate: { passed: boolean; reasons: string[] };
  version?: number;
  status?: "registered" | "rejected";
  alias?: string;
  onnxSha?: string;
  cached: boolean;
  epochs?: number;
  trainMs: number;
  /** The task's trivial baseline on the same test split (runtime/run/baseline.ts). */
  baseline?: { metrics: Record<string, number>; metric: string; beats: boolean | undefined };
}

/** A trained model holds its network; an imported one its graph and predictions instead. */
interface ModelState extends ModelOutcome {
  network?: Network;
  networkSha?: string;
  imported?: ImportedModel;
  features: string;
  classes?: string[];
  params: Record<string, unknown>;
}

export interface RunSummary {
  specHash: string;
  backend: string;
  datasets: Array<{ name: string; read: number; accepted: number; quarantined: number; quarantinePath?: string; dataHash: string; split?: Record<Part, number> }>;
  models: ModelOutcome[];
}

/** The public part of a model's state (the summary carries no weights or internal flags). */
function outcomeOf(m: ModelState): ModelOutcome {
  return {
    model: m.model,
    runId: m.runId,
    task: m.task,
    metrics: m.metrics,
    gate: m.gate,
    ...(m.version !== undefined ? { version: m.version } : {}),
    ...(m.status !== undefined ? { status: m.status } : {}),
    ...(m.alias !== undefined ? { alias: m.alias } : {}),
    ...(m.onnxSha !== undefined ? { onnxSha: m.onnxSha } : {}),
    cached: m.cached,
    ...(m.epochs !== undefined ? { epochs: m.epochs } : {}),
    trainMs: m.trainMs,
    ...(m.baseline !== undefined ? { baseline: m.baseline } : {}),
  };
}

/** A path as the user can use it: relative below the current directory, absolute elsewhere. */
function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

export function contentKey(...parts: unknown[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(typeof p === "string" ? p : JSON.stringify(p)).update("\0");
  return h.digest("hex");
}

export class Executor {
  private readonly datasets = new Map<string, DatasetState>();
  private readonly features = new Map<string, FeaturesState>();
  private readonly models = new Map<string, ModelState>();
  private readonly summary: RunSummary;

  constructor(
    private readonly plan: Plan,
    private readonly opts: RunOptions,
  ) {
    this.summary = { specHash: plan.specHash, backend: opts.backend, datasets: [], models: [] };
  }

  private get ws(): Workspace {
    return this.opts.workspace;
  }

  async run(): Promise<RunSummary> {
    try {
      for (const step of this.plan.steps) await this.execute(step);
    } finally {
      for (const d of this.datasets.values()) d.validation.session.close();
    }
    this.summary.models = [...this.models.values()].map(outcomeOf);
    return this.summary;
  }

  private async execute(step: Step): Promise<void> {
    switch (step.kind) {
      case "validate":
        return this.validate(step);
      case "profile":
        return this.profile(step);
      case "split":
        return this.split(step);
      case "fit_features":
        return this.fitFeatures(step);
      case "train": {
        // a model with a search block trains through its search step
        if (this.plan.steps.some((s) => s.kind === "search" && s.dependsOn.includes(step.id))) return;
        const { trainModel } = await import("./train-step.js");
        const state = await trainModel(step, this.trainContext());
        this.models.set(step.params.model, state);
        return;
      }
      case "search": {
        const { runSearch } = await import("./search-step.js");
        const base = this.plan.steps.find((s): s is StepOf<"train"> => s.kind === "train" && s.id === step.dependsOn[0])!;
        const state = await runSearch(step, base, this.trainContext());
        this.models.set(step.params.model, state);
        return;
      }
      case "import_model": {
        const { importModel } = await import("./import-step.js");
        const fit = this.fitStepOf(step.params.features).params;
        this.models.set(step.params.model, await importModel(step, { ...this.trainContext(), projectDir: this.opts.projectDir, columns: fit.columns, definitions: fit.definitions }));
        return;
      }
      case "evaluate":
        return this.evaluate(step);
      case "gate":
        return this.gate(step);
      case "export":
        return this.export(step);
      case "register":
        return this.register(step);
    }
  }

  trainContext() {
    return {
      plan: this.plan,
      ws: this.ws,
      reporter: this.opts.reporter,
      backend: this.opts.backend,
      resume: this.opts.resume,
      useCache: this.opts.useCache,
      ...(this.opts.parallel ? { parallelOverride: this.opts.parallel } : {}),
      ...(this.opts.clock ? { clock: this.opts.clock } : {}),
      features: (name: string) => this.features.get(name)!,
      dataHash: (dataset: string) => this.datasets.get(dataset)!.validation.dataHash,
      labels: (task: TaskSpec, f: FeaturesState) => {
        const classes = classLabels(task, f.raw.train[task.target]!);
        const train = encodeLabels(task, f.raw.train[task.target]!, classes, "train").y;
        checkTrainingClasses(task, train, classes);
        return {
          classes,
          train,
          validation: encodeLabels(task, f.raw.validation[task.target]!, classes, "validation").y,
          test: encodeLabels(task, f.raw.test[task.target]!, classes, "test").y,
        };
      },
    };
  }

  /** The dataset's raw columns, as the features block's fit_features step declares them. */
  private columnsOf(features: string): StepOf<"fit_features">["params"]["columns"] {
    return this.fitStepOf(features).params.columns;
  }

  private fitStepOf(features: string): StepOf<"fit_features"> {
    return this.plan.steps.find((s) => s.kind === "fit_features" && s.params.features === features) as StepOf<"fit_features">;
  }

  private async validate(step: StepOf<"validate">): Promise<void> {
    const { validateDataset } = await import("../data/contract.js");
    const p = step.params;
    const quarantinePath = path.join(this.ws.quarantineDir, `${p.dataset}-${this.opts.runTag}.jsonl`);
    const source = { ...p.source, path: path.resolve(this.opts.projectDir, p.source.path) };
    // a file that cannot be opened is an I/O problem (exit 2); a file that opens but is not valid data is rejected (exit 4)
    if (!fs.existsSync(source.path)) {
      throw new RunError(`dataset \`${p.dataset}\`: data file not found: ${source.path}`, EXIT.usage, [`the path is resolved against the spec's folder ${this.opts.projectDir}`]);
    }
    // checked again now, links followed: one swapped since the spec was checked is refused, and DuckDB opens the checked file
    const opened = openableReal({ root: this.opts.projectDir, allowed: this.opts.allowRead ?? [], realPath: nodeRealPath }, source.path);
    if ("escape" in opened) {
      throw new RunError(`dataset \`${p.dataset}\`: ${boundaryMessage(opened.escape, `\`${p.source.path}\``)}`, EXIT.usage, [
        boundaryHelp(opened.escape, "copy the file into the project"),
      ]);
    }
    const v = await validateDataset({ ...source, path: opened.real }, p.contract, { quarantinePath });
    this.datasets.set(p.dataset, { validation: v });
    const q = v.quarantined > 0 ? ` (quarantined rows: ${shownPath(quarantinePath)})` : "";
    this.opts.reporter.step(step.id, `read ${v.read} = accepted ${v.accepted} + quarantined ${v.quarantined}${q}`);
    this.summary.datasets.push({ name: p.dataset, read: v.read, accepted: v.accepted, quarantined: v.quarantined, ...(v.quarantined > 0 ? { quarantinePath } : {}), dataHash: v.dataHash });
    const { topQuarantineReasons } = await import("../data/quarantine-reasons.js");
    const reasons = v.quarantined > 0 ? await topQuarantineReasons(quarantinePath) : [];
    for (const r of reasons) this.opts.reporter.line(`  ${String(r.rows).padStart(String(v.read).length)} × ${excerpt(r.reason, 200)}`);
    // without a bound in the contract, a large quarantined share is worth a word
    if (v.accepted > 0 && v.quarantined > 0.05 * v.read) {
      this.opts.reporter.line(`warning: dataset \`${p.dataset}\`: ${v.quarantined} of ${v.read} rows (${((100 * v.quarantined) / v.read).toFixed(1)}%) quarantined, more than 5%`);
    }
    if (v.extraColumns.length > 0) this.opts.reporter.line(`  note: columns not in the contract are ignored: ${ignoredColumns(v.extraColumns)}`);
    if (v.read === 0) {
      throw new RunError(`dataset \`${p.dataset}\`: ${shownPath(source.path)} has no data rows`, EXIT.dataRejected, [
        "the file holds a header at most; nothing can be validated or trained",
      ]);
    }
    if (v.accepted === 0) {
      throw new RunError(`dataset \`${p.dataset}\`: every row was quarantined (${v.quarantined} of ${v.read})`, EXIT.dataRejected, [
        ...reasons.map((r) => `${excerpt(r.reason, 200)} for ${r.rows} of ${v.read} rows`),
        `see ${shownPath(quarantinePath)} for each row's reasons`,
      ]);
    }
    if (v.datasetViolations.length > 0) {
      throw new RunError(
        `dataset \`${p.dataset}\` breaks its contract`,
        EXIT.dataRejected,
        v.datasetViolations.map((d) => `${d.column && !d.message.includes(d.column) ? `${d.column}: ` : ""}${d.message} (observed ${d.observed}, expected ${d.expected})`),
      );
    }
  }

  private async profile(step: StepOf<"profile">): Promise<void> {
    const { profileDataset } = await import("../data/profile.js");
    const d = this.datasets.get(step.params.dataset)!;
    const profile = await profileDataset(d.validation);
    d.profileSha = this.ws.artifacts.putJson(profile, { kind: "profile", dataset: step.params.dataset });
    this.opts.reporter.step(step.id, `${profile.columns.length} columns profiled → ${d.profileSha.slice(0, 12)}`);
  }

  private async split(step: StepOf<"split">): Promise<void> {
    const { splitDataset } = await import("../data/split.js");
    const { loadColumns } = await import("../data/load.js");
    const d = this.datasets.get(step.params.dataset)!;
    d.split = await splitDataset(d.validation, step.params.split);
    const parts = {} as Record<Part, ColumnArrays>;
    for (const part of PARTS) parts[part] = await loadColumns(d.validation, { part });
    d.parts = parts;
    const counts = { train: d.split.train.length, validation: d.split.validation.length, test: d.split.test.length };
    this.summary.datasets.find((x) => x.name === step.params.dataset)!.split = counts;
    this.opts.reporter.step(step.id, `${step.params.split.method}: train ${counts.train}, validation ${counts.validation}, test ${counts.test}`);
    if (counts.train === 0) throw new RunError(`dataset \`${step.params.dataset}\`: the training split is empty`, EXIT.dataRejected);
  }

  private async fitFeatures(step: StepOf<"fit_features">): Promise<void> {
    const { fitPipeline, applyPipeline, parseFittedPipeline } = await import("../features/pipeline.js");
    const p = step.params;
    const d = this.datasets.get(p.dataset)!;
    const key = contentKey("fit_features/1", p.definitions, p.columns, d.validation.dataHash, d.split);
    let pipeline: FittedPipeline;
    let sha = this.opts.useCache ? this.ws.registry.cachedStep(key) : undefined;
    let cached = false;
    if (sha && this.ws.artifacts.has(sha)) {
      pipeline = parseFittedPipeline(this.ws.artifacts.getJson(sha));
      cached = true;
    } else {
      // fitted on the training split only: no statistic sees validation or test rows
      pipeline = fitPipeline(p.definitions as Parameters<typeof fitPipeline>[0], p.columns, d.parts!.train);
      sha = this.ws.artifacts.putJson(pipeline, { kind: "feature_pipeline", features: p.features });
      this.ws.registry.cacheStep(key, "fit_features", sha);
    }
    const outputs = {} as Record<Part, PipelineOutput>;
    for (const part of PARTS) outputs[part] = applyPipeline(pipeline, d.parts![part]);
    this.features.set(p.features, { dataset: p.dataset, pipeline, pipelineSha: sha, outputs, raw: d.parts! });
    this.opts.reporter.step(step.id, `${p.definitions.length} features → width ${pipeline.width}${pipeline.indexFeatures.length ? ` + ${pipeline.indexFeatures.length} index` : ""}${cached ? " (cached)" : ""}`);
  }

  private async evaluate(step: StepOf<"evaluate">): Promise<void> {
    const { evaluateModel, scorePredictions } = await import("./evaluate-step.js");
    const m = this.models.get(step.params.model)!;
    const f = this.features.get(m.features)!;
    const labels = this.trainContext().labels(m.task, f);
    const imported = m.imported;
    m.metrics = imported ? scorePredictions(m.task, f, labels, step.params.metrics, (part) => imported.predictions[part]) : evaluateModel(m.network!, m.task, f, labels, step.params.metrics);
    // a search's best trial finished as a trial run already
    if (this.ws.registry.getRun(m.runId).state === "running") this.ws.registry.finishRun(m.runId, { state: "complete", metrics: m.metrics });
    const shown = step.params.metrics.map((k) => `${k} ${fmt(m.metrics[k] ?? NaN)}`).join("  ");
    this.opts.reporter.step(step.id, `test: ${shown}`);
    const { baselineOf, baselineLines } = await import("./baseline.js");
    m.baseline = baselineOf(m.task, f, labels, step.params.metrics, m.metrics);
    for (const line of baselineLines(m.model, m.task, m.baseline, m.metrics)) this.opts.reporter.line(line);
  }

  private async gate(step: StepOf<"gate">): Promise<void> {
    const { evaluateGates } = await import("./gate-step.js");
    const m = this.models.get(step.params.model)!;
    m.gate = evaluateGates(step.params.gates, m.metrics, (alias, model) => {
      try {
        return this.ws.registry.resolve(model ?? step.params.model, alias).metrics as Record<string, number>;
      } catch {
        return undefined;
      }
    }, m.baseline?.metrics);
    this.opts.reporter.step(step.id, m.gate.passed ? `passed (${step.params.gates.length} gate${step.params.gates.length === 1 ? "" : "s"})` : `FAILED: ${m.gate.reasons.join("; ")}`);
  }

  private async export(step: StepOf<"export">): Promise<void> {
    const { exportModel } = await import("./export-step.js");
    const m = this.models.get(step.params.model)!;
    const f = this.features.get(m.features)!;
    const columns = this.columnsOf(m.features);
    if (m.imported) {
      // checked against the imported model's own arithmetic by the import step
      m.onnxSha = this.ws.artifacts.put(Buffer.from(m.imported.artifact), { kind: "onnx", model: m.model });
      this.opts.reporter.step(step.id, `onnx ${m.onnxSha.slice(0, 12)} (imported ${m.imported.format}; ${m.imported.checked})`);
      return;
    }
    const { sha, maxDiff } = await exportModel({ model: m.model, network: m.network!, task: m.task, classes: m.classes, features: f, columns, specHash: this.plan.specHash, ws: this.ws });
    m.onnxSha = sha;
    this.opts.reporter.step(step.id, `onnx ${sha.slice(0, 12)} (onnxruntime matches the trained model on validation, max relative diff ${maxDiff.toExponential(1)})`);
  }

  private async register(step: StepOf<"register">): Promise<void> {
    const m = this.models.get(step.params.model)!;
    const reg = this.ws.registry;
    const dataHash = this.datasets.get(this.features.get(m.features)!.dataset)!.validation.dataHash;
    const status: "registered" | "rejected" = m.gate.passed ? "registered" : "rejected";
    const columns = this.columnsOf(m.features);
    // an imported model has no network here: its versions carry no monitoring reference yet
    const reference = m.network ? await this.monitoringReference(m as ModelState & { network: Network }, columns.filter((c) => c.name !== m.task.target).map((c) => c.name)) : undefined;
    // the version, its monitoring reference and its alias in one transaction: a crash leaves all or none
    const registered = reg.db.transaction(() => {
      // a register step re-run by --resume finds the version it made (and leaves the aliases as they are)
      const made = reg.versionMadeBy(m.model, m.runId, m.onnxSha!);
      if (made) {
        m.gate = { passed: made.status === "registered", reasons: made.reasons };
        return { version: made.version, status: made.status, alias: made.aliases.find((a) => a === step.params.alias || a === step.params.aliasWhenNone), again: true };
      }
      const version = reg.registerVersion({
        name: m.model,
        runId: m.runId,
        status,
        metrics: m.metrics,
        reasons: m.gate.reasons,
        artifactSha256: m.onnxSha!,
        specHash: this.plan.specHash,
        dataHash,
        inputSchema: { columns: columns.filter((c) => c.name !== m.task.target) },
        ...(m.baseline?.beats !== undefined ? { beatsBaseline: m.baseline.beats } : {}),
      });
      reference?.store(version);
      if (status !== "registered") return { version, status, alias: undefined, again: false };
      let hasChampion = true;
      try {
        reg.resolve(m.model, "champion");
      } catch {
        hasChampion = false;
      }
      const alias = hasChampion ? step.params.alias : step.params.aliasWhenNone;
      reg.setAlias(m.model, version, alias, `run ${m.runId}`);
      return { version, status, alias, again: false };
    });
    const { version, alias, again, ...outcome } = registered.immediate();
    m.version = version;
    m.status = outcome.status;
    if (alias) m.alias = alias;
    const what = again ? `${m.model} v${m.version} was already registered by run ${m.runId}` : `${m.model} v${m.version} ${m.status}`;
    this.opts.reporter.step(step.id, `${what}${m.alias ? ` as @${m.alias}` : " (aliases unchanged)"}`);
  }

  /** A seeded sample of the training rows and the model's predictions on them (spec/language.md#drift-tests). */
  private async monitoringReference(m: ModelState & { network: Network }, inputColumns: string[]): Promise<{ store(version: number): void }> {
    const { predictPart } = await import("./evaluate-step.js");
    const { buildMonitoringReference } = await import("../monitor/reference.js");
    const { storeMonitoringReference } = await import("../monitor/monitor-store.js");
    const f = this.features.get(m.features)!;
    const split = this.plan.steps.find((s): s is StepOf<"split"> => s.kind === "split" && s.params.dataset === f.dataset);
    const reference = buildMonitoringReference({
      model: m.model,
      version: 0,
      task: m.task,
      classes: m.classes,
      seed: split?.params.split.seed ?? 0,
      profileSha256: this.datasets.get(f.dataset)!.profileSha ?? null,
      train: f.raw.train,
      inputColumns,
      outputs: predictPart(m.network, m.task, f, "train"),
    });
    return { store: (version) => void storeMonitoringReference(this.ws.registry.db, this.ws.artifacts, { ...reference, version }) };
  }
}

/** Column names a note lists: a few, each a bounded excerpt (a header can be any length). */
function ignoredColumns(names: string[]): string {
  const shown = names.slice(0, 8).map((n) => excerpt(n, 40)).join(", ");
  return names.length > 8 ? `${shown} and ${names.length - 8} more` : shown;
}
